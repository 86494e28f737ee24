#include "ops/py_modules.hpp"

#include "ops/py_stdlib.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fmt/format.h>
#include <random>

namespace miglint::ops {

namespace {

std::string random_bytes(std::size_t n)
{
  static std::random_device device;
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(device() & 0xff);
  return out;
}

Value bytes_value(std::string data)
{
  auto b = std::make_shared<BytesValue>();
  b->data = std::move(data);
  return Value(ObjectPtr(b));
}

std::string hex_of(const std::string& data)
{
  std::string out;
  for (unsigned char c : data) out += fmt::format("{:02x}", c);
  return out;
}

constexpr std::string_view k_b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64encode(const std::string& data, bool urlsafe)
{
  std::string out;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    std::uint32_t chunk = static_cast<unsigned char>(data[i]) << 16;
    const std::size_t n = std::min<std::size_t>(3, data.size() - i);
    if (n > 1) chunk |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (n > 2) chunk |= static_cast<unsigned char>(data[i + 2]);
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= n ? k_b64[(chunk >> (18 - 6 * k)) & 63] : '=';
    }
  }
  if (urlsafe) std::replace(out.begin(), out.end(), '+', '-'), std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

// Python's b64decode without validate: characters outside the alphabet are skipped;
// a bad padding is binascii.Error.
std::optional<std::string> b64decode(const std::string& text, bool urlsafe)
{
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t symbols = 0;
  for (char c : text) {
    if (urlsafe && c == '-') c = '+';
    if (urlsafe && c == '_') c = '/';
    if (c == '=') break;
    const auto at = k_b64.find(c);
    if (at == std::string_view::npos) continue;
    ++symbols;
    acc = (acc << 6) | static_cast<std::uint32_t>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (symbols % 4 == 1) return std::nullopt;
  return out;
}

// The bytes of a bytes value (or of a str, which base64 also takes when it is ASCII).
const std::string* bytes_of(const Value* v)
{
  if (!v) return nullptr;
  if (auto b = v->as<BytesValue>()) return &b->data;
  return v->str();
}

void json_string(const std::string& s, std::string& out)
{
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
    case '"': out += "\\\""; continue;
    case '\\': out += "\\\\"; continue;
    case '\n': out += "\\n"; continue;
    case '\r': out += "\\r"; continue;
    case '\t': out += "\\t"; continue;
    case '\b': out += "\\b"; continue;
    case '\f': out += "\\f"; continue;
    default: break;
    }
    if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    // ensure_ascii: the code point as \uXXXX (a surrogate pair above U+FFFF).
    const int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
    std::uint32_t cp = c & (0x3f >> extra);
    for (int k = 0; k < extra && i + 1 < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[++i]) & 0x3f);
    if (cp > 0xffff) {
      cp -= 0x10000;
      out += fmt::format("\\u{:04x}\\u{:04x}", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      out += fmt::format("\\u{:04x}", cp);
    }
  }
  out += '"';
}

void json_append(const Value& v, bool sort_keys, std::string& out, std::string* error)
{
  if (v.is_none()) out += "null";
  else if (auto b = v.boolean()) out += *b ? "true" : "false";
  else if (v.integer()) out += to_str(v);
  else if (auto d = v.floating()) out += std::isnan(*d) ? "NaN" : std::isinf(*d) ? (*d > 0 ? "Infinity" : "-Infinity") : to_str(v);
  else if (auto s = v.str()) json_string(*s, out);
  else if (auto l = v.list()) {
    out += '[';
    for (std::size_t i = 0; i < l->items.size(); ++i) {
      if (i) out += ", ";
      json_append(l->items[i], sort_keys, out, error);
    }
    out += ']';
  } else if (auto d = v.dict()) {
    std::vector<std::pair<std::string, const Value*>> items;
    for (const auto& [k, val] : d->items) {
      std::string key;
      if (k.str()) key = *k.str();
      else if (k.is_none()) key = "null";
      else if (auto b = k.boolean()) key = *b ? "true" : "false";
      else if (k.integer() || k.floating()) key = to_str(k);
      else if (error && error->empty()) *error = fmt::format("TypeError: keys must be str, int, float, bool or None, not {}", type_name(k));
      items.emplace_back(key, &val);
    }
    if (sort_keys) std::stable_sort(items.begin(), items.end(), [](auto& a, auto& b) { return a.first < b.first; });
    out += '{';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      json_string(items[i].first, out);
      out += ": ";
      json_append(*items[i].second, sort_keys, out, error);
    }
    out += '}';
  } else if (!error) {
    out += to_str(v); // the caller checked the value beforehand
  } else if (error->empty()) {
    std::string name = type_name(v);
    if (auto t = v.as<TemporalValue>()) name = t->python_type().substr(9);
    else if (v.as<BytesValue>()) name = "bytes";
    else if (v.as<DecimalValue>()) name = "Decimal";
    else if (v.as<UuidValue>()) name = "UUID";
    *error = fmt::format("TypeError: Object of type {} is not JSON serializable", name);
  }
}

// A small JSON reader for json.loads: objects keep their order, as Python's dicts do.
class JsonReader {
public:
  explicit JsonReader(const std::string& text) : m_text(text) {}
  std::optional<Value> document()
  {
    auto v = value(0);
    skip();
    if (!v || m_at != m_text.size()) return std::nullopt;
    return v;
  }

private:
  void skip()
  {
    while (m_at < m_text.size() && std::string_view(" \t\r\n").find(m_text[m_at]) != std::string_view::npos) ++m_at;
  }
  bool literal(std::string_view word)
  {
    if (m_text.compare(m_at, word.size(), word) != 0) return false;
    m_at += word.size();
    return true;
  }
  std::optional<Value> value(int depth)
  {
    if (depth > 100) return std::nullopt;
    skip();
    if (m_at >= m_text.size()) return std::nullopt;
    const char c = m_text[m_at];
    if (literal("null")) return Value();
    if (literal("true")) return Value(true);
    if (literal("false")) return Value(false);
    if (c == '"') {
      auto s = string();
      if (!s) return std::nullopt;
      return Value(*s);
    }
    if (c == '[') {
      ++m_at;
      std::vector<Value> items;
      skip();
      if (m_at < m_text.size() && m_text[m_at] == ']') return ++m_at, make_list({});
      for (;;) {
        auto v = value(depth + 1);
        if (!v) return std::nullopt;
        items.push_back(*v);
        skip();
        if (m_at < m_text.size() && m_text[m_at] == ',') { ++m_at; continue; }
        if (m_at < m_text.size() && m_text[m_at] == ']') { ++m_at; return make_list(std::move(items)); }
        return std::nullopt;
      }
    }
    if (c == '{') {
      ++m_at;
      auto d = std::make_shared<DictValue>();
      skip();
      if (m_at < m_text.size() && m_text[m_at] == '}') return ++m_at, Value(d);
      for (;;) {
        skip();
        if (m_at >= m_text.size() || m_text[m_at] != '"') return std::nullopt;
        auto k = string();
        skip();
        if (!k || m_at >= m_text.size() || m_text[m_at] != ':') return std::nullopt;
        ++m_at;
        auto v = value(depth + 1);
        if (!v) return std::nullopt;
        bool replaced = false;
        for (auto& kv : d->items) {
          if (*kv.first.str() == *k) kv.second = *v, replaced = true;
        }
        if (!replaced) d->items.emplace_back(Value(*k), *v);
        skip();
        if (m_at < m_text.size() && m_text[m_at] == ',') { ++m_at; continue; }
        if (m_at < m_text.size() && m_text[m_at] == '}') { ++m_at; return Value(d); }
        return std::nullopt;
      }
    }
    const std::size_t start = m_at;
    if (c == '-') ++m_at;
    bool floating = false;
    while (m_at < m_text.size() && std::string_view("0123456789.eE+-").find(m_text[m_at]) != std::string_view::npos) {
      floating = floating || std::string_view(".eE").find(m_text[m_at]) != std::string_view::npos;
      ++m_at;
    }
    const std::string number = m_text.substr(start, m_at - start);
    if (number.empty() || number == "-") return std::nullopt;
    try {
      std::size_t used = 0;
      if (floating) {
        const double d = std::stod(number, &used);
        if (used == number.size()) return Value(d);
      } else {
        const long long i = std::stoll(number, &used);
        if (used == number.size()) return Value(static_cast<std::int64_t>(i));
      }
    } catch (...) {
    }
    return std::nullopt;
  }
  std::optional<std::string> string()
  {
    ++m_at; // "
    std::string out;
    while (m_at < m_text.size() && m_text[m_at] != '"') {
      char c = m_text[m_at++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (m_at >= m_text.size()) return std::nullopt;
      c = m_text[m_at++];
      switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        auto code = [&]() -> std::optional<std::uint32_t> {
          if (m_at + 4 > m_text.size()) return std::nullopt;
          try {
            std::size_t used = 0;
            const auto v = std::stoul(m_text.substr(m_at, 4), &used, 16);
            if (used != 4) return std::nullopt;
            m_at += 4;
            return static_cast<std::uint32_t>(v);
          } catch (...) {
            return std::nullopt;
          }
        };
        auto cp = code();
        if (!cp) return std::nullopt;
        if (*cp >= 0xd800 && *cp < 0xdc00 && m_text.compare(m_at, 2, "\\u") == 0) {
          m_at += 2;
          auto low = code();
          if (!low) return std::nullopt;
          *cp = 0x10000 + ((*cp - 0xd800) << 10) + (*low - 0xdc00);
        }
        std::string utf8;
        if (*cp < 0x80) utf8 += static_cast<char>(*cp);
        else if (*cp < 0x800) utf8 += static_cast<char>(0xc0 | (*cp >> 6)), utf8 += static_cast<char>(0x80 | (*cp & 0x3f));
        else if (*cp < 0x10000) {
          utf8 += static_cast<char>(0xe0 | (*cp >> 12));
          utf8 += static_cast<char>(0x80 | ((*cp >> 6) & 0x3f));
          utf8 += static_cast<char>(0x80 | (*cp & 0x3f));
        } else {
          utf8 += static_cast<char>(0xf0 | (*cp >> 18));
          utf8 += static_cast<char>(0x80 | ((*cp >> 12) & 0x3f));
          utf8 += static_cast<char>(0x80 | ((*cp >> 6) & 0x3f));
          utf8 += static_cast<char>(0x80 | (*cp & 0x3f));
        }
        out += utf8;
        break;
      }
      default: out += c; break; // \" \\ \/
      }
    }
    if (m_at >= m_text.size()) return std::nullopt;
    ++m_at;
    return out;
  }

  const std::string& m_text;
  std::size_t m_at = 0;
};

Value uuid_value(std::string hex)
{
  auto u = std::make_shared<UuidValue>();
  u->hex = std::move(hex);
  return Value(ObjectPtr(u));
}

Value now_value(TemporalValue::Kind kind, bool utc)
{
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm parts{};
  if (utc) gmtime_r(&seconds, &parts);
  else localtime_r(&seconds, &parts);
  auto t = std::make_shared<TemporalValue>();
  t->kind = kind;
  t->year = parts.tm_year + 1900;
  t->month = parts.tm_mon + 1;
  t->day = parts.tm_mday;
  if (kind == TemporalValue::Kind::datetime) {
    t->hour = parts.tm_hour;
    t->minute = parts.tm_min;
    t->second = parts.tm_sec;
    t->microsecond = static_cast<int>(
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1'000'000);
  }
  return Value(ObjectPtr(t));
}

std::string iso(const TemporalValue& t, char sep)
{
  std::string out = t.describe();
  if (t.kind == TemporalValue::Kind::datetime) out[10] = sep;
  return out;
}

bool has_path(const std::string& path, std::initializer_list<std::string_view> names)
{
  return std::find(names.begin(), names.end(), path) != names.end();
}

} // namespace

std::string UuidValue::describe() const
{
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

bool is_known_stdlib_module(const std::string& top)
{
  return has_path(top, {"uuid", "json", "base64", "secrets", "logging", "typing", "dataclasses", "enum",
                        "__future__", "typing_extensions", "collections"});
}

std::optional<Value> json_loads(const std::string& text)
{
  return JsonReader(text).document();
}

std::string json_dumps(const Value& v, bool sort_keys, std::string* error)
{
  std::string out;
  json_append(v, sort_keys, out, error);
  return out;
}

std::optional<Flow<Value>> call_module_function(const std::string& path, const CallArgs& args)
{
  if (path == "collections.defaultdict" || path == "collections.OrderedDict") {
    // defaultdict(factory[, mapping]) / OrderedDict([mapping]): a dict (dicts keep
    // insertion order), with the factory d[k] calls for a missing key.
    auto d = std::make_shared<DictValue>();
    const std::size_t mapping_at = path == "collections.defaultdict" ? 1 : 0;
    if (mapping_at == 1 && !args.args.empty() && !args.args[0].is_none()) {
      d->default_factory = std::make_shared<const Value>(args.args[0]);
    }
    if (args.args.size() > mapping_at + 1) return Flow<Value>(unsupported(fmt::format("{}() with {} arguments", path, args.args.size()), args.span));
    if (args.args.size() == mapping_at + 1) {
      const DictValue* from = args.args[mapping_at].dict();
      if (!from) return Flow<Value>(unsupported(fmt::format("{}() of a {}", path, type_name(args.args[mapping_at])), args.span));
      d->items = from->items;
    }
    for (const auto& [k, v] : args.kwargs) d->items.emplace_back(Value(k), v);
    return Flow<Value>(Value(d));
  }
  const Value* a0 = args.get(0, "");
  using K = TemporalValue::Kind;
  if (path == "uuid.uuid4") {
    std::string raw = random_bytes(16);
    raw[6] = static_cast<char>((raw[6] & 0x0f) | 0x40);
    raw[8] = static_cast<char>((raw[8] & 0x3f) | 0x80);
    return Flow<Value>(uuid_value(hex_of(raw)));
  }
  if (path == "uuid.UUID" && a0 && a0->str()) {
    std::string hex;
    for (char c : *a0->str()) {
      if (std::isxdigit(static_cast<unsigned char>(c))) hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      else if (c != '-' && c != '{' && c != '}') hex = "!";
    }
    if (hex.size() != 32) return Flow<Value>(failure("ValueError: badly formed hexadecimal UUID string", args.span));
    return Flow<Value>(uuid_value(hex));
  }
  if (path == "json.dumps") {
    const Value* obj = args.get(0, "obj");
    if (!obj) return Flow<Value>(failure("TypeError: dumps() missing 1 required positional argument: 'obj'", args.span));
    for (const auto& [k, v] : args.kwargs) {
      if (k != "obj" && k != "sort_keys" && !(k == "default" && v.is_none()) && !(k == "indent" && v.is_none())) {
        return Flow<Value>(unsupported(fmt::format("json.dumps() with {}=", k), args.span));
      }
    }
    const Value* sort = args.kw("sort_keys");
    std::string error;
    std::string out = json_dumps(*obj, sort && truthy(*sort), &error);
    if (!error.empty()) {
      if (error.find("JSON serializable") == std::string::npos || obj->object()) return Flow<Value>(failure(error, args.span));
      return Flow<Value>(unsupported(fmt::format("json.dumps() of a value miglint cannot encode ({})", error), args.span));
    }
    return Flow<Value>(Value(out));
  }
  if (path == "json.loads") {
    const std::string* text = bytes_of(args.get(0, "s"));
    if (!text) return std::nullopt;
    if (auto v = json_loads(*text)) return Flow<Value>(*v);
    return Flow<Value>(failure("json.decoder.JSONDecodeError: invalid JSON document", args.span));
  }
  if (has_path(path, {"base64.b64encode", "base64.urlsafe_b64encode", "base64.standard_b64encode"})) {
    const Value* v = args.get(0, "s");
    if (!v || !v->as<BytesValue>()) {
      return Flow<Value>(failure(fmt::format("TypeError: a bytes-like object is required, not '{}'",
                                             v ? type_name(*v) : "NoneType"),
                                 args.span));
    }
    return Flow<Value>(bytes_value(b64encode(v->as<BytesValue>()->data, path == "base64.urlsafe_b64encode")));
  }
  if (has_path(path, {"base64.b64decode", "base64.urlsafe_b64decode", "base64.standard_b64decode"})) {
    const std::string* text = bytes_of(args.get(0, "s"));
    if (!text || args.get(1, "altchars") || args.kw("validate")) return std::nullopt;
    auto out = b64decode(*text, path == "base64.urlsafe_b64decode");
    if (!out) return Flow<Value>(failure("binascii.Error: Incorrect padding", args.span));
    return Flow<Value>(bytes_value(*out));
  }
  if (path == "os.urandom" || path == "secrets.token_bytes" || path == "secrets.token_hex" ||
      path == "secrets.token_urlsafe") {
    const Value* n = args.get(0, path == "os.urandom" ? "size" : "nbytes");
    std::int64_t count = path == "os.urandom" ? -1 : 32;
    if (n && !n->is_none()) count = n->integer() ? *n->integer() : -1;
    if (count < 0 || count > 1 << 20) return std::nullopt;
    std::string raw = random_bytes(static_cast<std::size_t>(count));
    if (path == "secrets.token_hex") return Flow<Value>(Value(hex_of(raw)));
    if (path == "secrets.token_urlsafe") {
      std::string text = b64encode(raw, true);
      text.erase(std::remove(text.begin(), text.end(), '='), text.end());
      return Flow<Value>(Value(text));
    }
    return Flow<Value>(bytes_value(raw));
  }
  if (path == "logging.getLogger") return Flow<Value>(Value(ObjectPtr(std::make_shared<LoggerValue>())));
  if (path.starts_with("logging.") && path.find('.', 8) == std::string::npos && path.size() > 8 &&
      std::islower(static_cast<unsigned char>(path[8]))) {
    return Flow<Value>(Value()); // logging.info(...), logging.basicConfig(...)
  }
  if (path == "typing.cast" || path == "typing_extensions.cast") {
    if (const Value* v = args.get(1, "val")) return Flow<Value>(*v);
  }
  if (path == "dataclasses.dataclass") {
    return Flow<Value>(Value(ObjectPtr(std::make_shared<Namespace>("dataclasses.dataclass", true))));
  }
  if (path == "dataclasses.field") {
    auto spec = std::make_shared<FieldSpec>();
    if (const Value* d = args.kw("default")) spec->default_value = *d;
    if (const Value* f = args.kw("default_factory")) spec->factory = *f;
    return Flow<Value>(Value(ObjectPtr(spec)));
  }
  if (path == "dataclasses.asdict" && a0) {
    auto inst = a0->as<InstanceValue>();
    if (!inst || !inst->cls->is_dataclass) {
      return Flow<Value>(failure("TypeError: asdict() should be called on dataclass instances", args.span));
    }
    auto d = std::make_shared<DictValue>();
    for (const std::string& f : inst->cls->fields) d->items.emplace_back(Value(f), inst->attrs[f]);
    return Flow<Value>(Value(d));
  }
  if (path == "enum.auto") return Flow<Value>(Value(ObjectPtr(std::make_shared<AutoValue>())));
  if (has_path(path, {"datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
                      "datetime.date.today"})) {
    if (a0 || !args.kwargs.empty()) {
      return Flow<Value>(unsupported(fmt::format("{}() with a time zone", path), args.span));
    }
    const bool date = path == "datetime.date.today";
    return Flow<Value>(now_value(date ? K::date : K::datetime, path == "datetime.datetime.utcnow"));
  }
  return std::nullopt;
}

std::optional<Value> stdlib_attribute(const ObjectPtr& self, const std::string& name)
{
  if (auto u = std::dynamic_pointer_cast<UuidValue>(self)) {
    if (name == "hex") return Value(u->hex);
    if (name == "version") return Value(static_cast<std::int64_t>(std::stoi(u->hex.substr(12, 1), nullptr, 16)));
  }
  if (auto t = std::dynamic_pointer_cast<TemporalValue>(self); t && t->kind != TemporalValue::Kind::timedelta) {
    const std::pair<const char*, int> fields[] = {{"year", t->year},     {"month", t->month},   {"day", t->day},
                                                  {"hour", t->hour},     {"minute", t->minute}, {"second", t->second},
                                                  {"microsecond", t->microsecond}};
    for (const auto& [field, value] : fields) {
      if (name == field) return Value(value);
    }
  }
  return std::nullopt;
}

std::optional<Flow<Value>> stdlib_method(const ObjectPtr& self, const std::string& name, const CallArgs& args)
{
  if (std::dynamic_pointer_cast<LoggerValue>(self)) return Flow<Value>(Value());
  if (auto b = std::dynamic_pointer_cast<BytesValue>(self)) {
    if (name == "decode") {
      const Value* enc = args.get(0, "encoding");
      if (enc && enc->str() && *enc->str() != "utf-8" && *enc->str() != "utf8" && *enc->str() != "ascii") {
        return std::nullopt;
      }
      return Flow<Value>(Value(b->data));
    }
    if (name == "hex" && args.args.empty()) return Flow<Value>(Value(hex_of(b->data)));
  }
  if (auto t = std::dynamic_pointer_cast<TemporalValue>(self)) {
    if (name == "isoformat" && t->kind != TemporalValue::Kind::timedelta) {
      const Value* sep = args.get(0, "sep");
      if (args.kw("timespec")) return std::nullopt;
      return Flow<Value>(Value(iso(*t, sep && sep->str() && sep->str()->size() == 1 ? (*sep->str())[0] : 'T')));
    }
    if (name == "total_seconds" && t->kind == TemporalValue::Kind::timedelta && args.args.empty()) {
      // Python divides the whole microseconds by 10**6.
      const std::int64_t micro = (t->days * 86400 + t->seconds) * 1000000 + t->micro;
      return Flow<Value>(Value(static_cast<double>(micro) / 1e6));
    }
    if (name == "date" && t->kind == TemporalValue::Kind::datetime) {
      auto d = std::make_shared<TemporalValue>(*t);
      d->kind = TemporalValue::Kind::date;
      d->hour = d->minute = d->second = d->microsecond = 0;
      return Flow<Value>(Value(ObjectPtr(d)));
    }
  }
  return std::nullopt;
}

} // namespace miglint::ops

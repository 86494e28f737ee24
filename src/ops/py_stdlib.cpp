#include "ops/py_stdlib.hpp"

#include <cmath>
#include <cstdlib>
#include <fmt/format.h>

namespace miglint::ops {

namespace {

bool is_leap(int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m)
{
  static const int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : k_days[m - 1];
}

// The civil date (proleptic Gregorian) of a count of days since 1970-01-01.
void civil_from_days(std::int64_t z, std::int64_t& y, int& m, int& d)
{
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b)
{
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// An integer argument (bool counts, as in Python); nullopt when absent.
Flow<std::optional<std::int64_t>> int_arg(const CallArgs& args, std::size_t position,
                                          std::string_view name, const std::string& what)
{
  const Value* v = args.get(position, name);
  if (!v) return std::optional<std::int64_t>();
  if (auto i = v->integer()) return std::optional<std::int64_t>(*i);
  if (auto b = v->boolean()) return std::optional<std::int64_t>(*b ? 1 : 0);
  return unsupported(fmt::format("{}() with {} given as {}", what, name, type_name(*v)), args.span);
}

std::string date_text(const TemporalValue& t)
{
  return fmt::format("{:04}-{:02}-{:02}", t.year, t.month, t.day);
}

std::string time_text(const TemporalValue& t, bool always_micro)
{
  std::string out = fmt::format("{:02}:{:02}:{:02}", t.hour, t.minute, t.second);
  if (always_micro || t.microsecond) out += fmt::format(".{:06}", t.microsecond);
  return out;
}

std::string hex_literal(const std::string& data)
{
  std::string out = "X'";
  for (unsigned char c : data) out += fmt::format("{:02X}", c);
  return out + "'";
}

bool one_of(const std::string& name, std::initializer_list<std::string_view> names)
{
  for (auto n : names) {
    if (name == n) return true;
  }
  return false;
}

} // namespace

std::string BytesValue::describe() const
{
  std::string out = "b'";
  for (unsigned char c : data) {
    if (c == '\\' || c == '\'') out += fmt::format("\\{}", static_cast<char>(c));
    else if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else out += fmt::format("\\x{:02x}", c);
  }
  return out + "'";
}

std::string TemporalValue::python_type() const
{
  switch (kind) {
  case Kind::date: return "datetime.date";
  case Kind::datetime: return "datetime.datetime";
  case Kind::time: return "datetime.time";
  case Kind::timedelta: return "datetime.timedelta";
  }
  return "datetime";
}

std::string TemporalValue::describe() const
{
  switch (kind) {
  case Kind::date: return date_text(*this);
  case Kind::datetime: return date_text(*this) + " " + time_text(*this, false);
  case Kind::time: return time_text(*this, false);
  case Kind::timedelta: {
    std::string out;
    if (days) out = fmt::format("{} day{}, ", days, days == 1 || days == -1 ? "" : "s");
    out += fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
    if (micro) out += fmt::format(".{:06}", micro);
    return out;
  }
  }
  return {};
}

bool is_stdlib_module(const std::string& module)
{
  return module == "datetime" || module == "decimal";
}

std::optional<Flow<Value>> call_stdlib(const std::string& path, const CallArgs& args)
{
  auto t = std::make_shared<TemporalValue>();
  auto ints = [&](std::initializer_list<std::pair<std::string_view, std::int64_t>> spec,
                  std::vector<std::int64_t>& out) -> std::optional<Stop> {
    std::size_t i = 0;
    for (const auto& [name, fallback] : spec) {
      auto v = int_arg(args, i++, name, path);
      if (!v) return v.stop();
      out.push_back(v->value_or(fallback));
    }
    return std::nullopt;
  };
  auto check_date = [&](std::int64_t y, std::int64_t m, std::int64_t d) -> std::optional<Stop> {
    if (y < 1 || y > 9999) return failure(fmt::format("ValueError: year {} is out of range", y), args.span);
    if (m < 1 || m > 12) return failure("ValueError: month must be in 1..12", args.span);
    if (d < 1 || d > days_in_month(static_cast<int>(y), static_cast<int>(m))) {
      return failure("ValueError: day is out of range for month", args.span);
    }
    return std::nullopt;
  };
  auto check_time = [&](std::int64_t h, std::int64_t mi, std::int64_t s, std::int64_t us) -> std::optional<Stop> {
    if (h < 0 || h > 23) return failure("ValueError: hour must be in 0..23", args.span);
    if (mi < 0 || mi > 59) return failure("ValueError: minute must be in 0..59", args.span);
    if (s < 0 || s > 59) return failure("ValueError: second must be in 0..59", args.span);
    if (us < 0 || us > 999999) return failure("ValueError: microsecond must be in 0..999999", args.span);
    return std::nullopt;
  };
  if (path == "datetime.date" || path == "datetime.datetime") {
    std::vector<std::int64_t> v;
    const bool with_time = path == "datetime.datetime";
    if (auto stop = with_time ? ints({{"year", -1}, {"month", -1}, {"day", -1}, {"hour", 0}, {"minute", 0},
                                      {"second", 0}, {"microsecond", 0}},
                                     v)
                              : ints({{"year", -1}, {"month", -1}, {"day", -1}}, v)) {
      return Flow<Value>(*stop);
    }
    if (v[0] < 0 || v[1] < 0 || v[2] < 0) {
      return Flow<Value>(unsupported(fmt::format("{}() without year, month and day", path), args.span));
    }
    if (const Value* tz = args.get(7, "tzinfo"); with_time && tz && !tz->is_none()) {
      return Flow<Value>(unsupported("a datetime with a tzinfo", args.span));
    }
    if (auto stop = check_date(v[0], v[1], v[2])) return Flow<Value>(*stop);
    t->kind = with_time ? TemporalValue::Kind::datetime : TemporalValue::Kind::date;
    t->year = static_cast<int>(v[0]);
    t->month = static_cast<int>(v[1]);
    t->day = static_cast<int>(v[2]);
    if (with_time) {
      if (auto stop = check_time(v[3], v[4], v[5], v[6])) return Flow<Value>(*stop);
      t->hour = static_cast<int>(v[3]);
      t->minute = static_cast<int>(v[4]);
      t->second = static_cast<int>(v[5]);
      t->microsecond = static_cast<int>(v[6]);
    }
    return Flow<Value>(Value(ObjectPtr(t)));
  }
  if (path == "datetime.time") {
    std::vector<std::int64_t> v;
    if (auto stop = ints({{"hour", 0}, {"minute", 0}, {"second", 0}, {"microsecond", 0}}, v)) {
      return Flow<Value>(*stop);
    }
    if (const Value* tz = args.get(4, "tzinfo"); tz && !tz->is_none()) {
      return Flow<Value>(unsupported("a time with a tzinfo", args.span));
    }
    if (auto stop = check_time(v[0], v[1], v[2], v[3])) return Flow<Value>(*stop);
    t->kind = TemporalValue::Kind::time;
    t->hour = static_cast<int>(v[0]);
    t->minute = static_cast<int>(v[1]);
    t->second = static_cast<int>(v[2]);
    t->microsecond = static_cast<int>(v[3]);
    return Flow<Value>(Value(ObjectPtr(t)));
  }
  if (path == "datetime.timedelta") {
    std::vector<std::int64_t> v;
    if (auto stop = ints({{"days", 0}, {"seconds", 0}, {"microseconds", 0}, {"milliseconds", 0},
                          {"minutes", 0}, {"hours", 0}, {"weeks", 0}},
                         v)) {
      return Flow<Value>(*stop);
    }
    // Whole microseconds, normalized with floor division as Python does.
    const std::int64_t total = (((v[6] * 7 + v[0]) * 24 + v[5]) * 60 + v[4]) * 60 * 1'000'000 +
                               v[1] * 1'000'000 + v[3] * 1'000 + v[2];
    t->kind = TemporalValue::Kind::timedelta;
    t->days = floor_div(total, 86'400'000'000LL);
    const std::int64_t rest = total - t->days * 86'400'000'000LL;
    t->seconds = rest / 1'000'000;
    t->micro = rest % 1'000'000;
    return Flow<Value>(Value(ObjectPtr(t)));
  }
  if (path == "decimal.Decimal") {
    const Value* v = args.get(0, "value");
    auto d = std::make_shared<DecimalValue>();
    if (!v) d->text = "0";
    else if (auto i = v->integer()) d->text = std::to_string(*i);
    else if (auto s = v->str()) {
      char* end = nullptr;
      std::strtod(s->c_str(), &end);
      if (s->empty() || end != s->c_str() + s->size()) {
        return Flow<Value>(failure("decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]", args.span));
      }
      d->text = *s;
    } else {
      return Flow<Value>(unsupported(fmt::format("Decimal() of {}", type_name(*v)), args.span));
    }
    return Flow<Value>(Value(ObjectPtr(d)));
  }
  return std::nullopt;
}

std::optional<StdlibBind> bind_stdlib(const Value& v, const std::string& type)
{
  auto bytes = v.as<BytesValue>();
  auto temporal = v.as<TemporalValue>();
  auto decimal = v.as<DecimalValue>();
  if (!bytes && !temporal && !decimal) return std::nullopt;
  const std::string pytype = bytes ? "bytes" : decimal ? "decimal.Decimal" : temporal->python_type();
  using K = TemporalValue::Kind;
  auto literal = [](std::string s) { return StdlibBind{std::move(s), {}}; };
  auto error = [](std::string s) { return StdlibBind{std::nullopt, std::move(s)}; };
  auto quoted = [&](const std::string& s) { return literal("'" + s + "'"); };

  if (one_of(type, {"Date", "DATE"})) {
    if (temporal && (temporal->kind == K::date || temporal->kind == K::datetime)) return quoted(date_text(*temporal));
    return error("TypeError: SQLite Date type only accepts Python date objects as input.");
  }
  if (one_of(type, {"DateTime", "DATETIME", "TIMESTAMP"})) {
    if (temporal && temporal->kind == K::datetime) {
      return quoted(date_text(*temporal) + " " + time_text(*temporal, true));
    }
    if (temporal && temporal->kind == K::date) return quoted(date_text(*temporal) + " 00:00:00.000000");
    return error("TypeError: SQLite DateTime type only accepts Python datetime and date objects as input.");
  }
  if (one_of(type, {"Time", "TIME"})) {
    if (temporal && temporal->kind == K::time) return quoted(time_text(*temporal, true));
    return error("TypeError: SQLite Time type only accepts Python time objects as input.");
  }
  if (type == "Interval") {
    // Stored as the epoch plus the interval, in DateTime's format.
    if (!temporal || temporal->kind != K::timedelta) {
      return error(fmt::format("TypeError: unsupported operand type(s) for +: 'datetime.datetime' and '{}'", pytype));
    }
    TemporalValue at;
    std::int64_t y = 0;
    civil_from_days(temporal->days, y, at.month, at.day);
    at.year = static_cast<int>(y);
    at.hour = static_cast<int>(temporal->seconds / 3600);
    at.minute = static_cast<int>(temporal->seconds / 60 % 60);
    at.second = static_cast<int>(temporal->seconds % 60);
    at.microsecond = static_cast<int>(temporal->micro);
    if (y < 1 || y > 9999) return error("OverflowError: date value out of range");
    return quoted(date_text(at) + " " + time_text(at, true));
  }
  if (one_of(type, {"Numeric", "Float", "Double", "NUMERIC", "DECIMAL", "FLOAT", "REAL", "DOUBLE",
                    "DOUBLE_PRECISION"})) {
    if (decimal) {
      const double d = std::strtod(decimal->text.c_str(), nullptr);
      std::string s = fmt::format("{:.17g}", d);
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      if (std::isnan(d)) return literal("NULL");
      if (std::isinf(d)) return literal(d > 0 ? "9e999" : "-9e999");
      return literal(s);
    }
    return error(fmt::format("TypeError: float() argument must be a string or a real number, not '{}'",
                             pytype));
  }
  if (one_of(type, {"LargeBinary", "BLOB", "BINARY", "VARBINARY", "_Binary"})) {
    if (bytes) return literal(hex_literal(bytes->data));
    return error(fmt::format("TypeError: memoryview: a bytes-like object is required, not '{}'", pytype));
  }
  if (one_of(type, {"JSON", "JSONB"})) {
    const std::string name = bytes ? "bytes" : decimal ? "Decimal" : temporal->python_type().substr(9);
    return error(fmt::format("TypeError: Object of type {} is not JSON serializable", name));
  }
  if (one_of(type, {"Boolean", "BOOLEAN"})) {
    return error(fmt::format("TypeError: Not a boolean value: {}", v.as<Object>()->describe()));
  }
  if (one_of(type, {"Enum", "ENUM"})) {
    return error(fmt::format("LookupError: '{}' is not among the defined enum values", v.as<Object>()->describe()));
  }
  // No bind processor: Python's sqlite3 adapters.
  if (bytes) return literal(hex_literal(bytes->data));
  if (temporal && temporal->kind == K::date) return quoted(date_text(*temporal));
  if (temporal && temporal->kind == K::datetime) {
    return quoted(date_text(*temporal) + " " + time_text(*temporal, false));
  }
  return error(fmt::format("ProgrammingError: Error binding parameter: type '{}' is not supported", pytype));
}

} // namespace miglint::ops

// Rows read from PostgreSQL by `conn.execute(...)`: the text PostgreSQL sends, turned into
// the Python values psycopg2 makes of it (its default typecasters plus what SQLAlchemy's
// psycopg2 dialect registers: JSON decoding and uuid.UUID), then into what the selected
// column's SQLAlchemy type returns. Values miglint cannot reproduce exactly (aware
// datetimes, ranges, hstore, application types) stay unknown.
#include "ops/result_rows.hpp"

#include "ops/py_modules.hpp"
#include "ops/py_stdlib.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace miglint::ops {

namespace {

// pg_type oids of the built-in types psycopg2 has typecasters for.
namespace oid {
constexpr unsigned boolean = 16, bytea = 17, character = 18, name = 19, int8 = 20, int2 = 21,
                   int4 = 23, text = 25, oid = 26, json = 114, float4 = 700, float8 = 701,
                   bpchar = 1042, varchar = 1043, date = 1082, time = 1083, timestamp = 1114,
                   timestamptz = 1184, interval = 1186, timetz = 1266, numeric = 1700, uuid = 2950,
                   jsonb = 3802;
// The first oid of objects created after initdb (types of extensions and users).
constexpr unsigned first_user_object = 16384;
} // namespace oid

// Element type of the one-dimensional arrays psycopg2 casts to lists.
std::optional<unsigned> array_element(unsigned type)
{
  switch (type) {
  case 1000:
    return oid::boolean;
  case 1002:
    return oid::character;
  case 1003:
    return oid::name;
  case 1005:
    return oid::int2;
  case 1007:
    return oid::int4;
  case 1009:
    return oid::text;
  case 1014:
    return oid::bpchar;
  case 1015:
    return oid::varchar;
  case 1016:
    return oid::int8;
  case 1021:
    return oid::float4;
  case 1022:
    return oid::float8;
  case 1028:
    return oid::oid;
  case 1182:
    return oid::date;
  case 1183:
    return oid::time;
  case 1115:
    return oid::timestamp;
  case 1187:
    return oid::interval;
  case 1231:
    return oid::numeric;
  case 2951:
    return oid::uuid;
  case 199:
    return oid::json;
  case 3807:
    return oid::jsonb;
  default:
    return std::nullopt;
  }
}

// "HH:MM:SS[.f...]" from `at` to the end of `s`, into `t`.
bool parse_clock(std::string_view s, std::size_t at, TemporalValue& t)
{
  auto h = util::fixed_digits(s, at, 2), mi = util::fixed_digits(s, at + 3, 2),
       se = util::fixed_digits(s, at + 6, 2);
  if (!h || !mi || !se || s[at + 2] != ':' || s[at + 5] != ':')
    return false;
  t.hour = *h, t.minute = *mi, t.second = *se;
  std::size_t i = at + 8;
  if (i < s.size()) {
    if (s[i] != '.' || i + 1 >= s.size() || s.size() - i - 1 > 6)
      return false;
    int micro = 0, digits = 0;
    for (++i; i < s.size(); ++i, ++digits) {
      if (!std::isdigit(static_cast<unsigned char>(s[i])))
        return false;
      micro = micro * 10 + (s[i] - '0');
    }
    for (; digits < 6; ++digits)
      micro *= 10;
    t.microsecond = micro;
  }
  return t.hour <= 23 && t.minute <= 59 && t.second <= 59;
}

// PostgreSQL's ISO output: "2020-01-02", "03:04:05.25", "2020-01-02 03:04:05.25". A BC
// date or infinity is left unknown.
std::optional<Value> text_temporal(std::string_view s, TemporalValue::Kind kind)
{
  auto t = std::make_shared<TemporalValue>();
  t->kind = kind;
  if (kind == TemporalValue::Kind::time) {
    if (!parse_clock(s, 0, *t))
      return std::nullopt;
    return Value(ObjectPtr(t));
  }
  auto y = util::fixed_digits(s, 0, 4), mo = util::fixed_digits(s, 5, 2),
       d = util::fixed_digits(s, 8, 2);
  if (!y || !mo || !d || s[4] != '-' || s[7] != '-' || *y < 1)
    return std::nullopt;
  t->year = *y, t->month = *mo, t->day = *d;
  if (kind == TemporalValue::Kind::date) {
    if (s.size() != 10)
      return std::nullopt;
  } else if (s.size() < 19 || s[10] != ' ' || !parse_clock(s, 11, *t)) {
    return std::nullopt;
  }
  return Value(ObjectPtr(t));
}

// PostgreSQL's default interval output ("1 year 2 mons -3 days +04:05:06.5"), as psycopg2
// reads it: a year is 365 days, a month 30.
std::optional<Value> text_interval(std::string_view s)
{
  std::int64_t days = 0;
  std::int64_t micro = 0;
  const auto words = util::split_whitespace(s);
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view word = words[i];
    const bool negative = word.front() == '-';
    if (word.front() == '-' || word.front() == '+')
      word.remove_prefix(1);
    if (const std::size_t colon = word.find(':'); colon != std::string_view::npos) {
      // Hours may have more than two digits ("100:00:00").
      std::int64_t hours = 0;
      if (std::from_chars(word.data(), word.data() + colon, hours).ptr != word.data() + colon) {
        return std::nullopt;
      }
      TemporalValue clock;
      if (!parse_clock(fmt::format("00{}", word.substr(colon)), 0, clock))
        return std::nullopt;
      const std::int64_t total =
          ((hours * 60 + clock.minute) * 60 + clock.second) * 1000000 + clock.microsecond;
      micro += negative ? -total : total;
      continue;
    }
    std::int64_t n = 0;
    const auto parsed = std::from_chars(word.data(), word.data() + word.size(), n);
    if (parsed.ec != std::errc() || parsed.ptr != word.data() + word.size() ||
        i + 1 == words.size()) {
      return std::nullopt;
    }
    if (negative)
      n = -n;
    const std::string_view unit = words[++i];
    if (unit.starts_with("year"))
      days += n * 365;
    else if (unit.starts_with("mon"))
      days += n * 30;
    else if (unit.starts_with("day"))
      days += n;
    else
      return std::nullopt;
  }
  constexpr std::int64_t day_micro = 86400LL * 1000000;
  // Python's timedelta: 0 <= seconds < 86400, 0 <= microseconds < 10**6.
  days += micro / day_micro;
  micro %= day_micro;
  if (micro < 0) {
    micro += day_micro;
    days -= 1;
  }
  if (std::llabs(days) > 999999999)
    return std::nullopt; // OverflowError in Python
  auto t = std::make_shared<TemporalValue>();
  t->kind = TemporalValue::Kind::timedelta;
  t->days = days;
  t->seconds = micro / 1000000;
  t->micro = micro % 1000000;
  return Value(ObjectPtr(t));
}

std::optional<Value> text_float(std::string_view s)
{
  if (s == "NaN")
    return Value(std::numeric_limits<double>::quiet_NaN());
  if (s == "Infinity")
    return Value(std::numeric_limits<double>::infinity());
  if (s == "-Infinity")
    return Value(-std::numeric_limits<double>::infinity());
  double d = 0;
  const auto parsed = std::from_chars(s.data(), s.data() + s.size(), d);
  if (parsed.ec != std::errc() || parsed.ptr != s.data() + s.size())
    return std::nullopt;
  return Value(d);
}

std::optional<Value> text_uuid(std::string_view s)
{
  auto u = std::make_shared<UuidValue>();
  for (char c : s) {
    if (c == '-')
      continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
    u->hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (u->hex.size() != 32)
    return std::nullopt;
  return Value(ObjectPtr(u));
}

// bytea in PostgreSQL's hex output ("\x0aff").
std::optional<Value> text_bytes(std::string_view s)
{
  if (!s.starts_with("\\x") || s.size() % 2 != 0)
    return std::nullopt;
  auto b = std::make_shared<BytesValue>();
  for (std::size_t i = 2; i < s.size(); i += 2) {
    const int hi = util::hex_digit_value(s[i]), lo = util::hex_digit_value(s[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    b->data += static_cast<char>(hi * 16 + lo);
  }
  return Value(ObjectPtr(b));
}

std::optional<Value> text_scalar(std::string_view s, unsigned type);

// Whether psycopg2 (as SQLAlchemy sets it up) has a caster for the built-in `type`; the
// others come back as their text.
bool has_caster(unsigned type)
{
  switch (type) {
  case oid::boolean:
  case oid::bytea:
  case oid::character:
  case oid::name:
  case oid::int8:
  case oid::int2:
  case oid::int4:
  case oid::text:
  case oid::oid:
  case oid::json:
  case oid::float4:
  case oid::float8:
  case oid::bpchar:
  case oid::varchar:
  case oid::date:
  case oid::time:
  case oid::timestamp:
  case oid::timestamptz:
  case oid::interval:
  case oid::timetz:
  case oid::numeric:
  case oid::uuid:
  case oid::jsonb:
    return true;
  default:
    break;
  }
  // Arrays of those (bytea[], timestamptz[] and timetz[] too), and the range types
  // (psycopg2.extras' Range objects).
  return array_element(type) || type == 1001 || type == 1185 || type == 1270 ||
         (type >= 3904 && type <= 3927);
}

// A one-dimensional array literal ("{1,2,NULL}", "{\"a b\",c}"); nested arrays and
// explicit bounds are left unknown.
std::optional<Value> text_array(std::string_view s, unsigned element)
{
  if (s.size() < 2 || s.front() != '{' || s.back() != '}')
    return std::nullopt;
  std::vector<Value> items;
  std::size_t i = 1;
  const std::size_t end = s.size() - 1;
  if (i == end)
    return make_list({});
  while (i <= end) {
    std::string item;
    bool quoted = false;
    if (s[i] == '{')
      return std::nullopt;
    if (s[i] == '"') {
      quoted = true;
      for (++i; i < end && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < end)
          ++i;
        item += s[i];
      }
      if (i >= end)
        return std::nullopt;
      ++i;
    } else {
      for (; i < end && s[i] != ','; ++i)
        item += s[i];
    }
    if (!quoted && item == "NULL") {
      items.emplace_back();
    } else {
      auto v = text_scalar(item, element);
      if (!v)
        return std::nullopt;
      items.push_back(*v);
    }
    if (i < end && s[i] != ',')
      return std::nullopt;
    ++i;
  }
  return make_list(std::move(items));
}

// psycopg2's value of a built-in type's text; nullopt when miglint does not reproduce it.
std::optional<Value> text_scalar(std::string_view s, unsigned type)
{
  switch (type) {
  case oid::boolean:
    return Value(s == "t");
  case oid::int2:
  case oid::int4:
  case oid::int8:
  case oid::oid: {
    std::int64_t n = 0;
    const auto parsed = std::from_chars(s.data(), s.data() + s.size(), n);
    if (parsed.ec != std::errc() || parsed.ptr != s.data() + s.size())
      return std::nullopt;
    return Value(n);
  }
  case oid::float4:
  case oid::float8:
    return text_float(s);
  case oid::numeric: {
    auto d = std::make_shared<DecimalValue>();
    d->text = std::string(s);
    return Value(ObjectPtr(d));
  }
  case oid::character:
  case oid::name:
  case oid::text:
  case oid::bpchar:
  case oid::varchar:
    return Value(std::string(s));
  case oid::json:
  case oid::jsonb:
    return json_loads(std::string(s));
  case oid::uuid:
    return text_uuid(s);
  case oid::date:
    return text_temporal(s, TemporalValue::Kind::date);
  case oid::time:
    return text_temporal(s, TemporalValue::Kind::time);
  case oid::timestamp:
    return text_temporal(s, TemporalValue::Kind::datetime);
  case oid::interval:
    return text_interval(s);
  // Time-zone-aware values (tzinfo), bytea (a memoryview), ranges: not reproduced.
  case oid::timestamptz:
  case oid::timetz:
  case oid::bytea:
    return std::nullopt;
  default:
    break;
  }
  if (auto element = array_element(type))
    return text_array(s, *element);
  return std::nullopt;
}

bool pg_binary_type(const SqlType& type)
{
  const std::string name = util::to_upper(type.name);
  return type.known && type.module.starts_with("sqlalchemy") &&
         (name == "LARGEBINARY" || name == "BYTEA" || name == "BLOB" || name == "BINARY" ||
          name == "VARBINARY" || name == "_BINARY");
}

// What SQLAlchemy's types do on PostgreSQL with psycopg2 to the driver's value, or nullopt
// when miglint cannot reproduce it.
std::optional<Value> pg_processed(const Value& raw, std::string_view text, const SqlType* type)
{
  if (!type)
    return raw;
  if (!type->known || !type->module.starts_with("sqlalchemy"))
    return std::nullopt;
  const std::string name = util::to_upper(type->name);
  auto flag = [&](const char* key, bool otherwise) {
    const Value* v = type->kwarg(key);
    return v && v->boolean() ? *v->boolean() : otherwise;
  };
  auto as_float = [&]() -> std::optional<Value> {
    if (auto i = raw.integer())
      return Value(static_cast<double>(*i));
    if (raw.as<DecimalValue>())
      return text_float(text);
    return raw.floating() ? std::optional<Value>(raw) : std::nullopt;
  };
  if (name == "NUMERIC" || name == "DECIMAL") {
    if (!flag("asdecimal", true))
      return as_float();
    // A float column read as Decimal is rounded to a scale: not reproduced.
    return raw.floating() ? std::nullopt : std::optional<Value>(raw);
  }
  if (name == "FLOAT" || name == "REAL" || name == "DOUBLE" || name == "DOUBLE_PRECISION") {
    if (flag("asdecimal", false))
      return raw.as<DecimalValue>() ? std::optional<Value>(raw) : std::nullopt;
    return as_float();
  }
  if (name == "UUID") {
    auto u = raw.as<UuidValue>();
    if (!u)
      return std::nullopt;
    if (flag("as_uuid", false))
      return raw;
    return Value(u->describe());
  }
  if (name == "ENUM") {
    if (type->enum_class)
      return enum_member_named(raw, *type);
    return raw.str() ? std::optional<Value>(raw) : std::nullopt;
  }
  static const char* const k_unprocessed[] = {
      "INTEGER", "SMALLINTEGER", "BIGINTEGER",  "INT",     "SMALLINT", "BIGINT",    "STRING",
      "TEXT",    "UNICODE",      "UNICODETEXT", "VARCHAR", "NVARCHAR", "CHAR",      "NCHAR",
      "CLOB",    "CITEXT",       "BOOLEAN",     "BOOL",    "DATETIME", "TIMESTAMP", "DATE",
      "TIME",    "INTERVAL",     "JSON",        "JSONB",   "ARRAY",    "INET",      "CIDR",
      "MACADDR", "TSVECTOR",     "NULLTYPE"};
  if (std::find(std::begin(k_unprocessed), std::end(k_unprocessed), name) !=
      std::end(k_unprocessed)) {
    return raw;
  }
  return std::nullopt; // PickleType, Enum classes of other kinds, TypeDecorators, ...
}

} // namespace

Flow<std::shared_ptr<ResultState>>
read_postgresql_rows(const postgres::Rows& rows, const SelectedColumns& columns,
                     const std::function<std::string(unsigned)>& type_name, std::uint32_t line)
{
  auto state = std::make_shared<ResultState>();
  state->returns_rows = true;
  const ResultKeys keys = result_keys(columns, rows.columns);
  state->keys = keys.keys;
  // psycopg2 returns a type it has no caster for as its text: enums, citext, inet, ...
  // SQLAlchemy registers hstore's caster (a dict), which is not reproduced.
  std::vector<bool> as_text(rows.type_oids.size(), false);
  for (std::size_t at = 0; at < rows.type_oids.size(); ++at) {
    const unsigned type = rows.type_oids[at];
    if (type < oid::first_user_object) {
      as_text[at] = !has_caster(type);
    } else {
      // A type whose name could not be read stays unknown rather than be taken for text.
      const std::string name = type_name(type);
      as_text[at] = !name.empty() && name != "hstore";
    }
  }
  for (const auto& cells : rows.values) {
    auto row = std::make_shared<RowObj>();
    row->keys = keys.keys;
    row->anonymous_keys = keys.anonymous;
    for (std::size_t at = 0; at < cells.size(); ++at) {
      const SqlType* type = at < columns.types.size() ? columns.types[at].get() : nullptr;
      const std::string& key = (*keys.keys)[at];
      if (!cells[at]) {
        row->values.emplace_back();
        continue;
      }
      const std::string& text = *cells[at];
      const unsigned column_type = rows.type_oids[at];
      if (column_type == oid::bytea && type) {
        // psycopg2's memoryview, which SQLAlchemy's binary types turn into bytes.
        auto bytes = pg_binary_type(*type) ? text_bytes(text) : std::nullopt;
        row->values.push_back(bytes ? *bytes
                                    : unreproduced_cell(key, line, "its type " + type->describe()));
        continue;
      }
      std::optional<Value> raw = as_text[at] ? Value(text) : text_scalar(text, column_type);
      if (!raw) {
        row->values.push_back(
            unreproduced_cell(key, line, fmt::format("psycopg2 (type oid {})", column_type)));
        continue;
      }
      auto value = pg_processed(*raw, text, type);
      row->values.push_back(value ? *value
                                  : unreproduced_cell(key, line, "its type " + type->describe()));
    }
    state->rows.push_back(std::move(row));
  }
  state->rowcount = static_cast<std::int64_t>(rows.values.size());
  return state;
}

} // namespace miglint::ops

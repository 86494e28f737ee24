// SQLAlchemy type -> PostgreSQL type text, as SQLAlchemy 1.4's PGTypeCompiler renders
// it ("TIMESTAMP WITH TIME ZONE", "VARCHAR(5)[]", "INTERVAL DAY", a named ENUM).
#include "ops/interpreter.hpp"
#include "ops/postgresql_ddl.hpp"
#include "ops/sa_objects.hpp"

#include <fmt/format.h>

namespace miglint::ops {

namespace {

std::optional<std::int64_t> pg_int_arg(const SqlType& t, std::size_t position, std::string_view key)
{
  const Value* v = t.kwarg(key);
  if (!v && position < t.args.size()) v = &t.args[position];
  if (v && v->integer()) return *v->integer();
  return std::nullopt;
}

bool pg_flag(const SqlType& t, std::size_t position, std::string_view key)
{
  const Value* v = t.kwarg(key);
  if (!v && position < t.args.size()) v = &t.args[position];
  return v && v->boolean() && *v->boolean();
}

std::string pg_optional_str(const SqlType& t, std::string_view key)
{
  const Value* v = t.kwarg(key);
  return v && v->str() ? *v->str() : std::string();
}

// VARCHAR(5) COLLATE "C"
std::string pg_string(std::string_view base, const SqlType& t)
{
  std::string out(base);
  if (auto length = pg_int_arg(t, 0, "length")) out += fmt::format("({})", *length);
  if (std::string collation = pg_optional_str(t, "collation"); !collation.empty()) {
    out += " COLLATE " + pgddl::quote(collation);
  }
  return out;
}

std::string pg_numeric(std::string_view base, const SqlType& t)
{
  auto precision = pg_int_arg(t, 0, "precision");
  auto scale = pg_int_arg(t, 1, "scale");
  if (!precision) return std::string(base);
  if (!scale) return fmt::format("{}({})", base, *precision);
  return fmt::format("{}({}, {})", base, *precision, *scale);
}

// TIMESTAMP(3) WITH TIME ZONE; DateTime passes no precision.
std::string pg_temporal(std::string_view base, const SqlType& t, bool takes_precision)
{
  std::string out(base);
  if (takes_precision) {
    if (auto precision = pg_int_arg(t, 1, "precision")) out += fmt::format("({})", *precision);
  }
  return out + (pg_flag(t, 0, "timezone") ? " WITH TIME ZONE" : " WITHOUT TIME ZONE");
}

std::string pg_interval(const SqlType& t)
{
  std::string out = "INTERVAL";
  if (std::string fields = pg_optional_str(t, "fields"); !fields.empty()) out += " " + fields;
  std::optional<std::int64_t> precision;
  if (t.name == "Interval") precision = pg_int_arg(t, 999, "second_precision");
  else precision = pg_int_arg(t, 0, "precision");
  if (precision) out += fmt::format(" ({})", *precision);
  return out;
}

// The name of the type an Enum creates; nullopt when it has none.
std::optional<std::string> pg_enum_name(const SqlType& t)
{
  const Value* name = t.kwarg("name");
  if (!name || !name->str()) return std::nullopt;
  return pgddl::qualified(pg_optional_str(t, "schema"), *name->str());
}

// Enum('a', 'bb', native_enum=False) -> VARCHAR(2), as on every non-native backend.
std::optional<std::string> pg_enum_as_string(const SqlType& t)
{
  std::size_t longest = 0;
  for (const Value& v : t.args) {
    if (!v.str()) return std::nullopt;
    longest = std::max(longest, v.str()->size());
  }
  if (auto length = pg_int_arg(t, 999, "length")) longest = static_cast<std::size_t>(*length);
  return fmt::format("VARCHAR({})", longest);
}

std::optional<std::string> pg_type_text(const SqlType& t, std::string* error);

std::optional<std::string> pg_array(const SqlType& t, std::string* error)
{
  const Value* item = t.kwarg("item_type");
  if (!item && !t.args.empty()) item = &t.args[0];
  auto item_type = item ? to_type(*item) : nullptr;
  if (!item_type) return std::nullopt;
  auto inner = pg_type_text(*item_type, error);
  if (!inner) return std::nullopt;
  const std::int64_t dimensions = pg_int_arg(t, 3, "dimensions").value_or(1);
  std::string out = *inner;
  for (std::int64_t i = 0; i < std::max<std::int64_t>(dimensions, 1); ++i) out += "[]";
  return out;
}

std::optional<std::string> pg_generic(const SqlType& t, std::string* error)
{
  const std::string& n = t.name;
  if (n == "Integer") return "INTEGER";
  if (n == "BigInteger") return "BIGINT";
  if (n == "SmallInteger") return "SMALLINT";
  if (n == "String" || n == "Unicode") return pg_string("VARCHAR", t);
  if (n == "Text" || n == "UnicodeText") return pg_string("TEXT", t);
  if (n == "Boolean") return "BOOLEAN";
  if (n == "Date") return "DATE";
  if (n == "DateTime") return pg_temporal("TIMESTAMP", t, false);
  if (n == "Time") return pg_temporal("TIME", t, false);
  if (n == "Interval") {
    if (const Value* native = t.kwarg("native"); native && native->boolean() && !*native->boolean()) {
      return "TIMESTAMP WITHOUT TIME ZONE";
    }
    return pg_interval(t);
  }
  if (n == "Float") return pg_numeric("FLOAT", t);
  if (n == "Numeric") return pg_numeric("NUMERIC", t);
  if (n == "LargeBinary" || n == "PickleType" || n == "_Binary") return "BYTEA";
  if (n == "JSON") return "JSON";
  if (n == "ARRAY") return pg_array(t, error);
  if (n == "Enum") {
    if (const Value* native = t.kwarg("native_enum"); native && native->boolean() && !*native->boolean()) {
      return pg_enum_as_string(t);
    }
    auto name = pg_enum_name(t);
    if (!name && error) *error = "CompileError: PostgreSQL ENUM type requires a name.";
    return name;
  }
  return std::nullopt;
}

// The upper-case types of sqlalchemy and sqlalchemy.dialects.postgresql.
std::optional<std::string> pg_upper(const SqlType& t, std::string* error)
{
  const std::string& n = t.name;
  if (n == "INTEGER" || n == "INT") return "INTEGER";
  if (n == "BIGINT" || n == "SMALLINT" || n == "BOOLEAN" || n == "DATE" || n == "REAL" ||
      n == "JSON" || n == "JSONB" || n == "UUID" || n == "INET" || n == "CIDR" || n == "MACADDR" ||
      n == "MACADDR8" || n == "MONEY" || n == "OID" || n == "REGCLASS" || n == "TSVECTOR" ||
      n == "HSTORE" || n == "BYTEA" || n == "BLOB" || n == "CLOB" || n == "DATETIME" ||
      n == "INT4RANGE" || n == "INT8RANGE" || n == "NUMRANGE" || n == "DATERANGE" ||
      n == "TSRANGE" || n == "TSTZRANGE") {
    return n;
  }
  if (n == "DOUBLE_PRECISION") return "DOUBLE PRECISION";
  if (n == "VARCHAR" || n == "NVARCHAR" || n == "CHAR" || n == "NCHAR" || n == "TEXT") {
    return pg_string(n, t);
  }
  if (n == "BINARY" || n == "VARBINARY") return pg_string(n, t);
  if (n == "BIT") {
    std::string out = pg_flag(t, 1, "varying") ? "BIT VARYING" : "BIT";
    if (auto length = pg_int_arg(t, 0, "length")) out += fmt::format("({})", *length);
    return out;
  }
  if (n == "FLOAT") return pg_numeric("FLOAT", t);
  if (n == "NUMERIC" || n == "DECIMAL") return pg_numeric(n, t);
  if (n == "TIMESTAMP" || n == "TIME") return pg_temporal(n, t, t.module != "sqlalchemy");
  if (n == "INTERVAL") return pg_interval(t);
  if (n == "ARRAY") return pg_array(t, error);
  if (n == "ENUM") {
    auto name = pg_enum_name(t);
    if (!name && error) *error = "CompileError: PostgreSQL ENUM type requires a name.";
    return name;
  }
  return std::nullopt;
}

std::optional<std::string> pg_type_text(const SqlType& t, std::string* error)
{
  if (!t.known) return std::nullopt;
  if (t.module == "sqlalchemy") {
    if (auto out = pg_generic(t, error)) return out;
    return pg_upper(t, error);
  }
  if (t.module == "sqlalchemy.dialects.postgresql") return pg_upper(t, error);
  if (t.module.starts_with("sqlmodel")) {
    if (t.name == "AutoString") return pg_string("VARCHAR", t);
    if (t.name == "GUID") return "UUID";
    return pg_generic(t, error);
  }
  return std::nullopt;
}

} // namespace

std::string postgresql_type(const SqlType& t, bool* fell_back, std::string* error)
{
  if (fell_back) *fell_back = false;
  std::string refused;
  auto out = pg_type_text(t, &refused);
  if (!refused.empty()) {
    if (error) *error = refused;
    return {};
  }
  if (out) return *out;
  if (fell_back) *fell_back = true;
  return t.name; // an unknown type is written under its name, as SQLAlchemy's UserDefinedType would
}

std::optional<PgEnumType> postgresql_enum(const SqlType& t)
{
  const bool named_enum = t.known && ((t.name == "Enum" && t.module == "sqlalchemy") ||
                                      (t.name == "ENUM" && t.module == "sqlalchemy.dialects.postgresql"));
  if (!named_enum) return std::nullopt;
  if (const Value* native = t.kwarg("native_enum"); native && native->boolean() && !*native->boolean()) {
    return std::nullopt;
  }
  PgEnumType e;
  const Value* name = t.kwarg("name");
  if (!name || !name->str()) return std::nullopt;
  e.name = pgddl::qualified(pg_optional_str(t, "schema"), *name->str());
  for (const Value& v : t.args) {
    if (v.str()) e.labels.push_back(*v.str());
    else e.labels_known = false; // a Python enum class: its members are not followed here
  }
  const Value* create = t.kwarg("create_type");
  e.create_type = !(create && create->boolean() && !*create->boolean());
  return e;
}

} // namespace miglint::ops

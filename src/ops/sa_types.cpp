// SQLAlchemy type -> SQLite declared type, as SQLAlchemy 1.4's SQLite type compiler
// renders it, and the reflect-then-render round trip that batch mode performs.
#include "ops/sa_objects.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <regex>

namespace miglint::ops {

namespace {

std::optional<std::int64_t> int_arg(const SqlType& t, std::size_t position, std::string_view key)
{
  const Value* v = t.kwarg(key);
  if (!v && position < t.args.size()) {
    v = &t.args[position];
  }
  if (v && v->integer()) {
    return *v->integer();
  }
  return std::nullopt;
}

// VARCHAR, VARCHAR(50): String-like types take an optional length.
std::string with_length(std::string_view base, const SqlType& t)
{
  if (auto length = int_arg(t, 0, "length")) {
    return fmt::format("{}({})", base, *length);
  }
  return std::string(base);
}

std::string numeric(std::string_view base, const SqlType& t)
{
  auto precision = int_arg(t, 0, "precision");
  auto scale = int_arg(t, 1, "scale");
  if (!precision) {
    return std::string(base);
  }
  if (!scale) {
    return fmt::format("{}({})", base, *precision);
  }
  return fmt::format("{}({}, {})", base, *precision, *scale);
}

// Enum('a', 'bb', name='e') -> VARCHAR(2): the longest value, or length=.
std::optional<std::string> enum_type(const SqlType& t)
{
  std::size_t longest = 0;
  for (const Value& v : t.args) {
    const std::string* s = v.str();
    if (!s) {
      return std::nullopt; // an Enum over a Python enum class: values unknown
    }
    longest = std::max(longest, s->size());
  }
  if (auto length = int_arg(t, 999, "length")) {
    longest = static_cast<std::size_t>(*length);
  }
  if (t.args.empty() && !t.kwarg("length")) {
    return std::nullopt;
  }
  return fmt::format("VARCHAR({})", longest);
}

bool is_dialect(const std::string& module)
{
  return module.starts_with("sqlalchemy.dialects.");
}

// Upper-case SQL-standard types, which every dialect module re-exports.
std::optional<std::string> sql_standard(const SqlType& t)
{
  const std::string& n = t.name;
  if (n == "INTEGER" || n == "INT") return "INTEGER";
  if (n == "BIGINT") return "BIGINT";
  if (n == "SMALLINT") return "SMALLINT";
  if (n == "VARCHAR" || n == "NVARCHAR" || n == "CHAR" || n == "NCHAR" || n == "BINARY" ||
      n == "VARBINARY")
    return with_length(n, t);
  if (n == "TEXT") return with_length("TEXT", t);
  if (n == "CLOB") return with_length("CLOB", t);
  if (n == "BOOLEAN") return "BOOLEAN";
  if (n == "DATE" || n == "TIME" || n == "DATETIME" || n == "TIMESTAMP") return n;
  if (n == "FLOAT") return "FLOAT";
  if (n == "REAL") return "REAL";
  if (n == "NUMERIC" || n == "DECIMAL") return numeric(n, t);
  if (n == "JSON") return "JSON";
  if (n == "BLOB") return "BLOB";
  return std::nullopt;
}

std::optional<std::string> generic(const SqlType& t)
{
  const std::string& n = t.name;
  if (n == "Integer") return "INTEGER";
  if (n == "BigInteger") return "BIGINT";
  if (n == "SmallInteger") return "SMALLINT";
  if (n == "String" || n == "Unicode") return with_length("VARCHAR", t);
  if (n == "Text" || n == "UnicodeText") return with_length("TEXT", t);
  if (n == "Boolean") return "BOOLEAN";
  if (n == "Date") return "DATE";
  if (n == "DateTime" || n == "Interval") return "DATETIME";
  if (n == "Time") return "TIME";
  if (n == "Float") return "FLOAT";
  if (n == "Numeric") return numeric("NUMERIC", t);
  if (n == "LargeBinary" || n == "PickleType" || n == "_Binary") return "BLOB";
  if (n == "Enum") return enum_type(t);
  // SQLAlchemy 2.0's Uuid renders as CHAR(32) where there is no native UUID type.
  if (n == "Uuid") return "CHAR(32)";
  if (n == "UUID") return "UUID";
  if (n == "Double") return "FLOAT";
  return sql_standard(t);
}

} // namespace

const Value* SqlType::kwarg(std::string_view key) const
{
  for (const auto& [k, v] : kwargs) {
    if (k == key) {
      return &v;
    }
  }
  return nullptr;
}

std::string declared_type(const SqlType& t, bool* fell_back, std::string* error)
{
  if (fell_back) {
    *fell_back = false;
  }
  std::optional<std::string> out;
  if (t.known && t.module == "sqlalchemy") {
    out = generic(t);
  } else if (t.known && is_dialect(t.module)) {
    // Dialect modules re-export the generic upper-case types; ENUM behaves like Enum.
    if (t.name == "ENUM") {
      out = enum_type(t);
    } else {
      out = sql_standard(t);
    }
  } else if (t.module.starts_with("sqlmodel")) {
    if (t.name == "AutoString") {
      out = with_length("VARCHAR", t);
    } else if (t.name == "GUID") {
      out = "CHAR(32)";
    } else {
      out = generic(t);
    }
  }
  if (!out && t.name == "ARRAY" && error) {
    *error = "SQLAlchemy cannot render ARRAY on SQLite";
  }
  if (out) {
    return *out;
  }
  if (fell_back) {
    *fell_back = true;
  }
  // Unknown types are declared by their name (SQLite accepts any type name).
  if (t.name == "Enum" || t.name == "ENUM") {
    return "VARCHAR";
  }
  return t.name;
}

std::string reflected_type(std::string_view declared_in)
{
  std::string declared;
  for (char c : declared_in) {
    declared += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  static const std::regex k_type(R"(^([\w ]+)(\(.*?\))?)");
  std::smatch m;
  std::string name;
  std::string args_text;
  bool has_args = false;
  if (std::regex_search(declared, m, k_type)) {
    name = m[1].str();
    has_args = m[2].matched;
    args_text = m[2].str();
  }
  std::vector<std::int64_t> args;
  if (has_args) {
    static const std::regex k_digits(R"(\d+)");
    for (auto it = std::sregex_iterator(args_text.begin(), args_text.end(), k_digits);
         it != std::sregex_iterator(); ++it) {
      args.push_back(std::stoll(it->str()));
    }
  }
  auto length_type = [&](std::string_view base) {
    // String types take (length[, collation]): only the first number is a length.
    if (args.size() == 1) {
      return fmt::format("{}({})", base, args[0]);
    }
    return std::string(base);
  };
  auto numeric_type = [&](std::string_view base) {
    if (args.size() == 1) {
      return fmt::format("{}({})", base, args[0]);
    }
    if (args.size() == 2) {
      return fmt::format("{}({}, {})", base, args[0], args[1]);
    }
    return std::string(base);
  };
  if (name == "BIGINT" || name == "BLOB" || name == "DATE" || name == "DATETIME" ||
      name == "INTEGER" || name == "JSON" || name == "REAL" || name == "SMALLINT" ||
      name == "TIME" || name == "TIMESTAMP") {
    return name;
  }
  if (name == "INT") return "INTEGER";
  if (name == "BOOL" || name == "BOOLEAN") return "BOOLEAN";
  if (name == "DATE_CHAR") return "DATE";
  if (name == "DATETIME_CHAR") return "DATETIME";
  if (name == "TIME_CHAR") return "TIME";
  if (name == "DOUBLE" || name == "FLOAT") return "FLOAT";
  if (name == "CHAR" || name == "VARCHAR" || name == "NVARCHAR" || name == "NCHAR" ||
      name == "TEXT") {
    return length_type(name);
  }
  if (name == "DECIMAL" || name == "NUMERIC") return numeric_type(name);
  if (name.find("INT") != std::string::npos) return "INTEGER";
  if (name.find("CHAR") != std::string::npos || name.find("CLOB") != std::string::npos ||
      name.find("TEXT") != std::string::npos) {
    return length_type("TEXT");
  }
  if (name.find("BLOB") != std::string::npos || name.empty()) {
    return {}; // NullType: SQLAlchemy cannot render it
  }
  if (name.find("REAL") != std::string::npos || name.find("FLOA") != std::string::npos ||
      name.find("DOUB") != std::string::npos) {
    return "REAL";
  }
  return numeric_type("NUMERIC");
}

std::string type_affinity(std::string_view declared)
{
  std::string t;
  for (char c : declared) {
    if (c == '(') {
      break;
    }
    t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  t = std::string(util::strip(t));
  if (t == "INTEGER" || t == "BIGINT" || t == "SMALLINT" || t == "INT") return "integer";
  if (t == "VARCHAR" || t == "CHAR" || t == "NVARCHAR" || t == "NCHAR" || t == "TEXT" ||
      t == "CLOB")
    return "string";
  if (t == "NUMERIC" || t == "DECIMAL" || t == "FLOAT" || t == "REAL") return "numeric";
  if (t == "DATETIME" || t == "TIMESTAMP") return "datetime";
  if (t == "DATE") return "date";
  if (t == "TIME") return "time";
  if (t == "BOOLEAN") return "boolean";
  if (t == "BLOB") return "binary";
  if (t == "JSON") return "json";
  return "other:" + t;
}

} // namespace miglint::ops

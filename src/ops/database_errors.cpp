#include "ops/database_errors.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace miglint::ops {

bool cannot_catch_database_error(const std::string& path)
{
  // Errors of another driver never wrap SQLite's.
  if (path.starts_with("psycopg2.") || path.starts_with("psycopg.") || path.starts_with("pymysql.") ||
      path.starts_with("MySQLdb.") || path.starts_with("asyncpg.")) {
    return true;
  }
  // Siblings of DatabaseError's subclasses that SQLite's failures are not.
  static constexpr std::array<std::string_view, 4> dbapi = {
      "ProgrammingError", "NotSupportedError", "InterfaceError", "Warning"};
  for (std::string_view module : {"sqlalchemy.exc.", "sqlite3."}) {
    if (!path.starts_with(module)) continue;
    const std::string_view leaf = std::string_view(path).substr(module.size());
    if (std::find(dbapi.begin(), dbapi.end(), leaf) != dbapi.end()) return true;
    // SQLAlchemy's errors that are not DBAPI errors at all.
    if (module == "sqlalchemy.exc." &&
        (leaf == "NoSuchTableError" || leaf == "NoSuchColumnError" || leaf == "ArgumentError" ||
         leaf == "InvalidRequestError" || leaf == "CompileError" || leaf == "UnboundExecutionError")) {
      return true;
    }
    return false;
  }
  static constexpr std::array<std::string_view, 17> builtins = {
      "KeyError",      "ValueError",       "TypeError",         "AttributeError",
      "IndexError",    "LookupError",      "NameError",         "ImportError",
      "ModuleNotFoundError", "ZeroDivisionError", "ArithmeticError", "AssertionError",
      "NotImplementedError", "OSError",    "FileNotFoundError", "UnicodeError",
      "StopIteration"};
  if (path.starts_with("builtins.")) {
    const std::string_view leaf = std::string_view(path).substr(std::string_view("builtins.").size());
    return std::find(builtins.begin(), builtins.end(), leaf) != builtins.end();
  }
  return false;
}

} // namespace miglint::ops

#include "sqlite/error.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

namespace miglint::sqlite {

namespace {

// Names for the extended codes worth telling apart in a message; the primary
// message (sqlite3_errstr) already says the rest.
std::string_view extended_name(int extended)
{
  switch (extended) {
  case SQLITE_CONSTRAINT_PRIMARYKEY:
    return "SQLITE_CONSTRAINT_PRIMARYKEY";
  case SQLITE_CONSTRAINT_UNIQUE:
    return "SQLITE_CONSTRAINT_UNIQUE";
  case SQLITE_CONSTRAINT_NOTNULL:
    return "SQLITE_CONSTRAINT_NOTNULL";
  case SQLITE_CONSTRAINT_FOREIGNKEY:
    return "SQLITE_CONSTRAINT_FOREIGNKEY";
  case SQLITE_CONSTRAINT_CHECK:
    return "SQLITE_CONSTRAINT_CHECK";
  case SQLITE_IOERR_READ:
    return "SQLITE_IOERR_READ";
  case SQLITE_IOERR_WRITE:
    return "SQLITE_IOERR_WRITE";
  case SQLITE_IOERR_FSYNC:
    return "SQLITE_IOERR_FSYNC";
  case SQLITE_IOERR_SHORT_READ:
    return "SQLITE_IOERR_SHORT_READ";
  case SQLITE_READONLY_DBMOVED:
    return "SQLITE_READONLY_DBMOVED";
  case SQLITE_CANTOPEN_ISDIR:
    return "SQLITE_CANTOPEN_ISDIR";
  case SQLITE_CANTOPEN_FULLPATH:
    return "SQLITE_CANTOPEN_FULLPATH";
  default:
    return {};
  }
}

} // namespace

std::string sql_excerpt(std::string_view sql)
{
  constexpr std::size_t k_max = 72;
  std::string out;
  bool pending_space = false;
  for (char c : sql) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c)); // NUL and such, visible
    } else {
      out += c;
    }
    if (out.size() > k_max) {
      out.resize(k_max);
      out += "...";
      break;
    }
  }
  return out;
}

model::Error error_from_code(sqlite3* db, int rc, std::string_view db_name, int busy_timeout_ms,
                             std::string_view action)
{
  const int primary = rc & 0xff;
  // sqlite3_errmsg describes the connection's most recent failure; prefer it when it
  // matches `rc`, since it is more specific ("no such table: t").
  std::string detail;
  int extended = rc;
  if (db != nullptr && (sqlite3_errcode(db) & 0xff) == primary) {
    detail = sqlite3_errmsg(db);
    extended = sqlite3_extended_errcode(db);
  } else {
    detail = sqlite3_errstr(rc);
  }

  switch (primary) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    detail = fmt::format("database is locked (another connection is using it; gave up after {} ms)",
                         busy_timeout_ms);
    break;
  case SQLITE_NOTADB:
    detail = "file is not a database";
    break;
  case SQLITE_CORRUPT:
    detail = "database disk image is malformed (the file is corrupt)";
    break;
  case SQLITE_READONLY:
    if (detail.find("readonly") == std::string::npos) {
      detail = "attempt to write a readonly database: " + detail;
    }
    break;
  default:
    break;
  }
  const std::string_view name = extended_name(extended);
  if (!name.empty()) {
    detail += fmt::format(" [{}]", name);
  }
  std::string message(db_name);
  if (!action.empty()) {
    message += fmt::format(": {}", action);
  }
  message += fmt::format(": {}", detail);
  return model::Error{model::Error::Kind::other, std::move(message)};
}

} // namespace miglint::sqlite

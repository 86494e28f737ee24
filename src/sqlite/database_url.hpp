// Where the database is: `--db` values (a path or an SQLAlchemy-style URL) and the
// lookup order used when no `--db` is given.
#pragma once

#include "model/result.hpp"
#include "sqlite/database.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace miglint::sqlite {

// A parsed database location. `path` is empty for an in-memory database and is kept
// as written (relative paths stay relative until resolve_database anchors them).
struct DatabaseTarget {
  std::filesystem::path path;
  bool memory = false;
  bool read_only = false; // `?mode=ro`
  std::string url;        // the text as given
  std::string origin;     // where it came from: "--db", "DATABASE_URL (environment)", ...

  // read_only, memory, or read_write_create (upgrade/stamp create the file like Alembic).
  OpenMode open_mode() const;
  // The path, or ":memory:", for messages.
  std::string display() const;
};

// Parses a `--db` value:
//   app.db, /abs/app.db, :memory:            a plain path
//   sqlite:///rel.db                          relative path rel.db
//   sqlite:////abs.db                         absolute path /abs.db
//   sqlite+pysqlite:///..., sqlite+aiosqlite:///...   same, any driver
//   sqlite://, sqlite:///, sqlite:///:memory:  in memory
// A query string is ignored except `mode=ro` (read only) and `mode=memory`. Percent
// escapes in the path are decoded. Any other dialect is an Error of kind usage:
// "miglint only runs migrations on SQLite; got postgresql".
Result<DatabaseTarget> parse_database_url(std::string_view text);

// Reads `.env` text as python-dotenv does, for the forms projects use: `KEY=value`,
// `export KEY=value`, blank lines and `#` comments, 'single quotes' (literal),
// "double quotes" (with \n, \", \\ escapes), unquoted values ending at ` #`, and
// `${NAME}` / `${NAME:-default}` in unquoted and double-quoted values, expanded from
// `env` first, then earlier keys (load_dotenv without override).
// Lines that are not assignments are skipped, as python-dotenv skips them.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
std::map<std::string, std::string> parse_dotenv(std::string_view text, const EnvLookup& env = {});

// The process environment (std::getenv).
EnvLookup process_environment();

// Chooses the database, in this order: `flag` (--db); ALEMBIC_DATABASE_URL then
// DATABASE_URL from `env`; the same two keys in `dir`/.env; `config_value`. Empty
// values count as unset. A relative path is anchored at `dir` (the directory the
// command runs in, `-C DIR`). When nothing names a database the Error has kind
// not_found, so callers with a default (verify: in memory) can fall back to it.
// A parse error names the origin: "... (from DATABASE_URL in .env)".
Result<DatabaseTarget> resolve_database(std::optional<std::string> flag,
                                        const std::filesystem::path& dir,
                                        std::optional<std::string> config_value,
                                        const EnvLookup& env = process_environment());

} // namespace miglint::sqlite

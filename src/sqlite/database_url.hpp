// Where the database is: `--db` values (a path or an SQLAlchemy-style URL) and the
// lookup order used when no `--db` is given.
#pragma once

#include "model/result.hpp"
#include "postgres/url.hpp"
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
  bool read_only = false;     // `mode=ro` in a `file:` URI
  bool existing_only = false; // `mode=rw`: open for writing, never create
  std::string url;            // the text as given
  std::string origin;         // where it came from: "--db", "DATABASE_URL (environment)", ...
  // Set for a PostgreSQL URL (and then nothing above but url and origin is).
  std::optional<postgres::Url> postgres;

  // read_only, memory, read_write (mode=rw), or read_write_create (upgrade/stamp create
  // the file like Alembic).
  OpenMode open_mode() const;
  // The path, or ":memory:", for messages.
  std::string display() const;
};

// Parses a `--db` value exactly as SQLAlchemy 1.4 (make_url, then the pysqlite dialect)
// reads it, refusing (Error of kind usage) what it refuses and what it would silently
// get wrong:
//   app.db, /abs/app.db, :memory:, ./odd:name.db   a plain path (no scheme before a colon)
//   sqlite:///rel.db, sqlite:////abs.db          the file name, verbatim (no %-decoding)
//   sqlite+pysqlite:///..., sqlite+aiosqlite:///...   the same
//   sqlite://, sqlite:///, sqlite:///:memory:     in memory
//   sqlite:///file:app.db?mode=ro&uri=true      a SQLite URI: mode (ro, rw, rwc, memory)
//                                                and cache are honoured, other parameters
//                                                refused
// The driver's own options (timeout, check_same_thread, ...) are checked as SQLAlchemy
// converts them and otherwise ignored. Refused: text SQLAlchemy cannot parse
// (`sqlite:app.db`), a host, user or port, options SQLAlchemy ignores without uri=true
// (`?mode=ro` alone), a `file:` name without uri=true, and anything else that would make
// SQLite create a file under a name nobody meant. PostgreSQL URLs are parsed by
// postgres::parse_url. Any other dialect: "miglint runs migrations on SQLite and
// PostgreSQL; got mysql".
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

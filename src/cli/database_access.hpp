// What the commands that touch a database share: choosing it (--db, environment, .env,
// config, alembic.ini), opening it, and printing Alembic-style progress on stderr.
#pragma once

#include "cli/workspace.hpp"
#include "db/migration_target.hpp"
#include "sqlite/database.hpp"
#include "sqlite/database_url.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace miglint::cli {

// Migrations can hold the write lock for a while; a second process waits this long.
inline constexpr int k_migration_busy_timeout_ms = 60000;

// The database for a command: `--db`, then ALEMBIC_DATABASE_URL / DATABASE_URL
// (environment, then .env), then `database_url` of the config, then alembic.ini's
// sqlalchemy.url. An Error of kind not_found when nothing names one.
model::Result<sqlite::DatabaseTarget> choose_database(const Workspace& ws,
                                                      const std::optional<std::string>& flag);
// The same lookup, an Error of kind not_found when nothing names a database.
model::Result<sqlite::DatabaseTarget> find_database(const Workspace& ws,
                                                    const std::optional<std::string>& flag);

// The dialect `--sql` writes for: the named database's, SQLite when none is named (an
// unparsable URL is an Error).
model::Result<db::Dialect> offline_dialect(const Workspace& ws,
                                           const std::optional<std::string>& flag);

// Opens the database: `must_exist` refuses a missing file (current, history) instead of
// creating it (upgrade, stamp: Alembic creates it). Those reading commands open a file
// they may not write read-only; the writing ones refuse a read-only (`mode=ro`) target.
model::Result<sqlite::Connection> open_database(const sqlite::DatabaseTarget& target,
                                                bool must_exist, int busy_timeout_ms);

// The database a migration command works on, SQLite or PostgreSQL as the URL says;
// `must_exist` as for open_database (a PostgreSQL database always must).
model::Result<std::unique_ptr<db::MigrationTarget>>
open_migration_target(const sqlite::DatabaseTarget& target, bool must_exist, int busy_timeout_ms);

// The version rows, sorted (empty when the table is absent).
model::Result<std::vector<std::string>> read_version_rows(sqlite::Connection& db);
model::Result<std::vector<std::string>> read_version_rows(db::MigrationTarget& db);

// `INFO  [miglint] MESSAGE` on stderr, unless quiet.
void log_info(const std::string& message, bool quiet);

// Prints an error (multi-line messages as they are) and returns `code`.
int fail(const std::string& message, int code);

} // namespace miglint::cli

#include "cli/database_access.hpp"

#include "postgres/migration_target.hpp"
#include "sqlite/migration_target.hpp"
#include "sqlite/version_table.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

namespace miglint::cli {

model::Result<sqlite::DatabaseTarget> find_database(const Workspace& ws,
                                                    const std::optional<std::string>& flag)
{
  std::optional<std::string> configured = ws.project.config.database_url;
  if (!configured && ws.project.ini && !ws.project.ini->sqlalchemy_url.empty()) {
    configured = ws.project.ini->sqlalchemy_url;
  }
  return sqlite::resolve_database(flag, ws.project.cwd, configured);
}

model::Result<sqlite::DatabaseTarget> choose_database(const Workspace& ws,
                                                      const std::optional<std::string>& flag)
{
  auto target = find_database(ws, flag);
  if (!target && target.error().kind == model::Error::Kind::not_found) {
    return model::make_error("no database given: pass --db PATH or URL, or set "
                             "ALEMBIC_DATABASE_URL or DATABASE_URL",
                             model::Error::Kind::usage);
  }
  return target;
}

model::Result<db::Dialect> offline_dialect(const Workspace& ws,
                                           const std::optional<std::string>& flag)
{
  auto target = find_database(ws, flag);
  if (!target) {
    if (target.error().kind == model::Error::Kind::not_found) {
      return db::Dialect::sqlite;
    }
    return target.error();
  }
  return target->postgres ? db::Dialect::postgresql : db::Dialect::sqlite;
}

model::Result<sqlite::Connection> open_database(const sqlite::DatabaseTarget& target,
                                                bool must_exist, int busy_timeout_ms)
{
  if (target.memory) {
    return sqlite::Connection::open_memory();
  }
  sqlite::OpenMode mode = target.open_mode();
  if (!must_exist && target.read_only) {
    // Fail before anything runs rather than blame the first revision's first statement.
    return model::make_error(fmt::format("{}: the database is opened read-only (mode=ro in the "
                                         "URL) but this command writes to it",
                                         target.display()),
                             model::Error::Kind::usage);
  }
  if (must_exist) {
    std::error_code ec;
    if (!std::filesystem::exists(target.path, ec)) {
      return model::make_error(
          fmt::format("database file {} does not exist", target.path.string()),
          model::Error::Kind::not_found);
    }
    if (mode == sqlite::OpenMode::read_write_create) {
      mode = sqlite::OpenMode::read_write;
    }
    // Reading commands only read: a file on a read-only filesystem or without write
    // permission is opened read-only instead of refused, as Alembic reads it.
    if (mode == sqlite::OpenMode::read_write && ::access(target.path.c_str(), W_OK) != 0) {
      mode = sqlite::OpenMode::read_only;
    }
  }
  return sqlite::Connection::open(target.path, mode, busy_timeout_ms);
}

model::Result<std::unique_ptr<db::MigrationTarget>>
open_migration_target(const sqlite::DatabaseTarget& target, bool must_exist, int busy_timeout_ms)
{
  const std::string version_table(db::k_version_table);
  if (target.postgres) {
    auto conn = postgres::Connection::open(*target.postgres);
    MIGLINT_TRY(conn);
    return std::unique_ptr<db::MigrationTarget>(
        std::make_unique<postgres::MigrationTarget>(std::move(*conn), version_table));
  }
  auto conn = open_database(target, must_exist, busy_timeout_ms);
  MIGLINT_TRY(conn);
  return std::unique_ptr<db::MigrationTarget>(
      std::make_unique<sqlite::MigrationTarget>(std::move(*conn), version_table));
}

model::Result<std::vector<std::string>> read_version_rows(sqlite::Connection& db)
{
  sqlite::VersionTable table(db);
  return table.heads();
}

model::Result<std::vector<std::string>> read_version_rows(db::MigrationTarget& db)
{
  return db.versions().heads();
}

void log_info(const std::string& message, bool quiet)
{
  if (!quiet) {
    std::fprintf(stderr, "INFO  [miglint] %s\n", message.c_str());
  }
}

int fail(const std::string& message, int code)
{
  if (message.find(": error: ") != std::string::npos) {
    std::fprintf(stderr, "%s\n", message.c_str()); // already GCC-style
  } else {
    std::fprintf(stderr, "miglint: error: %s\n", message.c_str());
  }
  return code;
}

} // namespace miglint::cli

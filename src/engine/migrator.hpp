// Applies migration plans to a database: each revision in its own transaction
// (BEGIN IMMEDIATE on SQLite) together with its version-table change, so a failure leaves the
// database at the last good revision; or renders a plan as an SQL script (`--sql`).
#pragma once

#include "engine/body_runner.hpp"
#include "graph/planner.hpp"
#include "db/migration_target.hpp"

#include <functional>
#include <string>
#include <vector>

namespace miglint::engine {

struct MigrateOptions {
  // The version table of render_script (online, the target's own).
  std::string version_table = "alembic_version";
  // The dialect render_script writes for (online, the target's own).
  db::Dialect dialect = db::Dialect::sqlite;
  // Receives Alembic's log text for each step ("Running upgrade a1 -> b2, message").
  std::function<void(const std::string&)> log;
  // Where revisions' imports of the application's own modules are read.
  const source::PythonModules* modules = nullptr;
  // See RunContext::config_engine_is_target.
  bool config_engine_is_target = false;
};

// Computes a plan from the version rows read inside the migration (so that a process
// that waited for another one plans from where that one left the database).
using Planner = std::function<model::Result<graph::Plan>(const std::vector<std::string>& current)>;

struct MigrateResult {
  std::size_t steps_applied = 0;
  std::vector<std::string> heads; // the version rows at the end, sorted
};

// Runs `planner`'s plan on `db`, creating the version table when it is missing (as
// Alembic does). Before each step the version rows are read under the write lock; when
// another process moved them, the remaining work is planned again from there.
// A failing statement, version-table change or COMMIT (a full disk) rolls its revision
// back and returns an Error whose message is GCC-style: `path:line:col: error: upgrade of
// revision X failed: <SQLite message>`, then the statement, then where the database was
// left (the version rows read back, as `current` shows them).
model::Result<MigrateResult> migrate(const graph::RevisionGraph& graph, db::MigrationTarget& db,
                                     const Planner& planner, const MigrateOptions& options);

// Moves the version rows as a stamp plan says, in one transaction (`purge` first deletes
// every row). Nothing else is run.
model::Result<MigrateResult> apply_stamp(const graph::RevisionGraph& graph, db::MigrationTarget& db,
                                         const graph::Plan& plan, const MigrateOptions& options);

// The plan as the script Alembic's offline mode prints for SQLite: the version table's
// CREATE when starting from nothing, `-- Running ...` comments, each statement and each
// version-table change followed by `;` and a blank line, and DROP of the version table
// when the plan ends at base. A body that cannot be rendered is an Error.
model::Result<std::string> render_script(const graph::RevisionGraph& graph,
                                         const graph::Plan& plan, const MigrateOptions& options);

// The SQL of one version-table change, as Alembic emits it.
std::string version_change_sql(const graph::VersionChange& change, const std::string& table,
                               db::Dialect dialect = db::Dialect::sqlite);

} // namespace miglint::engine

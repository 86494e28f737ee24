// `verify`: proves that every revision round-trips on a scratch database. For each
// revision in upgrade order: upgrade, snapshot; downgrade, compare with the schema before;
// upgrade again, compare with the schema after; finally downgrade everything to base and
// check that nothing is left. Before each upgrade, tables get sample rows; the rows must
// survive the round trip. Findings are Diagnostics (MG301-MG310). What the database is
// (SQLite, PostgreSQL) is the ScratchDatabase's business; the schema is compared whole
// every time.
#pragma once

#include "engine/body_runner.hpp"
#include "engine/scratch_database.hpp"
#include "graph/revision_graph.hpp"
#include "model/diagnostic.hpp"
#include "sqlite/database.hpp"

#include <set>
#include <string>
#include <vector>

namespace miglint::engine {

struct RoundTripOptions {
  graph::NodeId from = -1; // check only this revision's descendants (itself included)
  graph::NodeId to = -1;   // ... and this revision's ancestors (itself included)
  std::string version_table = "alembic_version";
  // When not empty, check only the revisions marked true (the others are upgraded
  // through): `verify --against REF` checks what this branch adds.
  std::vector<bool> only;
  // The version rows the scratch database starts at (`verify --start-from DB`, a copy of
  // an existing database): only the revisions above them are run. Empty: from base.
  std::vector<std::string> start_heads;
  // `--rows N`: before each upgrade, tables with fewer rows get sample rows up to N
  // (0: no seeding). Rows are compared after each downgrade either way.
  std::size_t seed_rows = 3;
  // Where revisions' imports of the application's own modules are read.
  const source::PythonModules* modules = nullptr;
  // See RunContext::config_engine_is_target.
  bool config_engine_is_target = false;
};

struct PhaseTiming {
  std::string phase; // "upgrade", "downgrade", "reupgrade", "final-downgrade"
  double milliseconds = 0;
  std::vector<StatementRun> statements;
};

// What happened to one revision: ok, upgrade-failed, downgrade-failed, not-restored,
// rows-not-restored, fails-on-populated-table, not-repeatable, irreversible, unverifiable, upgraded (outside --from/--to: upgraded
// through, not checked), not-reached (it descends from a revision whose upgrade failed or
// could not be run; revisions on other lineages are still verified).
struct RevisionReport {
  graph::NodeId rev = -1;
  std::string status;
  // For a status other than ok: where and why, as the body runner or the comparison said.
  model::Span at;
  std::string detail;
  std::vector<PhaseTiming> phases;
  std::vector<std::string> notes; // tables that could not be seeded before its upgrade
  // Column types its bodies declared by class name, unresolved; a table rebuild keeps
  // them as declared, so later comparisons see them as declared.
  std::set<FallbackType> fallback_types;
};

struct RoundTripReport {
  std::vector<model::Diagnostic> findings;
  std::vector<RevisionReport> revisions; // upgrade order
  std::size_t checked = 0;               // revisions whose round trip was attempted
  bool final_check = false;              // the downgrade to base ran
  double milliseconds = 0;
};

// Runs the round trips on `db`, which must be empty (or a copy made for --start-from).
// Errors are failures of the scratch database itself, not of revisions.
model::Result<RoundTripReport> verify_round_trips(const graph::RevisionGraph& graph,
                                                  ScratchDatabase& db,
                                                  const RoundTripOptions& options);
// The same on a SQLite database (an in-memory one by default).
model::Result<RoundTripReport> verify_round_trips(const graph::RevisionGraph& graph,
                                                  sqlite::Connection& db,
                                                  const RoundTripOptions& options);

} // namespace miglint::engine

// `verify`: proves that every revision round-trips on a scratch database. For each
// revision in upgrade order: upgrade, snapshot; downgrade, compare with the schema before;
// upgrade again, compare with the schema after; finally downgrade everything to base and
// check that nothing is left. Findings are Diagnostics (MG301-MG306).
#pragma once

#include "engine/body_runner.hpp"
#include "graph/revision_graph.hpp"
#include "model/diagnostic.hpp"
#include "sqlite/database.hpp"

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
};

struct PhaseTiming {
  std::string phase; // "upgrade", "downgrade", "reupgrade", "final-downgrade"
  double milliseconds = 0;
  std::vector<StatementRun> statements;
};

// What happened to one revision: ok, upgrade-failed, downgrade-failed, not-restored,
// not-repeatable, irreversible, unverifiable, upgraded (outside --from/--to: upgraded
// through, not checked), not-reached (after a failed upgrade).
struct RevisionReport {
  graph::NodeId rev = -1;
  std::string status;
  std::vector<PhaseTiming> phases;
};

struct RoundTripReport {
  std::vector<model::Diagnostic> findings;
  std::vector<RevisionReport> revisions; // upgrade order
  std::size_t checked = 0;               // revisions whose round trip was attempted
  bool final_check = false;              // the downgrade to base ran
  double milliseconds = 0;
};

// Runs the round trips on `db`, which must be empty (an in-memory database by default).
// Errors are failures of the scratch database itself, not of revisions.
model::Result<RoundTripReport> verify_round_trips(const graph::RevisionGraph& graph,
                                                  sqlite::Connection& db,
                                                  const RoundTripOptions& options);

} // namespace miglint::engine

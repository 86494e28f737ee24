#pragma once
// Applying a plan step's version-row changes (insert, remove, update of alembic_version rows),
// shared by `upgrade`/`downgrade` and by verify's round trips.

#include "graph/planner.hpp"
#include "model/result.hpp"
#include "db/version_store.hpp"

#include <vector>

namespace miglint::engine {

model::Result<void> apply_version_changes(db::VersionStore& table,
                                          const std::vector<graph::VersionChange>& changes);

} // namespace miglint::engine

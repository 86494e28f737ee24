// After switching branches: which of the database's revisions this branch does not have,
// and the newest revisions below them that both branches share (the `miglint downgrade`
// target to run on the previous branch before switching).
#pragma once

#include "graph/revision_graph.hpp"

#include <string>
#include <vector>

namespace miglint::fixers {

struct MissingRevision {
  std::string id;             // a version row of the database
  bool in_previous = false;   // whether the previous branch has it
  std::vector<std::string> common; // newest shared ancestors; empty = down to base
};

// The version rows absent from `current`, each with the revisions to downgrade to.
std::vector<MissingRevision> missing_revisions(const graph::RevisionGraph& previous,
                                               const graph::RevisionGraph& current,
                                               const std::vector<std::string>& db_rows);

} // namespace miglint::fixers

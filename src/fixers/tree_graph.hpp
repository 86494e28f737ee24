// The revision graph as of a git commit (read from the commit's tree through libgit2,
// never a checkout), for the project's versions directories.
#pragma once

#include "config/project.hpp"
#include "git/repository.hpp"
#include "graph/revision_graph.hpp"

namespace miglint::fixers {

// A versions directory absent from the commit gives an empty graph. Files that are not
// usable revisions are left out; graph errors are kept in the GraphBuild.
model::Result<graph::GraphBuild> graph_at_commit(const git::Repository& repo,
                                                 const config::Project& project,
                                                 const std::string& commit);

} // namespace miglint::fixers

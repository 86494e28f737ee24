// The revision graph as of a git commit (read from the commit's tree through libgit2,
// never a checkout), for the project's versions directories.
#pragma once

#include "config/project.hpp"
#include "git/repository.hpp"
#include "graph/revision_graph.hpp"

#include <set>
#include <string>

namespace miglint::fixers {

// A versions directory absent from the commit gives an empty graph. Files that are not
// usable revisions are left out; graph errors are kept in the GraphBuild.
model::Result<graph::GraphBuild> graph_at_commit(const git::Repository& repo,
                                                 const config::Project& project,
                                                 const std::string& commit);

// The revision ids the other side of a merge brought in (those the merged commit has and
// ours lacks): with `commit` empty (the working tree or the index), the merge in progress
// (MERGE_HEAD, or git's GITHEAD_* variables in its pre-merge-commit hook), else HEAD's own
// merge; else `commit`'s merge. Empty when that is no merge, or git cannot tell.
std::set<std::string> merged_in_revisions(const git::Repository& repo,
                                          const config::Project& project,
                                          const std::string& commit);

} // namespace miglint::fixers

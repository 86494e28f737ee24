// Reads the base branch through git for `lint --against REF` (and the hooks that use it):
// REF's revisions, the files at the merge base, and who introduced each file.
#pragma once

#include "cli/workspace.hpp"
#include "git/repository.hpp"
#include "rules/base_view.hpp"

namespace miglint::cli {

// The versions directories as repository-relative paths, for git sources.
std::vector<source::VersionDir> git_version_dirs(const config::Project& project,
                                                 const git::Repository& repo);

// Builds the view of `ref` (or the default base when empty). Problems that only limit
// the comparison (a shallow clone) are recorded in the view, not returned as errors.
// The view's `introduced_by` reads `repo`, which must outlive it.
model::Result<rules::BaseView> read_base(const Workspace& workspace, const git::Repository& repo,
                                         const std::string& ref);

} // namespace miglint::cli

// Reads the base branch through git for `lint --against REF` (and the hooks that use it):
// REF's revisions, the files at the merge base, and who introduced each file.
#pragma once

#include "cli/workspace.hpp"
#include "git/repository.hpp"
#include "rules/base_view.hpp"

namespace miglint::cli {

// A revision as messages show it: a full ref name as git's --short would
// ("refs/remotes/origin/main" -> "origin/main"), a commit id as its first 8 digits, and
// anything else as named. `commit` is the full id it resolved to.
std::string revision_label(const std::string& rev, const std::string& commit);

// REV (any revision expression: branch, tag, commit id, HEAD~2) as a full commit id; a
// usage error naming REV (with the closest branch name when one is near) if it names no
// commit.
model::Result<std::string> resolve_revision(const git::Repository& repo, const std::string& rev);

// The versions directories as repository-relative paths, for git sources.
std::vector<source::VersionDir> git_version_dirs(const config::Project& project,
                                                 const git::Repository& repo);

// The project and revisions as staged in the git index (honouring GIT_INDEX_FILE, as
// `git commit -a` sets it for hooks); `repo` receives the repository.
model::Result<Workspace> open_staged_workspace(const GlobalOptions& global,
                                               std::optional<git::Repository>& repo);

// For `heads --verbose` and `history --verbose`: the commit that introduced each revision
// file (display path -> "1a2b3c4d Alice 2026-11-02 add users"), or "not committed".
// Empty outside a git repository; a shallow clone says so in every entry. An Error when
// libgit2 cannot be loaded.
model::Result<std::map<std::string, std::string>> introduction_lines(const Workspace& workspace);

// Builds the view of `ref` (or the default base when empty), as merged with the
// workspace's commit (`lint --ref`) or else HEAD: the merge base is computed between
// those two. `ours` names this side in messages ("this branch" when empty). Problems that only limit
// the comparison (a shallow clone) are recorded in the view, not returned as errors.
// The view's `introduced_by` reads `repo`, which must outlive it.
model::Result<rules::BaseView> read_base(const Workspace& workspace, const git::Repository& repo,
                                         const std::string& ref, const std::string& ours = {});

} // namespace miglint::cli

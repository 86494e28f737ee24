// The git repository around a project, read through libgit2 (never a checkout, never
// the git command). Only src/git sees <git2.h>; libgit2 itself is loaded the first time
// a repository is opened (libgit2_loader.hpp).
#pragma once

#include "model/result.hpp"
#include "source/source.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace miglint::git {

struct CommitInfo {
  std::string id;       // full hex
  std::string short_id; // 8 hex digits
  std::string author;
  std::string date;     // YYYY-MM-DD
  std::string subject;
};

struct BranchRef {
  std::string name;      // "feature/x" or "origin/feature/x"
  std::string full_name; // "refs/heads/feature/x"
  bool remote = false;
  std::string commit; // oid hex
};

class Repository {
public:
  // Discovers the repository containing `start` (as git does, walking up). Inside a git
  // hook, honours GIT_DIR / GIT_INDEX_FILE. not_found when there is none.
  static model::Result<Repository> discover(const std::filesystem::path& start);
  // Whether git can be read at all: libgit2 is loaded on first use, and the Error names
  // the library and the package that provides it. discover() fails the same way.
  static model::Result<void> available();

  Repository(Repository&&) noexcept;
  Repository& operator=(Repository&&) noexcept;
  ~Repository();

  bool is_bare() const;
  bool is_shallow() const;
  // The working directory (empty for a bare repository).
  std::filesystem::path workdir() const;
  std::filesystem::path git_dir() const;
  // `path` relative to the working directory with '/' ("" for the root itself).
  std::string relative(const std::filesystem::path& path) const;

  // A revision expression (branch, tag, oid, HEAD~2) to a commit id.
  model::Result<std::string> resolve_commit(const std::string& rev) const;
  model::Result<std::string> merge_base(const std::string& a, const std::string& b) const;
  model::Result<CommitInfo> commit_info(const std::string& commit) const;

  // Files as of a commit, or as staged in the index. Paths given to these Sources are
  // repository-relative with '/'.
  model::Result<std::unique_ptr<source::Source>> tree_source(const std::string& commit) const;
  model::Result<std::unique_ptr<source::Source>> index_source() const;

  // Local branches and remote-tracking branches (symbolic refs such as origin/HEAD skipped).
  model::Result<std::vector<BranchRef>> branches() const;
  // The base branch when none is named: `configured` if given, else the remote's default
  // branch (<remote>/HEAD), else the remote's main or master, else the local branch named
  // by init.defaultBranch, else main, else master. `remote` defaults to origin (or the only
  // remote). A usage Error when there is none.
  model::Result<std::string> default_base(const std::optional<std::string>& configured,
                                          const std::string& remote = {}) const;

  // For each file directly in `dir` (repo-relative) as of `head`, the commit that added
  // it, found by one walk over history that compares the directory's tree id.
  model::Result<std::vector<std::pair<std::string, CommitInfo>>>
  introducing_commits(const std::string& head, const std::string& dir) const;
  // The commit that added one file `dir`/`name` as seen from `head` (the newest commit
  // that has it while none of its parents do), walking back only as far as that commit:
  // cheap for recent files, which is what findings name. nullopt when `head` lacks it.
  model::Result<std::optional<CommitInfo>> introducing_commit(const std::string& head,
                                                              const std::string& dir,
                                                              const std::string& name) const;
  // The same for several heads (at most 64) in one walk over their shared history: one
  // list per head, for the files in `dir` as of that head.
  model::Result<std::vector<std::vector<std::pair<std::string, CommitInfo>>>>
  introducing_commits(const std::vector<std::string>& heads, const std::string& dir) const;

  // Where git runs hooks from: core.hooksPath when set, else <common dir>/hooks.
  model::Result<std::filesystem::path> hooks_dir() const;
  // The branch HEAD names ("feature/x"), even before its first commit; empty when HEAD
  // is detached.
  std::string head_branch() const;
  // The message of the newest entry of `ref`'s reflog ("checkout: moving from a to b");
  // empty when there is none.
  std::string last_reflog_message(const std::string& ref) const;
  model::Result<std::optional<std::string>> config_string(const std::string& key) const;

  struct Impl;

private:
  explicit Repository(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

} // namespace miglint::git

// The base branch as git rules see it, read by the CLI through libgit2 beforehand:
// REF's revisions, the files at the merge base, and who introduced each file.
// Plain data, so rules stay free of git (and tests can build one by hand).
#pragma once

#include "graph/revision_graph.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace miglint::rules {

struct Introduction {
  std::string commit; // short id
  std::string author;
  std::string date;
  std::string subject;
};

struct BaseView {
  std::string ref;         // as the user named it ("origin/main")
  std::string ref_commit;  // short id
  // Our side in messages: "this branch", or the revision `lint --ref` names.
  std::string ours = "this branch";
  // REF's revisions (display paths), and their graph.
  std::vector<std::shared_ptr<const model::SourceFile>> ref_files;
  graph::GraphBuild ref_build;
  // Files of the versions directories at the merge base, by display path; absent when
  // history is unavailable (shallow clone), with the reason in `history_problem`.
  std::optional<std::map<std::string, std::shared_ptr<const model::SourceFile>>> merge_base_files;
  std::string history_problem;
  // The revision id of each merge-base file this branch no longer has at the same path,
  // by display path: tells a moved revision from a deleted one.
  std::map<std::string, std::string> moved_or_deleted_ids;
  // The commit that added each file, by display path: this branch's and REF's. Filled
  // in by hand (tests); the CLI answers through `introduced_by` instead.
  std::map<std::string, Introduction> ours_introduced;
  std::map<std::string, Introduction> theirs_introduced;
  // Who added a file, asked only for the files a finding names: attributing every
  // revision walks all of history, which a lint run should not pay for.
  std::function<std::optional<Introduction>(bool ours, const std::string& path)> introduced_by;

  std::optional<Introduction> introduction(bool ours, const std::string& path) const
  {
    const auto& table = ours ? ours_introduced : theirs_introduced;
    if (auto it = table.find(path); it != table.end()) {
      return it->second;
    }
    return introduced_by ? introduced_by(ours, path) : std::nullopt;
  }
};

} // namespace miglint::rules

// `miglint conflicts [--base REF]`: a collision radar over every local and
// remote-tracking branch, read through git without checking anything out. It reports
// branches that diverge from the base (they build on a revision that is no longer its
// head), pairs of branches that add revisions on the same parent (whichever merges second
// gets two heads), and branches that edit a revision another branch builds on.
#include "cli/base_comparison.hpp"
#include "cli/commands.hpp"
#include "readers/reader.hpp"
#include "util/strings.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

namespace miglint::cli {

namespace {

struct ConflictsOptions {
  std::optional<std::string> base;
};

struct BranchState {
  git::BranchRef ref;
  std::vector<model::Revision> revisions;     // everything in the branch's tree
  std::set<std::string> added;                // ids the base does not have
  std::set<std::string> parents;              // parents of the added revisions outside them
  std::set<std::string> edited;               // base revisions whose file this branch changed
  std::size_t merged_heads = 0;               // heads after merging into the base
};

model::Result<std::vector<model::Revision>> revisions_at(const git::Repository& repo,
                                                         const std::string& commit,
                                                         const std::vector<source::VersionDir>& dirs)
{
  auto tree = repo.tree_source(commit);
  if (!tree) {
    return tree.error();
  }
  std::vector<model::Revision> out;
  for (const auto& dir : dirs) {
    auto loaded = source::load_revision_files(**tree, {dir});
    if (!loaded) {
      continue; // no versions directory on that branch
    }
    for (const auto& file : loaded->files) {
      auto read = readers::read_revision(file, readers::ReadMode::links);
      if (read.revision) {
        out.push_back(std::move(*read.revision));
      }
    }
  }
  return out;
}

std::size_t heads_after_merge(const std::vector<model::Revision>& base,
                              const std::vector<const std::vector<model::Revision>*>& sides)
{
  std::vector<model::Revision> merged = base;
  std::set<std::string> ids;
  for (const auto& r : base) {
    ids.insert(r.id);
  }
  for (const auto* side : sides) {
    for (const auto& r : *side) {
      if (ids.insert(r.id).second) {
        merged.push_back(r);
      }
    }
  }
  auto build = graph::RevisionGraph::build(std::move(merged));
  return build.errors.empty() ? build.graph.heads().size() : 0;
}

int run_conflicts(const GlobalOptions& global, const ConflictsOptions& options)
{
  // On disk, or in HEAD's tree inside a bare repository.
  auto project = find_project(global);
  if (!project) {
    return usage_failure(project.error().message);
  }
  auto repo = git::Repository::discover(global.directory);
  if (!repo) {
    return usage_failure(fmt::format("conflicts needs a git repository: {}", repo.error().message));
  }
  auto base_name = options.base ? model::Result<std::string>(*options.base)
                                : repo->default_base(project->config.base_ref);
  if (!base_name) {
    return usage_failure(base_name.error().message);
  }
  auto base_commit = repo->resolve_commit(*base_name);
  if (!base_commit) {
    return usage_failure(base_commit.error().message);
  }
  const auto dirs = git_version_dirs(*project, *repo);
  auto base_revs = revisions_at(*repo, *base_commit, dirs);
  if (!base_revs) {
    return usage_failure(base_revs.error().message);
  }
  std::map<std::string, const model::Revision*> base_by_id;
  for (const auto& r : *base_revs) {
    base_by_id[r.id] = &r;
  }
  const std::size_t base_heads = heads_after_merge(*base_revs, {});

  auto branches = repo->branches();
  if (!branches) {
    return usage_failure(branches.error().message);
  }
  std::vector<BranchState> states;
  std::set<std::string> seen_commits = {*base_commit};
  for (const auto& b : *branches) {
    if (b.name == *base_name || !seen_commits.insert(b.commit).second) {
      continue; // the base itself, or a branch at the same commit as one already read
    }
    auto revs = revisions_at(*repo, b.commit, dirs);
    if (!revs) {
      continue;
    }
    BranchState st;
    st.ref = b;
    st.revisions = std::move(*revs);
    for (const auto& r : st.revisions) {
      auto it = base_by_id.find(r.id);
      if (it == base_by_id.end()) {
        st.added.insert(r.id);
      }
    }
    // Edits: compare with the merge base, so that a branch that is merely behind the
    // base (the base edited nothing after it forked) is not blamed.
    if (auto mb = repo->merge_base(b.commit, *base_commit)) {
      if (auto at_fork = revisions_at(*repo, *mb, dirs)) {
        std::map<std::string, std::string> fork_text;
        for (const auto& r : *at_fork) {
          fork_text[r.id] = r.file->text;
        }
        for (const auto& r : st.revisions) {
          auto f = fork_text.find(r.id);
          if (f != fork_text.end() && f->second != r.file->text && base_by_id.count(r.id)) {
            st.edited.insert(r.id);
          }
        }
      }
    }
    if (st.added.empty() && st.edited.empty()) {
      continue;
    }
    for (const auto& r : st.revisions) {
      if (!st.added.count(r.id)) {
        continue;
      }
      for (const auto& p : r.down_revisions) {
        if (!st.added.count(p)) {
          st.parents.insert(p);
        }
      }
    }
    st.merged_heads = heads_after_merge(*base_revs, {&st.revisions});
    states.push_back(std::move(st));
  }

  // Findings, as lines of text or JSON objects.
  nlohmann::json findings = nlohmann::json::array();
  std::string text;
  for (const auto& st : states) {
    if (st.merged_heads > base_heads) {
      const std::string msg = fmt::format(
          "{} adds {} on top of {}, which is no longer {}'s head: merging it leaves {} heads; run "
          "`miglint rebase` on that branch",
          st.ref.name, util::join({st.added.begin(), st.added.end()}, ", "),
          util::join({st.parents.begin(), st.parents.end()}, ", "), *base_name, st.merged_heads);
      text += msg + "\n";
      findings.push_back({{"kind", "diverges-from-base"}, {"branches", {st.ref.name}},
                          {"message", msg}});
    }
  }
  for (std::size_t i = 0; i < states.size(); ++i) {
    for (std::size_t j = i + 1; j < states.size(); ++j) {
      const auto& a = states[i];
      const auto& b = states[j];
      if (a.added.empty() || b.added.empty()) {
        continue;
      }
      const std::size_t together = heads_after_merge(*base_revs, {&a.revisions, &b.revisions});
      if (together > std::max(a.merged_heads, b.merged_heads)) {
        std::vector<std::string> shared;
        for (const auto& p : a.parents) {
          if (b.parents.count(p)) {
            shared.push_back(p);
          }
        }
        const std::string msg = fmt::format(
            "{} and {} both add revisions on top of {}: whichever merges second leaves {} heads",
            a.ref.name, b.ref.name,
            shared.empty() ? std::string("the same history") : util::join(shared, ", "), together);
        text += msg + "\n";
        findings.push_back({{"kind", "sibling-revisions"},
                            {"branches", {a.ref.name, b.ref.name}},
                            {"message", msg}});
      }
    }
  }
  for (const auto& editor : states) {
    for (const auto& edited : editor.edited) {
      for (const auto& builder : states) {
        if (&builder == &editor || builder.added.empty()) {
          continue;
        }
        const std::string msg =
            fmt::format("{} edits {}, which is already on {} and which {} builds on", editor.ref.name,
                        edited, *base_name, builder.ref.name);
        text += msg + "\n";
        findings.push_back(
            {{"kind", "edits-merged-revision"}, {"branches", {editor.ref.name, builder.ref.name}},
             {"message", msg}});
      }
    }
  }
  if (global.format == "json") {
    nlohmann::json out = {{"base", *base_name},
                          {"base_commit", base_commit->substr(0, 8)},
                          {"branches_checked", states.size()},
                          {"conflicts", findings}};
    std::string s = out.dump(2) + "\n";
    std::fwrite(s.data(), 1, s.size(), stdout);
  } else {
    text += findings.empty()
                ? fmt::format("miglint: no migration conflicts between {} and {} branch{} with "
                              "migration changes\n",
                              *base_name, states.size(), states.size() == 1 ? "" : "es")
                : fmt::format("miglint: {} conflict{} among {} branch{} with migration changes "
                              "(base {})\n",
                              findings.size(), findings.size() == 1 ? "" : "s", states.size(),
                              states.size() == 1 ? "" : "es", *base_name);
    std::fputs(text.c_str(), stdout);
  }
  return findings.empty() ? 0 : 1;
}

} // namespace

void add_conflicts_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<ConflictsOptions>();
  auto* sub = app.add_subcommand(
      "conflicts", "Scan every branch for migrations that will collide when merged into the base");
  sub->add_option("--base", options->base,
                  "The base branch (default: base_ref, origin/HEAD, main or master)")
      ->option_text("REF");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_conflicts(global, *options); };
  });
}

} // namespace miglint::cli

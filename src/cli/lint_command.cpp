// `miglint lint [FILE...] [--staged | --ref REV] [--against [REF]]`: runs the rule
// catalogue over the whole versions directory: the working tree, the git index with
// --staged, or a commit's tree with --ref (and in a bare repository, HEAD's tree).
#include "cli/base_comparison.hpp"
#include "cli/commands.hpp"
#include "cli/findings_output.hpp"
#include "fixers/heads_file.hpp"
#include "fixers/tree_graph.hpp"
#include "rules/linter.hpp"
#include "util/strings.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <set>

namespace miglint::cli {

namespace {

struct LintOptions {
  std::vector<std::string> files;
  std::vector<std::string> select;
  std::vector<std::string> ignore;
  bool staged = false;
  bool missing_ok = false;            // no versions directory: a note, exit 0
  std::optional<std::string> ref;     // --ref REV: that commit's tree
  std::optional<std::string> against; // "" = the default base
  std::string remote;                 // whose default branch is the base (default: origin)
  bool no_against = false;            // compare with no base branch at all
};

std::vector<std::string> split_selectors(const std::vector<std::string>& raw)
{
  std::vector<std::string> out;
  for (const auto& item : raw) {
    for (auto& part : util::split(item, ',')) {
      auto s = std::string(util::strip(part));
      if (!s.empty()) {
        out.push_back(s);
      }
    }
  }
  return out;
}

model::Result<git::Repository> open_repository(const std::string& start, const char* needed_by)
{
  auto found = git::Repository::discover(start);
  if (!found) {
    return model::make_error(fmt::format("{} needs a git repository: {}", needed_by,
                                         found.error().message),
                             model::Error::Kind::usage);
  }
  return found;
}

// The base branch to compare with when none is named: the default base, unless what is
// linted is on it already: `branch` is the base branch itself, or, with no branch (a
// detached HEAD, a commit id), `commit` (else HEAD) is behind it.
// Nothing in a repository without commits. Says once, at info, when no base branch can
// be found.
std::optional<std::string> implicit_base(const git::Repository& repo, const std::string& commit,
                                         std::string branch, const std::string& remote)
{
  auto ours = commit.empty() ? repo.resolve_commit("HEAD") : model::Result<std::string>(commit);
  if (!ours) {
    return std::nullopt;
  }
  auto ref = repo.default_base(std::nullopt, remote);
  if (!ref) {
    std::fprintf(stderr, "miglint: info: %s; the checks against the base branch were skipped\n",
                 ref.error().message.c_str());
    return std::nullopt;
  }
  if (!branch.empty()) {
    const bool same = *ref == branch || ref->ends_with("/" + branch);
    return same ? std::nullopt : std::optional<std::string>(*ref);
  }
  auto theirs = repo.resolve_commit(*ref);
  auto shared = theirs ? repo.merge_base(*ours, *theirs) : model::Result<std::string>(*ours);
  if (shared && *shared == *ours) {
    return std::nullopt; // on the base branch (or behind it): nothing of its own to compare
  }
  return *ref;
}

int run_lint(const GlobalOptions& global, const LintOptions& options)
{
  if (options.no_against && options.against) {
    return usage_failure("--against and --no-against contradict each other; pass only one");
  }
  if (options.staged && options.ref) {
    return usage_failure("--staged reads the index and --ref a commit; pass only one of them");
  }
  // A bare repository has no working tree and no index: lint HEAD's tree (and compare it
  // with REF for the base checks), as --ref HEAD would.
  const bool bare = in_bare_repository(global.directory);
  if (bare && options.staged) {
    return usage_failure("a bare repository has no index; --staged needs a working tree");
  }
  std::optional<git::Repository> repo;
  model::Result<Workspace> ws = model::make_error("unreachable");
  std::string ours; // our side in messages and the summary, when it is not the working tree
  if (bare || options.ref) {
    auto found = open_repository(global.directory, "--ref");
    if (!found) {
      return usage_failure(found.error().message);
    }
    repo.emplace(std::move(*found));
    if (options.ref) {
      auto commit = resolve_revision(*repo, *options.ref);
      if (!commit) {
        return usage_failure(commit.error().message);
      }
      ours = revision_label(*options.ref, *commit);
      ws = open_commit_workspace(global, *repo, *commit);
    } else {
      ws = std::move(*open_bare_workspace(global));
    }
  } else if (options.staged) {
    ws = open_staged_workspace(global, repo);
  } else {
    const source::WorkingTree working_tree;
    ws = open_workspace(global, &working_tree);
  }
  if (!ws) {
    if (options.missing_ok && ws.error().kind == model::Error::Kind::not_found) {
      // A branch or tag without migrations (gh-pages, a commit from before them).
      std::fprintf(stderr, "miglint: note: nothing to lint: %s\n", ws.error().message.c_str());
      return emit_findings(global, {}, {0, 0}, "0 revisions (no versions directory)");
    }
    return usage_failure(ws.error().message);
  }
  // The base comparison: --against, base_ref in config, else the base branch found in
  // the repository when what is linted is not already on it.
  std::optional<std::string> against = options.against;
  if (!against && ws->project.config.base_ref && !options.no_against) {
    against = *ws->project.config.base_ref;
  }
  if (!against && !ws->project.config.base_ref_off && !options.no_against) {
    if (!repo) {
      if (auto found = git::Repository::discover(ws->project.cwd.string())) {
        repo.emplace(std::move(*found));
      }
    }
    if (repo) {
      std::string branch = options.ref ? *options.ref : std::string();
      if (branch.starts_with("refs/heads/")) {
        branch = branch.substr(std::string_view("refs/heads/").size());
      }
      if (options.ref && !repo->resolve_commit("refs/heads/" + branch)) {
        branch.clear(); // a commit id or expression: judged by its history
      }
      if (!options.ref) {
        branch = repo->head_branch(); // the working tree's, the index's or a bare HEAD's
      }
      against = implicit_base(*repo, ws->commit, branch, options.remote);
    }
  }
  std::optional<rules::BaseView> base;
  if (against) {
    if (!repo) {
      auto found = open_repository(ws->project.cwd.string(), "--against");
      if (!found) {
        return usage_failure(found.error().message);
      }
      repo.emplace(std::move(*found));
    }
    auto view = read_base(*ws, *repo, *against, ours);
    if (!view) {
      return usage_failure(view.error().message);
    }
    if (!view->history_problem.empty()) {
      std::fprintf(stderr, "miglint: warning: %s; the checks that need history were skipped\n",
                   view->history_problem.c_str());
    }
    base.emplace(std::move(*view));
  }
  rules::LintInput input{ws->build, ws->read_problems, ws->project.config,
                         split_selectors(options.select), split_selectors(options.ignore), {},
                         base ? &*base : nullptr, {},
                         ws->project.ini ? ws->project.ini->naming : config::FileNaming{},
                         {}};
  if (ws->graph_usable()) {
    // The heads file is read where the revisions were: on disk, or in the commit's tree.
    std::unique_ptr<source::Source> tree;
    if (!ws->commit.empty()) {
      auto opened = repo->tree_source(ws->commit);
      if (!opened) {
        return usage_failure(opened.error().message);
      }
      tree = std::move(*opened);
    }
    const source::WorkingTree working_tree;
    const source::Source& heads_source = tree ? *tree : static_cast<const source::Source&>(working_tree);
    if (auto stale = fixers::check_heads_file(ws->project, ws->graph(), heads_source)) {
      input.precomputed.push_back(std::move(*stale));
    }
  }
  input.merged_in = [&repo, &ws]() -> std::set<std::string> {
    if (!repo) {
      auto found = git::Repository::discover(ws->project.cwd.string());
      if (!found) {
        return {};
      }
      repo.emplace(std::move(*found));
    }
    return fixers::merged_in_revisions(*repo, ws->project, ws->commit);
  };
  // pre-commit passes the changed files; graph rules still see everything.
  for (const auto& f : options.files) {
    input.only_paths.push_back(config::display_path(ws->project.cwd / f, ws->project.cwd));
  }
  auto result = rules::run_lint(input);
  if (!result) {
    return usage_failure(result.error().message);
  }
  const std::size_t revisions = result->revisions_checked;
  const std::string snapshot = options.staged ? " (staged)"
                               : ours.empty() ? ""
                                              : fmt::format(" (at {})", ours);
  const int code = emit_findings(global, result->diagnostics, {result->files_checked, revisions},
                                 fmt::format("{} revision{}{}", revisions,
                                             revisions == 1 ? "" : "s", snapshot));
  if (ws->unreadable > 0) {
    // Findings are still printed in full, but unreadable input is exit 2, not a finding.
    return usage_failure(fmt::format("{} revision file{} could not be read (reported above as "
                                     "unparsable-revision)",
                                     ws->unreadable, ws->unreadable == 1 ? "" : "s"));
  }
  return code;
}

} // namespace

void add_lint_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<LintOptions>();
  auto* sub = app.add_subcommand("lint", "Check the revisions against the rule catalogue");
  sub->add_option("files", options->files,
                  "Report file-level findings only for these files (graph findings always)");
  // One value per --select/--ignore (comma-separated lists, repeatable), so that the
  // file arguments after it stay files.
  sub->add_option("--select", options->select,
                  "Only these rules (codes, prefixes or names; comma-separated, repeatable)")
      ->one_value_each(); // split_selectors splits the commas
  sub->add_option("--ignore", options->ignore, "Skip these rules (comma-separated, repeatable)")
      ->one_value_each(); // split_selectors splits the commas
  sub->add_flag("--staged", options->staged, "Lint what is staged in the git index");
  sub->add_option("--ref", options->ref,
                  "Lint the revisions as committed in REV (branch, tag or commit; read from "
                  "git, no checkout) instead of the working tree")
      ->option_text("REV");
  sub->add_flag("--missing-ok", options->missing_ok,
                "Finding no versions directory is a note and exit 0, not an error (for hooks "
                "that see branches or tags without migrations)");
  sub->add_option("--against", options->against,
                  "Simulate the merge with REF (default: base_ref, the remote's HEAD, main or master, "
                  "init.defaultBranch); with --ref, the merge of REV and REF. Without --against, "
                  "the base branch is used when the commit linted is not on it (base_ref = false: never)")
      ->expected(0, 1)
      ->default_str("")
      ->option_text("[REF]");
  sub->add_flag("--no-against", options->no_against,
                "Compare with no base branch (not even base_ref)");
  sub->add_option("--remote", options->remote,
                  "The remote whose default branch is the base when none is named (default: "
                  "origin, or the only remote)")
      ->option_text("NAME");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_lint(global, *options); };
  });
}

} // namespace miglint::cli

// `miglint lint [FILE...] [--staged] [--against [REF]]`: runs the rule catalogue over the
// whole versions directory (the working tree, or the git index with --staged).
#include "cli/base_comparison.hpp"
#include "cli/commands.hpp"
#include "cli/findings_output.hpp"
#include "fixers/heads_file.hpp"
#include "rules/linter.hpp"
#include "util/strings.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <memory>

namespace miglint::cli {

namespace {

struct LintOptions {
  std::vector<std::string> files;
  std::vector<std::string> select;
  std::vector<std::string> ignore;
  bool staged = false;
  std::optional<std::string> against; // "" = the default base
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

int run_lint(const GlobalOptions& global, const LintOptions& options)
{
  // A bare repository has no working tree and no index: lint HEAD's tree (and compare it
  // with REF for the base checks).
  const bool bare = in_bare_repository(global.directory);
  if (bare && options.staged) {
    return usage_failure("a bare repository has no index; --staged needs a working tree");
  }
  model::Result<config::Project> project = model::make_error("unreachable");
  std::optional<model::Result<Workspace>> bare_ws;
  if (bare) {
    bare_ws = open_bare_workspace(global);
    if (!*bare_ws) {
      return usage_failure((*bare_ws).error().message);
    }
    project = (*bare_ws)->project;
  } else {
    project = config::discover_project(global.directory,
                                       config::ProjectOptions{global.versions, global.config});
  }
  if (!project) {
    return usage_failure(project.error().message);
  }
  // Git is needed for --staged and base comparisons (--against, or base_ref in config).
  std::optional<std::string> against = options.against;
  if (!against && project->config.base_ref) {
    against = *project->config.base_ref;
  }
  std::optional<git::Repository> repo;
  if (options.staged || against) {
    auto found = git::Repository::discover(bare ? global.directory : project->cwd.string());
    if (!found) {
      return usage_failure(fmt::format("{} needs a git repository: {}",
                                       options.staged ? "--staged" : "--against",
                                       found.error().message));
    }
    repo.emplace(std::move(*found));
  }
  model::Result<Workspace> ws = model::make_error("unreachable");
  if (bare) {
    ws = std::move(*bare_ws);
  } else if (options.staged) {
    auto index = repo->index_source();
    if (!index) {
      return usage_failure(index.error().message);
    }
    const auto dirs = git_version_dirs(*project, *repo);
    ws = open_workspace(std::move(*project), **index, dirs);
  } else {
    const auto dirs = project->version_dirs;
    ws = open_workspace(std::move(*project), source::WorkingTree{}, dirs);
  }
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  std::optional<rules::BaseView> base;
  if (against) {
    auto view = read_base(*ws, *repo, *against);
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
                         base ? &*base : nullptr};
  if (ws->graph_usable() && !ws->bare) {
    if (auto stale = fixers::check_heads_file(ws->project, ws->graph())) {
      input.precomputed.push_back(std::move(*stale));
    }
  }
  // pre-commit passes the changed files; graph rules still see everything.
  for (const auto& f : options.files) {
    input.only_paths.push_back(config::display_path(ws->project.cwd / f, ws->project.cwd));
  }
  auto result = rules::run_lint(input);
  if (!result) {
    return usage_failure(result.error().message);
  }
  const std::size_t revisions = result->revisions_checked;
  return emit_findings(global, result->diagnostics, {result->files_checked, revisions},
                       fmt::format("{} revision{}{}", revisions, revisions == 1 ? "" : "s",
                                   options.staged ? " (staged)" : ""));
}

} // namespace

void add_lint_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<LintOptions>();
  auto* sub = app.add_subcommand("lint", "Check the revisions against the rule catalogue");
  sub->add_option("files", options->files,
                  "Report file-level findings only for these files (graph findings always)");
  sub->add_option("--select", options->select, "Only these rules (codes, prefixes or names)")
      ->delimiter(',');
  sub->add_option("--ignore", options->ignore, "Skip these rules")->delimiter(',');
  sub->add_flag("--staged", options->staged, "Lint what is staged in the git index");
  sub->add_option("--against", options->against,
                  "Simulate the merge with REF (default: base_ref, origin/HEAD, main or master)")
      ->expected(0, 1)
      ->default_str("")
      ->option_text("[REF]");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_lint(global, *options); };
  });
}

} // namespace miglint::cli

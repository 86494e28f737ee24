// `miglint lint [FILE...]`: runs the rule catalogue over the whole versions directory.
#include "cli/commands.hpp"
#include "cli/findings_output.hpp"
#include "rules/linter.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <memory>

namespace miglint::cli {

namespace {

struct LintOptions {
  std::vector<std::string> files;
  std::vector<std::string> select;
  std::vector<std::string> ignore;
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
  auto ws = open_workspace(global);
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  rules::LintInput input{ws->build, ws->read_problems, ws->project.config,
                         split_selectors(options.select), split_selectors(options.ignore), {}};
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
                       fmt::format("{} revision{}", revisions, revisions == 1 ? "" : "s"));
}

} // namespace

void add_lint_command(CLI::App& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<LintOptions>();
  auto* sub = app.add_subcommand("lint", "Check the revisions against the rule catalogue");
  sub->add_option("files", options->files,
                  "Report file-level findings only for these files (graph findings always)");
  sub->add_option("--select", options->select, "Only these rules (codes, prefixes or names)")
      ->delimiter(',');
  sub->add_option("--ignore", options->ignore, "Skip these rules")->delimiter(',');
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_lint(global, *options); };
  });
}

} // namespace miglint::cli

// Runs the selected rules over a project and applies configuration and suppressions:
// the engine behind `miglint lint`.
#pragma once

#include "config/config.hpp"
#include "config/file_template.hpp"
#include "graph/revision_graph.hpp"
#include "rules/base_view.hpp"
#include "rules/rule.hpp"

namespace miglint::rules {

struct LintInput {
  const graph::GraphBuild& build;
  const std::vector<model::Diagnostic>& read_problems;
  const config::Config& config;
  std::vector<std::string> select; // from the command line; replaces config's select
  std::vector<std::string> ignore; // from the command line; adds to config's ignore
  // `lint FILE...`: content findings only for these display paths (graph findings always).
  std::vector<std::string> only_paths;
  // The base branch for git rules; null skips them.
  const BaseView* base = nullptr;
  // Findings computed outside the rules because they need I/O (the heads file), each
  // carrying its rule code; the rule of that code forwards them.
  std::vector<model::Diagnostic> precomputed;
  // How the project names its revision files (alembic.ini), for filename-mismatch.
  config::FileNaming naming;
  // The revision ids the merge in progress (MERGE_HEAD) or the last merge (HEAD^2) brought
  // in, read from git only if a rule asks.
  std::function<std::set<std::string>()> merged_in;
};

struct LintOutput {
  std::vector<model::Diagnostic> diagnostics; // sorted by path, line, column, code
  std::size_t revisions_checked = 0;
  std::size_t files_checked = 0;
};

// Errors are configuration or usage problems (unknown rule, bad option), exit 2; their
// message starts with `path:line:col:` when they come from a file.
model::Result<LintOutput> run_lint(const LintInput& input);

// The severity the configuration gives `rule` (`[rules] MG306 = "warning"`), its default
// when not configured, nullopt when it is "off". Commands outside lint (verify) use it for
// the findings they make themselves.
model::Result<std::optional<Severity>> configured_severity(const config::Config& config,
                                                           const RuleInfo& rule);

// Whether a suppression comment names `rule` (by code, any case, or kebab name).
bool suppression_names(const model::Suppression& suppression, const RuleInfo& rule);

} // namespace miglint::rules

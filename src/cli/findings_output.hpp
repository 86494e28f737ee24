// Prints findings in the chosen format (text, json, sarif, github, gitlab) and turns
// them into the exit code: 1 when any finding has error severity, else 0.
#pragma once

#include "cli/workspace.hpp"
#include "report/formats.hpp"

#include <optional>
#include <string>

namespace miglint::cli {

// `text_summary`, when given, replaces the text format's closing "N errors, M warnings in
// ..." line (verify counts revisions by outcome instead).
int emit_findings(const GlobalOptions& global, const std::vector<model::Diagnostic>& findings,
                  const report::Summary& summary, const std::string& what_was_checked,
                  const std::optional<std::string>& text_summary = std::nullopt);

// Rule metadata for SARIF and `miglint rules`.
std::vector<report::RuleMeta> rule_metadata();

} // namespace miglint::cli

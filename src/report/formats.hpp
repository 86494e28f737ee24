// Machine-readable renderers of lint/verify findings: JSON, SARIF 2.1.0, GitHub workflow
// commands, GitLab code quality. Text lives in text_report.hpp.
#pragma once

#include "model/diagnostic.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace miglint::report {

// What a renderer needs to know about a rule (SARIF's tool.driver.rules).
struct RuleMeta {
  std::string code;     // "MG101"
  std::string name;     // "missing-downgrade"
  model::Severity default_severity = model::Severity::error;
  std::string summary;  // one line
  std::string markdown; // the rules/ page
};

struct Summary {
  std::size_t files_checked = 0;
  std::size_t revisions_checked = 0;
};

// {"diagnostics": [...], "summary": {...}}; each diagnostic has code, rule, severity,
// message, path, line, column, end_line, end_column, revision, notes[].
std::string render_json(const std::vector<model::Diagnostic>& diagnostics, const Summary& summary);
std::string render_sarif(const std::vector<model::Diagnostic>& diagnostics,
                         const std::vector<RuleMeta>& rules);
// `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=miglint (MG101)::message`
std::string render_github(const std::vector<model::Diagnostic>& diagnostics);
// GitLab code quality report (a JSON array of issues with fingerprints).
std::string render_gitlab(const std::vector<model::Diagnostic>& diagnostics);

// The project page, SARIF's tool.driver.informationUri.
inline constexpr std::string_view k_information_uri = "https://github.com/miglint/miglint";

// Shared by the renderers above.
//
// The 1-based position just past a Location's span (its exclusive end); (0, 0) without a file.
model::Position end_position_of(const model::Location& at);
// One stable id per diagnostic: 32 hex digits hashing code, path, revision and message (not
// the line, so that it survives edits above the finding). The n-th repeat of the same
// (code, path, revision, message) in one report gets the occurrence mixed in, so ids stay
// unique within a report and stable across runs over the same input.
std::vector<std::string> fingerprints_of(const std::vector<model::Diagnostic>& diagnostics);

} // namespace miglint::report

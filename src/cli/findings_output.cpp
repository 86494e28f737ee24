#include "cli/findings_output.hpp"

#include "report/text_report.hpp"
#include "rules/registry.hpp"

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <unistd.h>

namespace miglint::cli {

std::vector<report::RuleMeta> rule_metadata()
{
  std::vector<report::RuleMeta> out;
  for (const auto& rule : rules::all_rules()) {
    out.push_back({rule.code, rule.name, rule.default_severity, rule.summary,
                   std::string(rules::rule_doc(rule))});
  }
  return out;
}

int emit_findings(const GlobalOptions& global, const std::vector<model::Diagnostic>& findings,
                  const report::Summary& summary, const std::string& what_was_checked,
                  const std::optional<std::string>& text_summary)
{
  std::string format = global.format;
  if (!global.format_given) {
    // In GitHub Actions, annotations are what people see; elsewhere, text.
    const char* actions = std::getenv("GITHUB_ACTIONS");
    if (actions != nullptr && std::string_view(actions) == "true") {
      format = "github";
    }
  }
  std::size_t errors = 0;
  std::size_t warnings = 0;
  for (const auto& d : findings) {
    errors += d.severity == model::Severity::error;
    warnings += d.severity == model::Severity::warning;
  }
  std::string out;
  if (format == "json") {
    out = report::render_json(findings, summary);
  } else if (format == "sarif") {
    out = report::render_sarif(findings, rule_metadata());
  } else if (format == "github") {
    out = report::render_github(findings);
  } else if (format == "gitlab") {
    out = report::render_gitlab(findings);
  } else {
    const bool color = global.color == "always" ||
                       (global.color == "auto" && ::isatty(STDOUT_FILENO) &&
                        std::getenv("NO_COLOR") == nullptr);
    out = report::render_text(findings, color);
    if (text_summary) {
      out += *text_summary + "\n";
    } else if (findings.empty()) {
      out += fmt::format("miglint: no problems in {}\n", what_was_checked);
    } else {
      out += fmt::format("miglint: {} error{}, {} warning{} in {}\n", errors,
                         errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
                         what_was_checked);
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return errors > 0 ? 1 : 0;
}

} // namespace miglint::cli

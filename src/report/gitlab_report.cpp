// `--format gitlab`: a GitLab code quality report, a JSON array of
// {description, check_name, fingerprint, severity, location: {path, lines: {begin}}}.
#include "report/formats.hpp"
#include "report/text_report.hpp"
#include "util/fnv128.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string_view>
#include <tuple>

namespace miglint::report {

namespace {

const char* gitlab_severity(model::Severity severity)
{
  switch (severity) {
  case model::Severity::error:
    return "major";
  case model::Severity::warning:
    return "minor";
  case model::Severity::info:
    return "info";
  }
  return "major";
}

} // namespace

std::vector<std::string> fingerprints_of(const std::vector<model::Diagnostic>& diagnostics)
{
  std::vector<std::string> out;
  out.reserve(diagnostics.size());
  using Key = std::tuple<std::string_view, std::string_view, std::string_view, std::string_view>;
  std::map<Key, std::size_t> seen;
  for (const auto& d : diagnostics) {
    util::Fnv128 hash;
    hash.add(d.code.empty() ? d.rule : d.code);
    hash.add(d.at.path);
    hash.add(d.revision);
    hash.add(d.message);
    const auto repeat =
        seen[Key{d.code.empty() ? d.rule : d.code, d.at.path, d.revision, d.message}]++;
    if (repeat > 0) {
      hash.add(std::to_string(repeat + 1));
    }
    out.push_back(hash.hex());
  }
  return out;
}

std::string render_gitlab(const std::vector<model::Diagnostic>& diagnostics)
{
  using nlohmann::json;
  const auto fingerprints = fingerprints_of(diagnostics);
  json issues = json::array();
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    const auto& d = diagnostics[i];
    // GitLab needs a path and a line >= 1; a finding about no file in particular (the
    // database, the whole graph) is shown at the repository root, line 1.
    const auto line = position_of(d.at).line;
    json issue;
    issue["description"] = d.rule.empty() ? d.message : fmt::format("{} [{}]", d.message, d.rule);
    issue["check_name"] = d.code.empty() ? d.rule : d.code;
    issue["fingerprint"] = fingerprints[i];
    issue["severity"] = gitlab_severity(d.severity);
    issue["location"] = {{"path", d.at.path.empty() ? std::string(".") : d.at.path},
                         {"lines", {{"begin", line == 0 ? 1 : line}}}};
    issues.push_back(std::move(issue));
  }
  return issues.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

} // namespace miglint::report

#include "rules/rule.hpp"

namespace miglint::rules {

model::Diagnostic& Reporter::report(const model::Revision& rev, model::Span span,
                                    std::string message)
{
  auto& d = report_at(model::Location::in(rev.file, span), std::move(message));
  d.revision = rev.id;
  return d;
}

model::Diagnostic& Reporter::report_at(model::Location at, std::string message)
{
  model::Diagnostic d;
  d.code = m_info.code;
  d.rule = m_info.name;
  d.severity = m_severity;
  d.message = std::move(message);
  d.at = std::move(at);
  m_sink.push_back(std::move(d));
  return m_sink.back();
}

model::Diagnostic& Reporter::forward(const model::Diagnostic& finding)
{
  model::Diagnostic d = finding;
  d.code = m_info.code;
  d.rule = m_info.name;
  d.severity = m_severity;
  m_sink.push_back(std::move(d));
  return m_sink.back();
}

void Reporter::soften(model::Diagnostic& finding)
{
  if (finding.severity == Severity::error) {
    finding.severity = Severity::warning;
  }
}

std::int64_t RuleOptions::get_int(const std::string& name, std::int64_t fallback) const
{
  auto it = m_values.find(name);
  if (it == m_values.end()) {
    return fallback;
  }
  if (const auto* v = std::get_if<std::int64_t>(&it->second)) {
    return *v;
  }
  return fallback;
}

bool RuleOptions::get_bool(const std::string& name, bool fallback) const
{
  auto it = m_values.find(name);
  if (it == m_values.end()) {
    return fallback;
  }
  if (const auto* v = std::get_if<bool>(&it->second)) {
    return *v;
  }
  return fallback;
}

std::string RuleOptions::get_string(const std::string& name, const std::string& fallback) const
{
  auto it = m_values.find(name);
  if (it == m_values.end()) {
    return fallback;
  }
  if (const auto* v = std::get_if<std::string>(&it->second)) {
    return *v;
  }
  return fallback;
}

std::vector<std::string> RuleOptions::get_list(const std::string& name,
                                               const std::vector<std::string>& fallback) const
{
  auto it = m_values.find(name);
  if (it == m_values.end()) {
    return fallback;
  }
  if (const auto* v = std::get_if<std::vector<std::string>>(&it->second)) {
    return *v;
  }
  return fallback;
}

} // namespace miglint::rules

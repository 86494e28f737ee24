// What a rule is (RuleInfo), what it sees (RuleContext) and how it reports (Reporter).
// A rule never chooses its id or severity at the call site: the Reporter is bound to
// the rule and to the severity configuration gave it.
#pragma once

#include "config/config.hpp"
#include "config/file_template.hpp"
#include "rules/base_view.hpp"
#include "graph/revision_graph.hpp"
#include "model/diagnostic.hpp"

#include <fmt/format.h>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace miglint::rules {

using model::Severity;

// Graph rules look at the whole revision graph; content rules look at one revision at a
// time (so a baseline can exempt old revisions, and `lint FILE...` can narrow them).
enum class Scope { graph, content, tool, git, verify };

struct OptionSpec {
  const char* name;
  const char* type; // "int", "bool", "string", "list", "severity"
  const char* help;
};

class Reporter;
struct RuleContext;
using CheckFn = void (*)(const RuleContext&, Reporter&);

struct RuleInfo {
  const char* code;
  const char* name;
  Severity default_severity;
  Scope scope;
  CheckFn check; // null for findings produced elsewhere (the reader, the graph builder)
  const char* summary;
  std::vector<OptionSpec> options;
};

// Per-rule options from config, already validated against RuleInfo::options.
class RuleOptions {
public:
  RuleOptions() = default;
  explicit RuleOptions(std::map<std::string, config::OptionValue> values)
      : m_values(std::move(values))
  {
  }
  std::int64_t get_int(const std::string& name, std::int64_t fallback) const;
  bool get_bool(const std::string& name, bool fallback) const;
  std::string get_string(const std::string& name, const std::string& fallback) const;
  std::vector<std::string> get_list(const std::string& name,
                                    const std::vector<std::string>& fallback) const;
  bool has(const std::string& name) const { return m_values.count(name) > 0; }

private:
  std::map<std::string, config::OptionValue> m_values;
};

struct RuleContext {
  const graph::RevisionGraph& graph;
  bool graph_usable;                              // no cycle / unknown parent / duplicate
  const std::vector<model::Diagnostic>& graph_errors; // from RevisionGraph::build
  const std::vector<model::Diagnostic>& read_problems; // from the readers
  const config::Config& config;
  const RuleOptions& options;
  // Content rules check only these revisions (baseline and `lint FILE...` remove some).
  const std::vector<bool>& in_scope;
  std::string preferred_fix; // "merge" or "rebase"
  // The base branch for git rules (`lint --against REF`); null when not comparing.
  const BaseView* base = nullptr;
  const std::vector<model::Diagnostic>* precomputed = nullptr;
  const config::FileNaming* naming = nullptr; // null: Alembic's defaults
  // The revision ids that came in with the merge being made or last made (null or empty:
  // unknown). Asked only when multiple-heads must tell this branch's head from the other.
  const std::function<std::set<std::string>()>* merged_in = nullptr;
};

class Reporter {
public:
  Reporter(const RuleInfo& info, Severity severity, std::vector<model::Diagnostic>& sink)
      : m_info(info), m_severity(severity), m_sink(sink)
  {
  }

  // Reports at `span` of `rev`'s file. Returns the finding, to add notes to.
  model::Diagnostic& report(const model::Revision& rev, model::Span span, std::string message);
  model::Diagnostic& report_at(model::Location at, std::string message);
  // Re-emits a finding made elsewhere (reader, graph builder) under this rule's identity.
  model::Diagnostic& forward(const model::Diagnostic& finding);
  // Lowers a finding's severity to at most warning (for milder variants of a rule, such
  // as a data-only migration without downgrade); configured "info" stays info.
  static void soften(model::Diagnostic& finding);

  const RuleInfo& info() const { return m_info; }

private:
  const RuleInfo& m_info;
  Severity m_severity;
  std::vector<model::Diagnostic>& m_sink;
};

} // namespace miglint::rules

#include "rules/linter.hpp"

#include "report/text_report.hpp"
#include "rules/registry.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <set>
#include <fmt/format.h>
#include <map>

namespace miglint::rules {

namespace {

using model::Error;

Error config_error(const config::Config& config, std::uint32_t line, std::uint32_t column,
                   const std::string& message)
{
  return model::make_error(
      fmt::format("{}:{}:{}: {}", config.file.string(), line, column, message), Error::Kind::usage);
}

std::vector<std::string> rule_keys()
{
  std::vector<std::string> keys;
  for (const auto& rule : all_rules()) {
    keys.push_back(rule.code);
    keys.push_back(rule.name);
  }
  return keys;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates)
{
  const std::string near = util::closest_match(word, candidates);
  return near.empty() ? std::string() : fmt::format("; did you mean '{}'?", near);
}

std::optional<Severity> parse_severity(const std::string& text, bool& off)
{
  off = text == "off";
  if (text == "error") {
    return Severity::error;
  }
  if (text == "warning" || text == "warn") {
    return Severity::warning;
  }
  if (text == "info") {
    return Severity::info;
  }
  return std::nullopt;
}

bool option_type_matches(const OptionSpec& spec, const config::OptionValue& value)
{
  const std::string type = spec.type;
  if (type == "int") {
    return std::holds_alternative<std::int64_t>(value);
  }
  if (type == "bool") {
    return std::holds_alternative<bool>(value);
  }
  if (type == "list") {
    return std::holds_alternative<std::vector<std::string>>(value);
  }
  return std::holds_alternative<std::string>(value);
}

struct Selected {
  const RuleInfo* rule;
  Severity severity;
  RuleOptions options;
};

model::Result<std::vector<Selected>> select_rules(const LintInput& input)
{
  const config::Config& config = input.config;
  const auto keys = rule_keys();
  // Selectors from config carry positions; from the command line they do not.
  auto check_selectors = [&](const std::vector<config::Located<std::string>>& list,
                             const char* what) -> model::Result<void> {
    for (const auto& s : list) {
      const bool known = std::any_of(all_rules().begin(), all_rules().end(),
                                     [&](const RuleInfo& r) { return selector_matches(s.value, r); });
      if (!known) {
        return config_error(config, s.line, s.column,
                            fmt::format("unknown rule '{}' in {}{}", s.value, what,
                                        did_you_mean(s.value, keys)));
      }
    }
    return {};
  };
  MIGLINT_TRY(check_selectors(config.select, "select"));
  MIGLINT_TRY(check_selectors(config.ignore, "ignore"));
  for (const auto& list : {input.select, input.ignore}) {
    for (const auto& s : list) {
      const bool known = std::any_of(all_rules().begin(), all_rules().end(),
                                     [&](const RuleInfo& r) { return selector_matches(s, r); });
      if (!known) {
        return model::make_error(fmt::format("unknown rule '{}'{}", s, did_you_mean(s, keys)),
                                 Error::Kind::usage);
      }
    }
  }

  std::map<const RuleInfo*, const config::RuleConfig*> per_rule;
  for (const auto& [key, rc] : config.rules) {
    const RuleInfo* rule = find_rule(key);
    if (rule == nullptr) {
      return config_error(config, rc.line, 1,
                          fmt::format("unknown rule '{}'{}", key, did_you_mean(key, keys)));
    }
    per_rule[rule] = &rc;
  }

  std::vector<Selected> out;
  for (const auto& rule : all_rules()) {
    Severity severity = rule.default_severity;
    std::map<std::string, config::OptionValue> options;
    bool off = false;
    if (auto it = per_rule.find(&rule); it != per_rule.end()) {
      const config::RuleConfig& rc = *it->second;
      if (rc.severity) {
        auto parsed = parse_severity(rc.severity->value, off);
        if (!parsed && !off) {
          return config_error(config, rc.severity->line, rc.severity->column,
                              fmt::format("severity of {} must be error, warning, info or off, "
                                          "not '{}'",
                                          rule.name, rc.severity->value));
        }
        if (parsed) {
          severity = *parsed;
        }
      }
      for (const auto& [name, value] : rc.options) {
        auto spec = std::find_if(rule.options.begin(), rule.options.end(),
                                 [&name = name](const OptionSpec& o) { return name == o.name; });
        if (spec == rule.options.end()) {
          std::vector<std::string> names;
          for (const auto& o : rule.options) {
            names.push_back(o.name);
          }
          return config_error(
              config, value.line, value.column,
              fmt::format("unknown option '{}' for rule {}{}", name, rule.name,
                          names.empty() ? std::string("; it takes no options")
                                        : did_you_mean(name, names)));
        }
        if (!option_type_matches(*spec, value.value)) {
          return config_error(config, value.line, value.column,
                              fmt::format("option '{}' of {} must be of type {}", name, rule.name,
                                          spec->type));
        }
        options[name] = value.value;
      }
    }
    if (off) {
      continue;
    }
    auto matches_any = [&](auto&& list, auto&& get) {
      return std::any_of(list.begin(), list.end(),
                         [&](const auto& s) { return selector_matches(get(s), rule); });
    };
    auto plain = [](const std::string& s) -> const std::string& { return s; };
    auto located = [](const config::Located<std::string>& s) -> const std::string& {
      return s.value;
    };
    bool selected = true;
    if (!input.select.empty()) {
      selected = matches_any(input.select, plain);
    } else if (!config.select.empty()) {
      selected = matches_any(config.select, located);
    }
    if (matches_any(input.ignore, plain) || matches_any(config.ignore, located)) {
      selected = false;
    }
    if (selected) {
      out.push_back({&rule, severity, RuleOptions(std::move(options))});
    }
  }
  return out;
}

struct SuppressionUse {
  const model::Revision* rev;
  const model::Suppression* suppression;
  bool used = false;
};

} // namespace

model::Result<std::optional<Severity>> configured_severity(const config::Config& config,
                                                           const RuleInfo& rule)
{
  for (const auto& [key, rc] : config.rules) {
    if (find_rule(key) != &rule || !rc.severity) {
      continue;
    }
    bool off = false;
    auto parsed = parse_severity(rc.severity->value, off);
    if (off) {
      return std::optional<Severity>();
    }
    if (!parsed) {
      return config_error(config, rc.severity->line, rc.severity->column,
                          fmt::format("severity of {} must be error, warning, info or off, not '{}'",
                                      rule.name, rc.severity->value));
    }
    return std::optional<Severity>(*parsed);
  }
  return std::optional<Severity>(rule.default_severity);
}

bool suppression_names(const model::Suppression& suppression, const RuleInfo& rule)
{
  return std::any_of(suppression.rules.begin(), suppression.rules.end(),
                     [&](const std::string& r) { return find_rule(r) == &rule; });
}

model::Result<LintOutput> run_lint(const LintInput& input)
{
  auto selected = select_rules(input);
  if (!selected) {
    return selected.error();
  }
  const graph::RevisionGraph& graph = input.build.graph;
  LintOutput out;
  out.revisions_checked = graph.size();
  out.files_checked = graph.size() + input.read_problems.size();

  // Content rules skip revisions below the baseline and, for `lint FILE...`, other files.
  std::vector<bool> in_scope(graph.size(), true);
  if (auto it = input.config.settings.find("baseline"); it != input.config.settings.end()) {
    const auto* rev = std::get_if<std::string>(&it->second.value);
    const graph::NodeId base = rev ? graph.find(*rev) : -1;
    if (base < 0) {
      return config_error(input.config, it->second.line, it->second.column,
                          fmt::format("baseline '{}' is not a revision of this project",
                                      rev ? *rev : std::string("?")));
    }
    const auto old = graph.ancestors({base}, true);
    for (std::size_t i = 0; i < graph.size(); ++i) {
      in_scope[i] = in_scope[i] && !old[i];
    }
  }
  auto named = [&](const std::string& path) {
    return input.only_paths.empty() ||
           std::find(input.only_paths.begin(), input.only_paths.end(), path) !=
               input.only_paths.end();
  };
  for (std::size_t i = 0; i < graph.size(); ++i) {
    in_scope[i] = in_scope[i] && named(graph.rev(static_cast<graph::NodeId>(i)).path());
  }
  std::vector<model::Diagnostic> named_problems;
  for (const auto& p : input.read_problems) {
    if (named(p.at.path)) {
      named_problems.push_back(p);
    }
  }

  std::string fix = "merge";
  if (auto it = input.config.settings.find("fix"); it != input.config.settings.end()) {
    if (const auto* s = std::get_if<std::string>(&it->second.value)) {
      fix = *s;
    }
  }

  std::vector<model::Diagnostic> findings;
  std::set<const RuleInfo*> ran; // a suppression of a rule that did not run is not "unused"
  const RuleInfo* unused_rule = nullptr;
  Severity unused_severity = Severity::warning;
  for (const auto& s : *selected) {
    if (std::string_view(s.rule->name) == "unused-suppression") {
      unused_rule = s.rule;
      unused_severity = s.severity;
    }
    if (s.rule->check == nullptr) {
      continue;
    }
    if (s.rule->scope == Scope::git && input.base == nullptr) {
      continue;
    }
    RuleContext ctx{graph,       input.build.errors.empty(), input.build.errors, named_problems,
                    input.config, s.options,                  in_scope,           fix,
                    input.base, &input.precomputed, &input.naming,
                    input.merged_in ? &input.merged_in : nullptr};
    Reporter reporter(*s.rule, s.severity, findings);
    s.rule->check(ctx, reporter);
    ran.insert(s.rule);
  }

  // Suppressions: a comment on the finding's line (or alone on the line above it), or a
  // file-level one, naming the rule.
  std::map<std::string, std::vector<SuppressionUse>> by_path;
  for (std::size_t i = 0; i < graph.size(); ++i) {
    const auto& rev = graph.rev(static_cast<graph::NodeId>(i));
    for (const auto& sup : rev.suppressions) {
      by_path[rev.path()].push_back({&rev, &sup});
    }
  }
  std::vector<model::Diagnostic> kept;
  for (auto& d : findings) {
    bool suppressed = false;
    auto it = by_path.find(d.at.path);
    if (it != by_path.end() && d.at.file) {
      const auto line = report::position_of(d.at).line;
      const RuleInfo* rule = find_rule(d.code);
      for (auto& use : it->second) {
        if (rule == nullptr || !suppression_names(*use.suppression, *rule)) {
          continue;
        }
        const auto sup_line = report::position_of(model::Location::in(use.rev->file,
                                                                      use.suppression->span))
                                  .line;
        if (use.suppression->file_level || sup_line == line || sup_line + 1 == line) {
          use.used = true;
          suppressed = true;
        }
      }
    }
    if (!suppressed) {
      kept.push_back(std::move(d));
    }
  }
  if (unused_rule != nullptr) {
    Reporter reporter(*unused_rule, unused_severity, kept);
    for (const auto& [path, uses] : by_path) {
      for (const auto& use : uses) {
        const auto index = graph.find(use.rev->id);
        if (index < 0 || !in_scope[index]) {
          continue;
        }
        const auto names = util::join(use.suppression->rules, ", ");
        for (const auto& r : use.suppression->rules) {
          if (find_rule(r) == nullptr) {
            reporter.report(*use.rev, use.suppression->span,
                            fmt::format("suppression names unknown rule '{}'{}", r,
                                        did_you_mean(r, rule_keys())));
          }
        }
        const bool all_ran =
            std::all_of(use.suppression->rules.begin(), use.suppression->rules.end(),
                        [&](const std::string& r) { return ran.count(find_rule(r)) != 0; });
        if (!use.used && all_ran) {
          reporter.report(*use.rev, use.suppression->span,
                          fmt::format("suppression of {} matches no finding; remove it", names));
        } else if (use.suppression->reason.empty()) {
          reporter.report(*use.rev, use.suppression->span,
                          fmt::format("suppression of {} gives no reason; say why after the "
                                      "bracket, e.g. `ignore[{}] data backfill cannot be undone`",
                                      names, names));
        }
      }
    }
  }
  std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    const auto pa = report::position_of(a.at);
    const auto pb = report::position_of(b.at);
    return std::tie(a.at.path, pa.line, pa.column, a.code) <
           std::tie(b.at.path, pb.line, pb.column, b.code);
  });
  out.diagnostics = std::move(kept);
  return out;
}

} // namespace miglint::rules

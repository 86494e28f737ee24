// `miglint rules` lists the catalogue; `miglint rule ID` prints one rule's page.
#include "cli/commands.hpp"
#include "rules/registry.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <memory>

namespace miglint::cli {

namespace {

int run_rules()
{
  std::string out;
  for (const auto& rule : rules::all_rules()) {
    out += fmt::format("{}  {:<26} {:<8} {}\n", rule.code, rule.name,
                       model::to_string(rule.default_severity), rule.summary);
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

int run_rule(const std::string& id)
{
  const auto* rule = rules::find_rule(id);
  if (rule == nullptr) {
    std::vector<std::string> keys;
    for (const auto& r : rules::all_rules()) {
      keys.push_back(r.code);
      keys.push_back(r.name);
    }
    const auto near = util::closest_match(id, keys);
    return usage_failure(fmt::format("unknown rule '{}'{}", id,
                                     near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
  }
  const auto doc = rules::rule_doc(*rule);
  std::fwrite(doc.data(), 1, doc.size(), stdout);
  return 0;
}

} // namespace

void add_rules_command(Command& app, const GlobalOptions&, Action& action)
{
  auto* sub = app.add_subcommand("rules", "List the rule catalogue");
  sub->callback([&action] { action = [] { return run_rules(); }; });
  auto id = std::make_shared<std::string>();
  auto* one = app.add_subcommand("rule", "Show the documentation of one rule");
  one->add_option("id", *id, "Rule code or name (MG101, missing-downgrade)")->required();
  one->callback([&action, id] { action = [id] { return run_rule(*id); }; });
}

} // namespace miglint::cli

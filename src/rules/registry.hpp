// The rule catalogue: one row per rule, sorted by code; the only list of rules.
#pragma once

#include "rules/rule.hpp"

#include <span>

namespace miglint::rules {

std::span<const RuleInfo> all_rules();
// By code ("MG101", any case) or kebab name; null when unknown.
const RuleInfo* find_rule(std::string_view code_or_name);
// Whether a selector (`MG1`, `MG101`, `missing-downgrade`) names `rule`.
bool selector_matches(std::string_view selector, const RuleInfo& rule);
// The rules/ page of a rule ("" when missing).
std::string_view rule_doc(const RuleInfo& rule);

} // namespace miglint::rules

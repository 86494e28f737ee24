// The rule catalogue pages (rules/MG*.md), embedded at build time.
#pragma once

#include <string_view>
#include <vector>

namespace miglint::rules {

struct RuleDoc {
  std::string_view file_stem; // "MG101-missing-downgrade"
  std::string_view markdown;
};

const std::vector<RuleDoc>& rule_docs();

} // namespace miglint::rules

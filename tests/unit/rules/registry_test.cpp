// The registry (src/rules/registry.cpp), the catalogue pages (rules/MG*.md) and the fixture
// folders (tests/fixtures/rules/<CODE>-<name>/) describe the same set of rules.
#include "rules/registry.hpp"
#include "rules/rule_docs.hpp"
#include "test_text.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using namespace miglint;

using miglint::testing::read_text;

namespace {

const fs::path k_source = MIGLINT_SOURCE_DIR;

std::string stem_of(const rules::RuleInfo& rule)
{
  return std::string(rule.code) + "-" + rule.name;
}

bool is_kebab_case(std::string_view name)
{
  if (name.empty() || name.front() == '-' || name.back() == '-' ||
      name.find("--") != std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool is_code(std::string_view code)
{
  return code.size() == 5 && code.starts_with("MG") &&
         std::all_of(code.begin() + 2, code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Rules that `miglint lint` runs on a versions directory alone; git and verify rules have
// harnesses of their own.
bool is_lint_rule(const rules::RuleInfo& rule)
{
  return rule.scope == rules::Scope::graph || rule.scope == rules::Scope::content ||
         rule.scope == rules::Scope::tool;
}

std::string severity_word(rules::Severity s)
{
  switch (s) {
  case rules::Severity::error: return "error";
  case rules::Severity::warning: return "warning";
  default: return "info";
  }
}

} // namespace

TEST_SUITE("rules::registry")
{
  TEST_CASE("codes are well formed, unique and sorted")
  {
    const auto rules = rules::all_rules();
    REQUIRE(!rules.empty());
    std::set<std::string> codes;
    std::set<std::string> names;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const std::string code = rules[i].code;
      CAPTURE(code);
      CHECK(is_code(rules[i].code));
      CHECK(codes.insert(rules[i].code).second);
      CHECK(names.insert(rules[i].name).second);
      if (i > 0) {
        CHECK(std::string(rules[i - 1].code) < std::string(rules[i].code));
      }
    }
  }

  TEST_CASE("names are kebab-case and summaries are present")
  {
    for (const auto& rule : rules::all_rules()) {
      const std::string code = rule.code;
      CAPTURE(code);
      CHECK(is_kebab_case(rule.name));
      CHECK(std::string_view(rule.summary).size() > 10);
      for (const auto& option : rule.options) {
        CAPTURE(option.name);
        CHECK(is_kebab_case(option.name));
      }
    }
  }

  TEST_CASE("find_rule accepts codes in any case and names")
  {
    for (const auto& rule : rules::all_rules()) {
      const std::string code = rule.code;
      CAPTURE(code);
      std::string lower = rule.code;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](char c) { return static_cast<char>(std::tolower(c)); });
      CHECK(rules::find_rule(rule.code) == &rule);
      CHECK(rules::find_rule(lower) == &rule);
      CHECK(rules::find_rule(rule.name) == &rule);
    }
    CHECK(rules::find_rule("MG000") == nullptr);
    CHECK(rules::find_rule("no-such-rule") == nullptr);
  }

  TEST_CASE("every rule has its catalogue page, titled with its code and name")
  {
    for (const auto& rule : rules::all_rules()) {
      const std::string code = rule.code;
      CAPTURE(code);
      const std::string_view doc = rules::rule_doc(rule);
      CHECK(!doc.empty());
      const std::string title = "# " + std::string(rule.code) + " " + rule.name + "\n";
      CHECK(doc.starts_with(title));
      CHECK(fs::exists(k_source / "rules" / (stem_of(rule) + ".md")));
    }
  }

  TEST_CASE("every catalogue page belongs to a rule")
  {
    std::set<std::string> stems;
    for (const auto& rule : rules::all_rules()) {
      stems.insert(stem_of(rule));
    }
    for (const auto& doc : rules::rule_docs()) {
      CAPTURE(doc.file_stem);
      CHECK(stems.count(std::string(doc.file_stem)) == 1);
    }
    // The source tree too: a page added after the last configure is not embedded yet.
    for (const auto& entry : fs::directory_iterator(k_source / "rules")) {
      const std::string file = entry.path().filename().string();
      if (!file.starts_with("MG") || entry.path().extension() != ".md") {
        continue;
      }
      CAPTURE(file);
      CHECK(stems.count(entry.path().stem().string()) == 1);
    }
  }

  TEST_CASE("pages have the catalogue sections and document every option")
  {
    const char* sections[] = {"## What it flags", "## Why it matters", "## Example",
                              "## Fix",           "## Options",        "## Known limitations"};
    for (const auto& rule : rules::all_rules()) {
      const std::string code = rule.code;
      CAPTURE(code);
      const std::string doc(rules::rule_doc(rule));
      std::size_t previous = 0;
      for (const std::string section : sections) {
        CAPTURE(section);
        const auto at = doc.find(std::string("\n") + section + "\n");
        CHECK(at != std::string::npos);
        if (at != std::string::npos) {
          CHECK(at >= previous); // in this order
          previous = at;
        }
      }
      const auto options_at = doc.find("\n## Options\n");
      const auto limits_at = doc.find("\n## Known limitations\n");
      if (options_at == std::string::npos || limits_at == std::string::npos) {
        continue;
      }
      const std::string options = doc.substr(options_at, limits_at - options_at);
      if (rule.options.empty() && is_lint_rule(rule)) {
        CHECK(options.find("None.") != std::string::npos);
      }
      for (const auto& option : rule.options) {
        CAPTURE(option.name);
        CHECK(options.find(std::string("`") + option.name + "`") != std::string::npos);
      }
    }
  }

  TEST_CASE("lint rule pages state the default severity")
  {
    for (const auto& rule : rules::all_rules()) {
      if (!is_lint_rule(rule)) {
        continue;
      }
      const std::string code = rule.code;
      CAPTURE(code);
      const std::string doc(rules::rule_doc(rule));
      CHECK(doc.find("Default severity: **" + severity_word(rule.default_severity) + "**") !=
            std::string::npos);
    }
  }

  TEST_CASE("every lint rule has a failing and a clean fixture case")
  {
    const fs::path root = k_source / "tests" / "fixtures" / "rules";
    for (const auto& rule : rules::all_rules()) {
      if (!is_lint_rule(rule)) {
        continue;
      }
      const std::string code = rule.code;
      CAPTURE(code);
      const fs::path dir = root / stem_of(rule);
      CHECK(fs::is_directory(dir));
      if (!fs::is_directory(dir)) {
        continue;
      }
      int cases = 0;
      int failing = 0;
      int clean = 0;
      const std::string tag = "[" + std::string(rule.name) + "]";
      for (const auto& c : fs::directory_iterator(dir)) {
        if (!c.is_directory()) {
          continue;
        }
        CAPTURE(c.path().filename().string());
        CHECK(is_kebab_case(c.path().filename().string()));
        CHECK(fs::is_directory(c.path() / "versions"));
        CHECK(fs::exists(c.path() / "expected.txt"));
        ++cases;
        const std::string expected = read_text(c.path() / "expected.txt");
        if (expected.find(tag) != std::string::npos) {
          ++failing;
        } else {
          ++clean;
        }
      }
      CHECK(cases >= 2);
      CHECK(failing >= 1);
      CHECK(clean >= 1);
    }
  }

  TEST_CASE("no fixture folder is left over from a renamed or removed rule")
  {
    std::set<std::string> stems;
    for (const auto& rule : rules::all_rules()) {
      stems.insert(stem_of(rule));
    }
    const fs::path root = k_source / "tests" / "fixtures" / "rules";
    if (!fs::is_directory(root)) {
      return;
    }
    for (const auto& entry : fs::directory_iterator(root)) {
      CAPTURE(entry.path().filename().string());
      CHECK(stems.count(entry.path().filename().string()) == 1);
    }
  }
}

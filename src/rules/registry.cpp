#include "rules/registry.hpp"

#include "rules/checks.hpp"
#include "rules/rule_docs.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace miglint::rules {

namespace {

const std::vector<RuleInfo>& table()
{
  // Codes stay assigned forever; bands: MG0 graph, MG1 content, MG2 git, MG3 round trip,
  // MG9 the tool itself.
  static const std::vector<RuleInfo> rules = {
      {"MG001", "multiple-heads", Severity::error, Scope::graph, &check_multiple_heads,
       "the revision graph has more than one head",
       {{"max-heads", "int", "number of heads the project intends to have (default 1)"},
        {"allow-labelled-heads", "bool",
         "accept several heads when each carries its own branch label"}}},
      {"MG002", "cycle", Severity::error, Scope::graph, &check_cycle,
       "revisions revise each other in a loop", {}},
      {"MG003", "unknown-parent", Severity::error, Scope::graph, &check_unknown_parent,
       "down_revision names a revision that does not exist", {}},
      {"MG004", "duplicate-revision", Severity::error, Scope::graph, &check_duplicate_revision,
       "two files declare the same revision id", {}},
      {"MG005", "unknown-dependency", Severity::error, Scope::graph, &check_unknown_dependency,
       "depends_on names neither a revision nor a branch label", {}},
      {"MG006", "duplicate-branch-label", Severity::error, Scope::graph,
       &check_duplicate_branch_label, "two revisions declare the same branch label", {}},
      {"MG007", "multiple-bases", Severity::warning, Scope::graph, &check_multiple_bases,
       "more than one revision starts from an empty database", {}},
      {"MG008", "stale-heads-file", Severity::error, Scope::graph, &check_stale_heads_file,
       "versions/HEADS (heads_file = true) does not list the graph's heads", {}},
      {"MG009", "invalid-revision-id", Severity::error, Scope::graph, &check_invalid_revision_id,
       "a revision id contains '@', '-' or '+', which Alembic does not allow", {}},
      {"MG101", "missing-downgrade", Severity::error, Scope::content, &check_missing_downgrade,
       "a revision changes the database but its downgrade does nothing", {}},
      {"MG102", "undescriptive-message", Severity::error, Scope::content,
       &check_undescriptive_message, "the revision message does not say what it does",
       {{"min-words", "int", "fewest words a message may have (default 2)"},
        {"min-length", "int", "fewest characters a message may have (default 8)"},
        {"vague-words", "list", "words that say nothing on their own"},
        {"exempt-merges", "bool", "skip empty merge revisions (default true)"}}},
      {"MG103", "filename-mismatch", Severity::warning, Scope::content,
       &check_filename_mismatch, "the file name does not carry the revision id", {}},
      {"MG104", "header-mismatch", Severity::error, Scope::content, &check_header_mismatch,
       "the docstring's Revision ID/Revises lines disagree with the code", {}},
      {"MG105", "destructive-operation", Severity::warning, Scope::content,
       &check_destructive_operation, "an upgrade drops or renames a table or column", {}},
      {"MG201", "modified-merged-migration", Severity::error, Scope::git,
       &check_modified_merged_migration,
       "a revision already on the base branch was changed on this branch", {}},
      {"MG202", "deleted-merged-migration", Severity::error, Scope::git,
       &check_deleted_merged_migration,
       "a revision already on the base branch was deleted on this branch", {}},
      {"MG203", "diverges-from-base", Severity::error, Scope::git, &check_diverges_from_base,
       "merging with the base branch would leave more heads than it has", {}},
      {"MG301", "roundtrip-upgrade-failed", Severity::error, Scope::verify, nullptr,
       "a revision's upgrade fails on the scratch database", {}},
      {"MG302", "roundtrip-downgrade-failed", Severity::error, Scope::verify, nullptr,
       "a revision's downgrade fails right after its upgrade", {}},
      {"MG303", "roundtrip-not-restored", Severity::error, Scope::verify, nullptr,
       "a downgrade does not bring the schema back to what it was before the upgrade", {}},
      {"MG304", "roundtrip-not-repeatable", Severity::error, Scope::verify, nullptr,
       "upgrading again after the downgrade fails or gives a different schema", {}},
      {"MG305", "roundtrip-irreversible", Severity::info, Scope::verify, nullptr,
       "a revision is irreversible by design, so its downgrade is not checked", {}},
      {"MG306", "roundtrip-unverifiable", Severity::error, Scope::verify, nullptr,
       "a revision body cannot be run, so it and its descendants are not verified", {}},
      {"MG901", "unparsable-revision", Severity::error, Scope::content,
       &check_unparsable_revision, "a file in the versions directory cannot be read as a revision",
       {}},
      {"MG902", "unused-suppression", Severity::warning, Scope::tool, nullptr,
       "a miglint: ignore[...] comment suppresses nothing or gives no reason", {}},
  };
  return rules;
}

} // namespace

std::span<const RuleInfo> all_rules()
{
  return table();
}

const RuleInfo* find_rule(std::string_view code_or_name)
{
  const std::string upper = [&] {
    std::string s(code_or_name);
    for (char& c : s) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return s;
  }();
  for (const auto& rule : table()) {
    if (upper == rule.code || code_or_name == rule.name) {
      return &rule;
    }
  }
  return nullptr;
}

bool selector_matches(std::string_view selector, const RuleInfo& rule)
{
  if (selector == rule.name) {
    return true;
  }
  std::string upper(selector);
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return upper.size() >= 2 && std::string_view(rule.code).starts_with(upper);
}

std::string_view rule_doc(const RuleInfo& rule)
{
  const std::string stem = fmt::format("{}-{}", rule.code, rule.name);
  for (const auto& doc : rule_docs()) {
    if (doc.file_stem == stem) {
      return doc.markdown;
    }
  }
  return {};
}

} // namespace miglint::rules

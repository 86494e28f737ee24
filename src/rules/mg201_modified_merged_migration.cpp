// Flags revision files that exist at the merge base with the base branch and were
// changed (MG201) or deleted (MG202) on this branch: they may already be applied.
// User docs: rules/MG201-modified-merged-migration.md, rules/MG202-deleted-merged-migration.md
#include "rules/checks.hpp"

#include <set>

namespace miglint::rules {

namespace {

// Files of this branch by display path, plus their contents for move detection.
struct OurFiles {
  std::map<std::string, const model::Revision*> by_path;
  std::set<std::string> contents;
};

OurFiles our_files(const RuleContext& ctx)
{
  OurFiles out;
  for (const auto& rev : ctx.graph.revisions()) {
    out.by_path[rev.path()] = &rev;
    out.contents.insert(rev.file->text);
  }
  for (const auto& problem : ctx.read_problems) {
    if (problem.at.file) {
      out.contents.insert(problem.at.file->text);
    }
  }
  return out;
}

std::string base_note(const RuleContext& ctx, const std::string& path)
{
  auto it = ctx.base->theirs_introduced.find(path);
  if (it == ctx.base->theirs_introduced.end()) {
    return {};
  }
  const auto& by = it->second;
  return fmt::format(" (merged in {} by {}, {}: \"{}\")", by.commit, by.author, by.date,
                     by.subject);
}

} // namespace

void check_modified_merged_migration(const RuleContext& ctx, Reporter& out)
{
  if (!ctx.base->merge_base_files) {
    return; // the linter prints why (shallow clone) once
  }
  const OurFiles ours = our_files(ctx);
  for (const auto& [path, base_file] : *ctx.base->merge_base_files) {
    auto it = ours.by_path.find(path);
    if (it == ours.by_path.end() || it->second->file->text == base_file->text) {
      continue;
    }
    const model::Revision& rev = *it->second;
    out.report(rev, rev.id_span,
               fmt::format("{} was changed on this branch, but it is already on {}{}; a database "
                           "that ran it will not run it again: revert the edit and put the "
                           "change in a new revision (`miglint new -m ...`)",
                           path, ctx.base->ref, base_note(ctx, path)));
  }
}

void check_deleted_merged_migration(const RuleContext& ctx, Reporter& out)
{
  if (!ctx.base->merge_base_files) {
    return;
  }
  const OurFiles ours = our_files(ctx);
  for (const auto& [path, base_file] : *ctx.base->merge_base_files) {
    if (ours.by_path.count(path) > 0 || ours.contents.count(base_file->text) > 0) {
      continue; // still there, or moved without a change
    }
    bool unreadable_here = false;
    for (const auto& problem : ctx.read_problems) {
      unreadable_here = unreadable_here || problem.at.path == path;
    }
    if (unreadable_here) {
      continue; // reported as unparsable instead
    }
    out.report_at(model::Location::whole(path),
                  fmt::format("{} was deleted on this branch, but it is already on {}{}; "
                              "databases that ran it still record it: restore the file",
                              path, ctx.base->ref, base_note(ctx, path)));
  }
}

} // namespace miglint::rules

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
  std::map<std::string, const model::Revision*> by_id;
  std::set<std::string> contents;
};

OurFiles our_files(const RuleContext& ctx)
{
  OurFiles out;
  for (const auto& rev : ctx.graph.revisions()) {
    out.by_path[rev.path()] = &rev;
    out.by_id.emplace(rev.id, &rev);
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
  auto by = ctx.base->introduction(false, path);
  if (!by) {
    return {};
  }
  return fmt::format(" (merged in {} by {}, {}: \"{}\")", by->commit, by->author, by->date,
                     by->subject);
}

} // namespace

void check_modified_merged_migration(const RuleContext& ctx, Reporter& out)
{
  if (!ctx.base->merge_base_files) {
    return; // the linter prints why (shallow clone) once
  }
  const OurFiles ours = our_files(ctx);
  for (const auto& [path, base_file] : *ctx.base->merge_base_files) {
    const model::Revision* rev = nullptr;
    if (auto it = ours.by_path.find(path); it != ours.by_path.end()) {
      rev = it->second;
    } else if (ours.contents.count(base_file->text) == 0) {
      // Not at its old path and no file has its old text: moved *and* changed when a file
      // elsewhere holds the same revision id (else deleted: MG202's business).
      auto id = ctx.base->moved_or_deleted_ids.find(path);
      if (id != ctx.base->moved_or_deleted_ids.end()) {
        auto moved = ours.by_id.find(id->second);
        rev = moved == ours.by_id.end() ? nullptr : moved->second;
      }
    }
    if (rev == nullptr || rev->file->text == base_file->text) {
      continue;
    }
    const std::string what =
        rev->path() == path ? path : fmt::format("{} (moved from {})", rev->path(), path);
    out.report(*rev, rev->id_span,
               fmt::format("{} was changed on {}, but it is already on {}{}; a database "
                           "that ran it will not run it again: revert the edit and put the "
                           "change in a new revision (`miglint new -m ...`)",
                           what, ctx.base->ours, ctx.base->ref, base_note(ctx, path)));
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
    if (auto id = ctx.base->moved_or_deleted_ids.find(path);
        id != ctx.base->moved_or_deleted_ids.end() && ours.by_id.count(id->second) > 0) {
      continue; // moved and changed: reported by MG201 at its new path
    }
    bool unreadable_here = false;
    for (const auto& problem : ctx.read_problems) {
      unreadable_here = unreadable_here || problem.at.path == path;
    }
    if (unreadable_here) {
      continue; // reported as unparsable instead
    }
    out.report_at(model::Location::whole(path),
                  fmt::format("{} was deleted on {}, but it is already on {}{}; "
                              "databases that ran it still record it: restore the file",
                              path, ctx.base->ours, ctx.base->ref, base_note(ctx, path)));
  }
}

} // namespace miglint::rules

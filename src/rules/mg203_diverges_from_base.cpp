// Flags a branch whose revisions, merged with the base branch, leave more heads than
// the base has: two branches added children to the same parent.
// User docs: rules/MG203-diverges-from-base.md
#include "rules/checks.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <set>

namespace miglint::rules {

namespace {

std::string introduced(const BaseView& base, bool ours, const std::string& path,
                       const char* fallback)
{
  auto by = base.introduction(ours, path);
  if (!by) {
    return fallback;
  }
  return fmt::format("{} by {}, {}: \"{}\"", by->commit, by->author, by->date, by->subject);
}

} // namespace

void check_diverges_from_base(const RuleContext& ctx, Reporter& out)
{
  const BaseView& base = *ctx.base;
  if (!ctx.graph_usable || !base.ref_build.errors.empty()) {
    return;
  }
  // Simulate the merge: this branch's revisions plus the ones only REF has.
  std::set<std::string> ours;
  std::vector<model::Revision> merged;
  for (const auto& rev : ctx.graph.revisions()) {
    ours.insert(rev.id);
    merged.push_back(rev);
  }
  std::set<std::string> theirs;
  for (const auto& rev : base.ref_build.graph.revisions()) {
    theirs.insert(rev.id);
    if (!ours.count(rev.id)) {
      merged.push_back(rev);
    }
  }
  auto merged_build = graph::RevisionGraph::build(std::move(merged));
  if (!merged_build.errors.empty()) {
    return;
  }
  const auto& g = merged_build.graph;
  const auto heads = g.heads();
  const auto ref_heads = base.ref_build.graph.heads();
  // Heads this branch has already are multiple-heads' to report (with a fix that works
  // on this branch alone); only the ones the merge would add are this rule's.
  if (heads.size() <= std::max(ref_heads.size(), ctx.graph.heads().size())) {
    return;
  }
  // A file of ours no commit added is uncommitted, unless history could not be read
  // (a shallow clone), where nothing can be said.
  const char* ours_unknown = base.history_problem.empty()
                                 ? "uncommitted changes"
                                 : "a commit outside the available history";
  std::vector<std::string> described;
  graph::NodeId our_head = -1;
  std::string their_head;
  for (graph::NodeId h : heads) {
    const model::Revision& rev = g.rev(h);
    const bool only_ours = !theirs.count(rev.id);
    if (only_ours) {
      our_head = h;
    } else {
      their_head = rev.id;
    }
    described.push_back(fmt::format(
        "{} \"{}\" (added by {} in {})", rev.id, rev.message(),
        only_ours ? base.ours : base.ref,
        only_ours ? introduced(base, true, rev.path(), ours_unknown)
                  : introduced(base, false, rev.path(), "an unknown commit")));
  }
  if (our_head < 0) {
    return;
  }
  const model::Revision& anchor = ctx.graph.rev(ctx.graph.find(g.rev(our_head).id));
  const std::string onto = their_head.empty() ? base.ref : their_head;
  const std::string fix =
      ctx.preferred_fix == "merge"
          ? fmt::format("run `miglint merge` after merging {}, or `miglint rebase --onto {}`",
                        base.ref, onto)
          : fmt::format("run `miglint rebase --onto {}` to put {}'s revisions after "
                        "{}'s, or `miglint merge` after merging it",
                        onto, base.ours, base.ref);
  auto& d = out.report(anchor, anchor.id_span,
                       fmt::format("merging with {} ({}) leaves {} heads where it has {}: {}; {}",
                                   base.ref, base.ref_commit, heads.size(), ref_heads.size(),
                                   util::join(described, "; "), fix));
  for (graph::NodeId h : heads) {
    const model::Revision& rev = g.rev(h);
    if (theirs.count(rev.id) && !ours.count(rev.id)) {
      d.notes.push_back({model::Location::in(rev.file, rev.id_span),
                         fmt::format("{}'s head {}", base.ref, rev.id)});
    }
  }
}

} // namespace miglint::rules

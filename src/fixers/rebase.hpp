// `miglint rebase`: re-parents the revisions only this branch has onto the base branch's
// head, so the graph is linear again without a merge revision. Only the oldest of them
// changes, and in it only the down_revision value and the `Revises:` line; every other
// byte of the file stays as it was.
#pragma once

#include "graph/revision_graph.hpp"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace miglint::fixers {

struct RebasePlan {
  std::vector<std::string> moved; // this branch's revisions, oldest first
  std::string oldest;             // the one whose parent changes
  std::vector<std::string> old_parents;
  std::string onto;
};

// This branch's revisions must form one chain (no merge, no branch point among them);
// the plan re-parents its oldest revision onto `onto`. They are the revisions that are
// not ancestors of `onto`, or, when `onto` is not in this graph yet (the base branch is
// not merged in), the revisions whose ids are not in `base_ids`. Errors (kind usage) say
// why not: nothing to rebase, already on top, or a chain that branches or merges.
model::Result<RebasePlan> plan_rebase(const graph::RevisionGraph& graph, const std::string& onto,
                                      const std::vector<std::string>& base_ids = {});

// What tells which of two heads a rebase to one head keeps, in this order: the revisions
// a merge brought in (asked only when both ways work), the base branch's revisions.
struct KeptHeadHints {
  std::function<std::set<std::string>()> merged_in;
  std::set<std::string> on_base;
};

// With exactly two heads: the plan_rebase onto one head that moves the other head's own
// revisions. When both ways work, the head kept is the one the merge brought in (its branch
// may reach the base branch as it is), else the one on the base branch, else the one whose
// move rewrites fewer revisions. nullopt when neither way works.
std::optional<RebasePlan> plan_rebase_to_one_head(const graph::RevisionGraph& graph,
                                                  const KeptHeadHints& hints);

// The text of `rev` with its parent set to `new_parent`: the down_revision value
// (quoted like the original) and, when present, the value of the `Revises:` line.
model::Result<std::string> reparent_text(const model::Revision& rev, const std::string& new_parent);

} // namespace miglint::fixers

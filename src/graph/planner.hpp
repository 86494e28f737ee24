// Migration planning: from the heads recorded in the database and a target, the ordered
// steps to run and how the version table changes at each one, as Alembic computes them
// (RevisionMap._collect_upgrade_revisions / _collect_downgrade_revisions, ScriptDirectory
// ._stamp_revs, and HeadMaintainer for the version rows). No I/O: the engine applies plans.
#pragma once

#include "graph/revision_graph.hpp"
#include "model/result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace miglint::graph {

// One row change of the version table. insert: `to`; remove: `from`; update: `from` -> `to`.
struct VersionChange {
  enum class Kind { insert, remove, update };
  Kind kind = Kind::insert;
  std::string from;
  std::string to;

  bool operator==(const VersionChange&) const = default;
};

// One step of a plan. A revision step runs `rev`'s upgrade (up) or downgrade body; a stamp
// step (rev == -1) only moves the version rows, from `stamp_from` to `stamp_to`.
struct PlanStep {
  NodeId rev = -1;
  bool up = true;
  std::vector<std::string> stamp_from;
  std::vector<std::string> stamp_to;
  std::vector<VersionChange> changes;      // applied in order, with the body, in one transaction
  std::vector<std::string> heads_before;   // the version rows expected before the step, sorted
  std::vector<std::string> heads_after;    // and after it, sorted

  bool is_stamp() const { return rev < 0; }
};

struct Plan {
  std::vector<PlanStep> steps;
  std::vector<std::string> heads_before; // sorted
  std::vector<std::string> heads_after;  // sorted
  bool purge = false;                    // stamp --purge: delete every row first
};

// A downgrade target after relative forms were resolved against the current heads:
// `base` (target == -1) or a revision, with the branch label the command named, if any.
struct DowngradeTarget {
  NodeId target = -1;
  std::string branch_label;
};

// Maps the ids stored in the version table to nodes. An id the graph does not know is an
// Error of kind not_found naming it (the database belongs to another history, or a
// revision file is missing).
model::Result<NodeList> current_nodes(const RevisionGraph& graph,
                                      const std::vector<std::string>& current);

// `upgrade TARGET` from `current` (version-table ids). TARGET is any form Alembic accepts:
// head, heads, REV / prefix / label, label@head, +N, label@+N, REV+N, REV-N.
// Upgrade order is the reverse of history order over the revisions the targets need that
// are not applied yet (Alembic uses implicit_base=True: other branches' needs come along).
model::Result<Plan> plan_upgrade(const RevisionGraph& graph,
                                 const std::vector<std::string>& current,
                                 const std::string& target);
// The same with the targets already resolved (used to re-plan after another process moved
// the database, so that a relative target is not applied twice).
model::Result<Plan> plan_upgrade_to(const RevisionGraph& graph,
                                    const std::vector<std::string>& current,
                                    const NodeList& targets);
// Resolves an upgrade target against `current` without planning.
model::Result<NodeList> resolve_upgrade_target(const RevisionGraph& graph,
                                               const std::vector<std::string>& current,
                                               const std::string& target);

// `downgrade TARGET`: base, label@base, REV / prefix / label, -N, label@-N, REV-N, REV+N.
// Drops the descendants of the target that are applied, newest first (topological order
// of that set from the current heads).
model::Result<Plan> plan_downgrade(const RevisionGraph& graph,
                                   const std::vector<std::string>& current,
                                   const std::string& target);
model::Result<DowngradeTarget> resolve_downgrade_target(const RevisionGraph& graph,
                                                        const std::vector<std::string>& current,
                                                        const std::string& target);
model::Result<Plan> plan_downgrade_to(const RevisionGraph& graph,
                                      const std::vector<std::string>& current,
                                      const DowngradeTarget& target);

// `stamp REV...` (`heads`, `base`, ids, labels): moves the version rows without running
// anything. With `purge`, the rows are deleted first and the stamp starts from nothing.
model::Result<Plan> plan_stamp(const RevisionGraph& graph, const std::vector<std::string>& current,
                               const std::vector<std::string>& targets, bool purge);

// What `current` prints: the current heads with their applied ancestors removed, as
// Alembic's get_all_current (branch heads of everything applied), in map order.
NodeList current_branch_heads(const RevisionGraph& graph, const NodeList& current);

// "upgrade a1, b2 -> c3, message" / "downgrade c3 -> a1, b2, message" / "stamp_revision  -> c3":
// the text after `Running ` in Alembic's log.
std::string describe_step(const RevisionGraph& graph, const PlanStep& step);

} // namespace miglint::graph

#include "graph/planner.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace miglint::graph {

namespace {

using model::Error;
using model::Result;

Error plan_error(std::string message)
{
  return model::make_error(std::move(message), Error::Kind::usage);
}

// A revision's parents for version bookkeeping: down_revision, then the dependencies
// no ancestor already covers (Alembic's _normalized_down_revisions).
NodeList normalized_down(const RevisionGraph& graph, NodeId n)
{
  NodeList out = graph.node(n).down;
  for (NodeId d : graph.node(n).normalized_deps) {
    if (std::find(out.begin(), out.end(), d) == out.end()) {
      out.push_back(d);
    }
  }
  return out;
}

std::vector<std::string> ids_of(const RevisionGraph& graph, const NodeList& nodes)
{
  std::vector<std::string> out;
  for (NodeId n : nodes) {
    out.push_back(graph.rev(n).id);
  }
  return out;
}

NodeList members_of(const std::vector<bool>& set)
{
  NodeList out;
  for (std::size_t n = 0; n < set.size(); ++n) {
    if (set[n]) {
      out.push_back(static_cast<NodeId>(n));
    }
  }
  return out;
}

// The version rows as Alembic's HeadMaintainer tracks them while a plan runs. Each
// apply_* mirrors one MigrationStep/StampStep decision (delete branch, create branch,
// merge, unmerge, plain update) and records the row changes it implies.
class HeadTracker {
public:
  HeadTracker(const RevisionGraph& graph, std::vector<std::string> heads)
      : m_graph(graph), m_heads(heads.begin(), heads.end())
  {
  }

  std::vector<std::string> heads() const { return {m_heads.begin(), m_heads.end()}; }

  Result<std::vector<VersionChange>> apply_revision(NodeId rev, bool up)
  {
    m_changes.clear();
    const std::string& id = m_graph.rev(rev).id;
    const std::vector<std::string> downrevs = ids_of(m_graph, normalized_down(m_graph, rev));
    const bool in_heads = has(id);
    if (!up) {
      if (in_heads) {
        std::vector<std::string> to = downrevs.empty() ? downrevs : unmerge_targets(id, downrevs);
        if (to.empty()) {
          MIGLINT_TRY(remove(id)); // back to base, or a parent another head still implies
        } else if (downrevs.size() > 1) {
          for (std::size_t k = 0; k + 1 < to.size(); ++k) {
            MIGLINT_TRY(insert(to[k]));
          }
          MIGLINT_TRY(update(id, to.back()));
        } else {
          MIGLINT_TRY(update(id, downrevs.front()));
        }
        return m_changes;
      }
      // Not a current row: only a one-parent revision can be stepped over this way.
      auto from = scalar_or_present(downrevs);
      MIGLINT_TRY(from);
      MIGLINT_TRY(update(id, *from));
      return m_changes;
    }
    std::size_t present = 0;
    for (const auto& d : downrevs) {
      present += has(d);
    }
    if (downrevs.empty() || present == 0) {
      MIGLINT_TRY(insert(id)); // a base, or a new branch off a revision that is not a head
    } else if (downrevs.size() > 1 && present > 1) {
      // Merge: the parents that no other head implies collapse into this revision.
      std::vector<std::string> from = downrevs;
      std::vector<std::string> others;
      for (const auto& h : m_heads) {
        if (std::find(downrevs.begin(), downrevs.end(), h) == downrevs.end()) {
          others.push_back(h);
        }
      }
      if (!others.empty()) {
        const auto implied = ancestors_of(others);
        std::erase_if(from, [&](const std::string& d) {
          const NodeId n = m_graph.find(d);
          return n >= 0 && implied[n];
        });
      }
      if (from.empty()) {
        return plan_error(fmt::format("cannot merge into {}: no parent is a current head", id));
      }
      for (std::size_t k = 0; k + 1 < from.size(); ++k) {
        MIGLINT_TRY(remove(from[k]));
      }
      MIGLINT_TRY(update(from.back(), id));
    } else {
      auto from = scalar_or_present(downrevs);
      MIGLINT_TRY(from);
      MIGLINT_TRY(update(*from, id));
    }
    return m_changes;
  }

  // StampStep: `from` rows move to `to` (one id), as an upgrade or a downgrade;
  // branch_move inserts a new branch (up) or deletes one (down).
  Result<std::vector<VersionChange>> apply_stamp(const std::vector<std::string>& from,
                                                 const std::vector<std::string>& to, bool up,
                                                 bool branch_move)
  {
    m_changes.clear();
    if (!up && branch_move) {
      MIGLINT_TRY(remove(from.front()));
      return m_changes;
    }
    const bool from_missing =
        std::any_of(from.begin(), from.end(), [&](const auto& f) { return !has(f); });
    const bool to_missing = std::any_of(to.begin(), to.end(), [&](const auto& t) { return !has(t); });
    if (up && (branch_move || from_missing) && to_missing) {
      MIGLINT_TRY(insert(to.front()));
    } else if (from.size() > 1) {
      for (std::size_t k = 0; k + 1 < from.size(); ++k) {
        MIGLINT_TRY(remove(from[k]));
      }
      MIGLINT_TRY(update(from.back(), to.front()));
    } else if (!from.empty() && !to.empty() && from.front() != to.front()) {
      MIGLINT_TRY(update(from.front(), to.front()));
    }
    return m_changes;
  }

  Result<void> purge()
  {
    for (const auto& h : heads()) {
      MIGLINT_TRY(remove(h));
    }
    return {};
  }

private:
  bool has(const std::string& id) const { return m_heads.count(id) > 0; }

  std::vector<bool> ancestors_of(const std::vector<std::string>& ids) const
  {
    NodeList nodes;
    for (const auto& id : ids) {
      if (NodeId n = m_graph.find(id); n >= 0) {
        nodes.push_back(n);
      }
    }
    return m_graph.ancestors(nodes, true);
  }

  // The parents a downgraded revision hands its row to: those no other head implies.
  std::vector<std::string> unmerge_targets(const std::string& id,
                                           const std::vector<std::string>& downrevs) const
  {
    std::vector<std::string> others;
    for (const auto& h : m_heads) {
      if (h != id) {
        others.push_back(h);
      }
    }
    if (others.empty()) {
      return downrevs;
    }
    const auto implied = ancestors_of(others);
    std::vector<std::string> out;
    for (const auto& d : downrevs) {
      const NodeId n = m_graph.find(d);
      if (n < 0 || !implied[n]) {
        out.push_back(d);
      }
    }
    return out;
  }

  Result<std::string> scalar_or_present(const std::vector<std::string>& downrevs) const
  {
    if (downrevs.size() == 1) {
      return downrevs.front();
    }
    std::vector<std::string> present;
    for (const auto& d : downrevs) {
      if (has(d)) {
        present.push_back(d);
      }
    }
    if (present.size() != 1) {
      return plan_error("cannot update the version table: the down revision is ambiguous");
    }
    return present.front();
  }

  Result<void> insert(const std::string& id)
  {
    if (has(id)) {
      return plan_error(fmt::format("version table already holds {}", id));
    }
    m_heads.insert(id);
    m_changes.push_back({VersionChange::Kind::insert, "", id});
    return {};
  }
  Result<void> remove(const std::string& id)
  {
    if (!has(id)) {
      return plan_error(fmt::format("version table does not hold {}", id));
    }
    m_heads.erase(id);
    m_changes.push_back({VersionChange::Kind::remove, id, ""});
    return {};
  }
  Result<void> update(const std::string& from, const std::string& to)
  {
    if (!has(from) || has(to)) {
      return plan_error(fmt::format("cannot update the version table from {} to {}", from, to));
    }
    m_heads.erase(from);
    m_heads.insert(to);
    m_changes.push_back({VersionChange::Kind::update, from, to});
    return {};
  }

  const RevisionGraph& m_graph;
  std::set<std::string> m_heads;
  std::vector<VersionChange> m_changes;
};

Result<Plan> plan_revisions(const RevisionGraph& graph, const std::vector<std::string>& current,
                            const NodeList& order, bool up)
{
  Plan plan;
  HeadTracker tracker(graph, current);
  plan.heads_before = tracker.heads();
  for (NodeId n : order) {
    PlanStep step;
    step.rev = n;
    step.up = up;
    step.heads_before = tracker.heads();
    auto changes = tracker.apply_revision(n, up);
    MIGLINT_TRY(changes);
    step.changes = std::move(*changes);
    step.heads_after = tracker.heads();
    plan.steps.push_back(std::move(step));
  }
  plan.heads_after = tracker.heads();
  return plan;
}

// Branch label (or revision id used as one) to the revision it names.
Result<NodeId> branch_revision(const RevisionGraph& graph, const std::string& label)
{
  if (NodeId n = graph.find_label(label); n >= 0) {
    return n;
  }
  if (NodeId n = graph.find(label); n >= 0) {
    return n;
  }
  auto r = graph.resolve_one(label);
  if (!r || r->empty()) {
    return plan_error(fmt::format("no such branch: '{}'", label));
  }
  return r->front();
}

// Alembic's filter_for_lineage(targets, check_against, include_dependencies).
NodeList filter_for_lineage(const RevisionGraph& graph, const NodeList& targets,
                            const std::string& check_against, bool include_dependencies)
{
  NodeList shares;
  std::string symbol = check_against;
  if (const auto at = check_against.find('@'); at != std::string::npos) {
    if (auto b = branch_revision(graph, check_against.substr(0, at))) {
      shares.push_back(*b);
    }
  }
  if (auto ids = graph.resolve(symbol)) {
    shares.insert(shares.end(), ids->begin(), ids->end());
  }
  NodeList out;
  for (NodeId t : targets) {
    if (graph.shares_lineage(t, shares, include_dependencies)) {
      out.push_back(t);
    }
  }
  return out;
}

std::string relative_error(int steps)
{
  return fmt::format("relative revision {}{} didn't produce {} migrations", steps > 0 ? "+" : "",
                     steps, std::abs(steps));
}

} // namespace

Result<NodeList> current_nodes(const RevisionGraph& graph, const std::vector<std::string>& current)
{
  NodeList out;
  for (const auto& id : current) {
    const NodeId n = graph.find(id);
    if (n < 0) {
      return model::make_error(
          fmt::format("the database is at revision '{}', which is not in the revision graph "
                      "(a revision file is missing, or the database belongs to another project)",
                      id),
          Error::Kind::not_found);
    }
    out.push_back(n);
  }
  return out;
}

Result<NodeList> resolve_upgrade_target(const RevisionGraph& graph,
                                        const std::vector<std::string>& current,
                                        const std::string& target)
{
  auto nodes = current_nodes(graph, current);
  MIGLINT_TRY(nodes);
  return graph.upgrade_targets(target, *nodes);
}

Result<Plan> plan_upgrade_to(const RevisionGraph& graph, const std::vector<std::string>& current,
                             const NodeList& targets)
{
  auto nodes = current_nodes(graph, current);
  MIGLINT_TRY(nodes);
  const auto required = graph.ancestors(targets, true);
  const auto applied = graph.ancestors(*nodes, true);
  std::vector<bool> needs(graph.size(), false);
  for (std::size_t n = 0; n < graph.size(); ++n) {
    needs[n] = required[n] && !applied[n];
  }
  NodeList order = graph.topological_sort(needs, targets);
  std::reverse(order.begin(), order.end());
  return plan_revisions(graph, current, order, true);
}

Result<Plan> plan_upgrade(const RevisionGraph& graph, const std::vector<std::string>& current,
                          const std::string& target)
{
  auto targets = resolve_upgrade_target(graph, current, target);
  MIGLINT_TRY(targets);
  return plan_upgrade_to(graph, current, *targets);
}

Result<DowngradeTarget> resolve_downgrade_target(const RevisionGraph& graph,
                                                 const std::vector<std::string>& current,
                                                 const std::string& target)
{
  auto nodes = current_nodes(graph, current);
  MIGLINT_TRY(nodes);
  DowngradeTarget out;
  if (const auto rel = parse_relative_target(target)) {
    out.branch_label = rel->branch_label;
    if (rel->steps >= 0) {
      if (rel->symbol.empty()) {
        return plan_error(relative_error(rel->steps));
      }
      auto start = graph.resolve_one(rel->symbol);
      MIGLINT_TRY(start);
      auto walked = graph.step(*start, rel->steps, rel->branch_label);
      if (!walked) {
        return plan_error("walked too far");
      }
      out.target = walked->empty() ? -1 : walked->front();
      return out;
    }
    std::string symbol = rel->symbol;
    const bool relative_to_current = symbol.empty();
    if (relative_to_current) {
      if (!rel->branch_label.empty()) {
        NodeList on_branch = filter_for_lineage(graph, *nodes, rel->branch_label, false);
        if (on_branch.empty()) {
          // The branch's head is implied by a current head that depends on it.
          on_branch = filter_for_lineage(
              graph, current_branch_heads(graph, members_of(graph.ancestors(*nodes, true))),
              rel->branch_label, false);
        }
        if (on_branch.size() != 1) {
          return plan_error(fmt::format("branch '{}' has no single current revision",
                                        rel->branch_label));
        }
        symbol = graph.rev(on_branch.front()).id;
      } else {
        if (nodes->empty()) {
          return plan_error(relative_error(rel->steps));
        }
        symbol = current.front();
        out.branch_label = symbol;
      }
    }
    auto start = graph.resolve_one(out.branch_label.empty() ? symbol
                                                            : out.branch_label + "@" + symbol);
    MIGLINT_TRY(start);
    auto walked = graph.step(*start, rel->steps, "");
    if (!walked) {
      const bool ambiguous = walked.error().message.starts_with("ambiguous");
      return plan_error(ambiguous              ? walked.error().message
                        : relative_to_current ? relative_error(rel->steps)
                                              : "walked too far");
    }
    out.target = walked->empty() ? -1 : walked->front();
    return out;
  }
  std::string symbol = target;
  if (const auto at = target.rfind('@'); at != std::string::npos) {
    out.branch_label = target.substr(0, at);
    symbol = target.substr(at + 1);
  }
  auto resolved = graph.resolve_one(symbol);
  MIGLINT_TRY(resolved);
  out.target = resolved->empty() ? -1 : resolved->front();
  return out;
}

Result<Plan> plan_downgrade_to(const RevisionGraph& graph, const std::vector<std::string>& current,
                               const DowngradeTarget& target)
{
  auto heads = current_nodes(graph, current);
  MIGLINT_TRY(heads);
  NodeList roots = target.target < 0 ? graph.bases() : graph.node(target.target).children;
  if (!target.branch_label.empty() && roots.size() > 1) {
    auto branch = branch_revision(graph, target.branch_label);
    MIGLINT_TRY(branch);
    const auto on_branch = graph.ancestors({*branch}, false);
    std::erase_if(roots, [&](NodeId r) { return !on_branch[r]; });
    if (roots.empty()) {
      return plan_error("not a valid downgrade target from current heads");
    }
  }
  const auto dropped = graph.descendants(roots, true);
  const auto active = graph.ancestors(*heads, true);
  std::vector<bool> drop(graph.size(), false);
  bool any = false;
  for (std::size_t n = 0; n < graph.size(); ++n) {
    drop[n] = dropped[n] && active[n];
    any = any || drop[n];
  }
  if (target.target >= 0 && !any &&
      std::find(heads->begin(), heads->end(), target.target) == heads->end()) {
    return plan_error(fmt::format(
        "destination {} is not a valid downgrade target from current head(s)",
        graph.rev(target.target).id));
  }
  return plan_revisions(graph, current, graph.topological_sort(drop, *heads), false);
}

Result<Plan> plan_downgrade(const RevisionGraph& graph, const std::vector<std::string>& current,
                            const std::string& target)
{
  auto resolved = resolve_downgrade_target(graph, current, target);
  MIGLINT_TRY(resolved);
  return plan_downgrade_to(graph, current, *resolved);
}

Result<Plan> plan_stamp(const RevisionGraph& graph, const std::vector<std::string>& current_in,
                        const std::vector<std::string>& targets_in, bool purge)
{
  Plan plan;
  plan.purge = purge;
  std::vector<std::string> current = purge ? std::vector<std::string>{} : current_in;
  if (!purge) {
    MIGLINT_TRY(current_nodes(graph, current));
  }
  HeadTracker tracker(graph, current_in);
  if (purge) {
    MIGLINT_TRY(tracker.purge());
  }
  plan.heads_before = HeadTracker(graph, current_in).heads();
  std::vector<std::string> targets = targets_in;
  if (targets.empty()) {
    targets.push_back("base");
  }
  NodeList heads;
  for (const auto& id : current) {
    heads.push_back(graph.find(id));
  }
  // The current heads each target concerns (shares lineage with, dependencies included).
  NodeList filtered;
  for (const auto& t : targets) {
    for (NodeId h : filter_for_lineage(graph, heads, t, true)) {
      if (std::find(filtered.begin(), filtered.end(), h) == filtered.end()) {
        filtered.push_back(h);
      }
    }
  }
  NodeList dests;
  bool to_base = false;
  for (const auto& t : targets) {
    auto r = graph.resolve(t);
    if (!r) {
      if (r.error().message.starts_with("multiple head revisions")) {
        return plan_error(
            "multiple heads are present; please specify a single target revision");
      }
      return r.error();
    }
    if (r->empty()) {
      to_base = true;
    }
    for (NodeId n : *r) {
      if (std::find(dests.begin(), dests.end(), n) == dests.end()) {
        dests.push_back(n);
      }
    }
  }
  const auto filtered_ids = ids_of(graph, filtered);
  auto add_step = [&](std::vector<std::string> from, std::vector<std::string> to, bool up,
                      bool branch_move) -> Result<void> {
    PlanStep step;
    step.up = up;
    step.stamp_from = from;
    step.stamp_to = to;
    step.heads_before = tracker.heads();
    auto changes = tracker.apply_stamp(from, to, up, branch_move);
    MIGLINT_TRY(changes);
    step.changes = std::move(*changes);
    step.heads_after = tracker.heads();
    plan.steps.push_back(std::move(step));
    return {};
  };
  if (dests.empty() && to_base) {
    for (const auto& h : filtered_ids) {
      MIGLINT_TRY(add_step({h}, {}, false, true));
    }
  }
  for (NodeId dest : dests) {
    if (std::find(filtered.begin(), filtered.end(), dest) != filtered.end()) {
      continue; // already stamped
    }
    const auto below = graph.descendants({dest}, true);
    const auto above = graph.ancestors({dest}, true);
    const bool heads_above = std::any_of(filtered.begin(), filtered.end(), [&](NodeId h) {
      return below[h];
    });
    const bool heads_below = std::any_of(filtered.begin(), filtered.end(), [&](NodeId h) {
      return above[h];
    });
    if (heads_above) {
      MIGLINT_TRY(add_step(filtered_ids, {graph.rev(dest).id}, false, false));
    } else if (heads_below) {
      MIGLINT_TRY(add_step(filtered_ids, {graph.rev(dest).id}, true, false));
    } else {
      MIGLINT_TRY(add_step({}, {graph.rev(dest).id}, true, true));
    }
  }
  plan.heads_after = tracker.heads();
  return plan;
}

NodeList current_branch_heads(const RevisionGraph& graph, const NodeList& current)
{
  const auto applied = graph.ancestors(current, true);
  NodeList out;
  for (std::size_t n = 0; n < graph.size(); ++n) {
    if (!applied[n]) {
      continue;
    }
    const auto& children = graph.node(static_cast<NodeId>(n)).children;
    const bool has_applied_child =
        std::any_of(children.begin(), children.end(), [&](NodeId c) { return applied[c]; });
    if (!has_applied_child) {
      out.push_back(static_cast<NodeId>(n));
    }
  }
  return out;
}

std::string describe_step(const RevisionGraph& graph, const PlanStep& step)
{
  if (step.is_stamp()) {
    return fmt::format("stamp_revision {} -> {}", util::join(step.stamp_from, ", "),
                       util::join(step.stamp_to, ", "));
  }
  const auto& rev = graph.rev(step.rev);
  const std::string downs = util::join(rev.down_revisions, ", ");
  std::string text = step.up ? fmt::format("upgrade {} -> {}", downs, rev.id)
                             : fmt::format("downgrade {} -> {}", rev.id, downs);
  if (const std::string message = rev.message(); !message.empty()) {
    text += ", " + message;
  }
  return text;
}

} // namespace miglint::graph

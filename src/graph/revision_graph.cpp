#include "graph/revision_graph.hpp"

#include "graph/graph_diagnostics.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <set>

namespace miglint::graph {

namespace {

using model::Error;
using model::Result;

Error revision_error(std::string message)
{
  return model::make_error(std::move(message), Error::Kind::usage);
}

void append_unique(NodeList& list, NodeId id)
{
  if (std::find(list.begin(), list.end(), id) == list.end()) {
    list.push_back(id);
  }
}

NodeId lookup(const std::vector<std::pair<std::string, NodeId>>& sorted, const std::string& key)
{
  auto it = std::lower_bound(sorted.begin(), sorted.end(), key,
                             [](const auto& entry, const std::string& k) { return entry.first < k; });
  return it != sorted.end() && it->first == key ? it->second : -1;
}

// Alembic's _relative_destination: `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)`, matched at the start.
struct Relative {
  std::string branch_label;
  std::string symbol;
  int steps = 0;
};

bool is_word_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::optional<Relative> parse_relative(const std::string& text)
{
  // Try every split point for the lazy `(.+?)@` group, the shortest first.
  auto try_rest = [](std::string_view rest, Relative out) -> std::optional<Relative> {
    std::size_t i = 0;
    while (i < rest.size() && is_word_char(rest[i])) {
      ++i;
    }
    // \w+ is greedy but may give back characters; the sign must follow it.
    for (std::size_t end = i + 1; end-- > 0;) {
      if (end < rest.size() && (rest[end] == '+' || rest[end] == '-') && end + 1 < rest.size() &&
          std::isdigit(static_cast<unsigned char>(rest[end + 1]))) {
        std::size_t j = end + 1;
        while (j < rest.size() && std::isdigit(static_cast<unsigned char>(rest[j]))) {
          ++j;
        }
        int value = 0;
        auto [ptr, ec] = std::from_chars(rest.data() + end + 1, rest.data() + j, value);
        if (ec != std::errc()) {
          return std::nullopt;
        }
        out.symbol = std::string(rest.substr(0, end));
        out.steps = rest[end] == '-' ? -value : value;
        return out;
      }
    }
    return std::nullopt;
  };
  for (std::size_t at = 1; at < text.size(); ++at) {
    if (text[at] == '@') {
      if (auto r = try_rest(std::string_view(text).substr(at + 1), Relative{text.substr(0, at), {}, 0})) {
        return r;
      }
    }
  }
  return try_rest(text, Relative{});
}

// Python int() on a revision symbol: optional sign, digits (underscores between digits).
std::optional<long long> python_int(const std::string& text)
{
  std::string digits;
  std::string_view s = util::strip(text);
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      digits += s[i];
    } else if (s[i] == '_' && i > 0 && i + 1 < s.size()) {
      continue;
    } else {
      return std::nullopt;
    }
  }
  long long value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

} // namespace

// ---------------------------------------------------------------------------------------
// Building

GraphBuild RevisionGraph::build(std::vector<model::Revision> revisions)
{
  GraphBuild out;
  RevisionGraph& g = out.graph;
  auto& errors = out.errors;

  // Duplicate ids: Alembic warns and lets the later file win; we refuse, naming both.
  // One sort of the ids (file order among equals) finds the first file of each id.
  const std::size_t count = revisions.size();
  std::vector<std::uint32_t> by_id(count);
  for (std::size_t i = 0; i < count; ++i) {
    by_id[i] = static_cast<std::uint32_t>(i);
  }
  std::stable_sort(by_id.begin(), by_id.end(), [&](std::uint32_t a, std::uint32_t b) {
    return revisions[a].id < revisions[b].id;
  });
  std::vector<std::int64_t> first_of(count, -1); // the earlier file with the same id
  for (std::size_t k = 1; k < count; ++k) {
    const std::uint32_t prev = by_id[k - 1];
    if (revisions[by_id[k]].id == revisions[prev].id) {
      first_of[by_id[k]] = first_of[prev] >= 0 ? first_of[prev] : prev;
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (first_of[i] >= 0) {
      errors.push_back(duplicate_revision(revisions[i], revisions[first_of[i]]));
    } else if (revisions[i].id.find_first_of("@-+") != std::string::npos) {
      errors.push_back(illegal_revision_id(revisions[i]));
    }
  }
  // The graph keeps the vector it was given, without the duplicates; node ids follow.
  std::vector<NodeId> node_of(count, -1);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (first_of[i] >= 0) {
      continue;
    }
    if (kept != i) {
      revisions[kept] = std::move(revisions[i]);
    }
    node_of[i] = static_cast<NodeId>(kept++);
  }
  revisions.resize(kept);
  g.m_revisions = std::move(revisions);
  g.m_by_id.reserve(kept);
  for (std::uint32_t i : by_id) {
    if (node_of[i] >= 0) {
      g.m_by_id.emplace_back(g.m_revisions[node_of[i]].id, node_of[i]);
    }
  }

  g.m_nodes.resize(g.m_revisions.size());
  for (std::size_t i = 0; i < g.m_revisions.size(); ++i) {
    g.m_nodes[i].declared_base = g.m_revisions[i].down_revisions.empty();
  }

  // Branch labels share the namespace of revision ids (Alembic keeps both in one map).
  for (std::size_t i = 0; i < g.m_revisions.size(); ++i) {
    for (const auto& label : g.m_revisions[i].branch_labels) {
      NodeId owner = lookup(g.m_by_label, label);
      if (owner < 0) {
        owner = lookup(g.m_by_id, label);
      }
      if (owner >= 0) {
        errors.push_back(duplicate_branch_label(g.m_revisions[i], label, g.m_revisions[owner]));
        continue;
      }
      auto pos = std::lower_bound(g.m_by_label.begin(), g.m_by_label.end(), label,
                                  [](const auto& e, const std::string& k) { return e.first < k; });
      g.m_by_label.insert(pos, {label, static_cast<NodeId>(i)});
    }
  }

  for (std::size_t i = 0; i < g.m_revisions.size(); ++i) {
    // The revisions and their parent ids were written by whichever thread parsed the
    // file, so reading them here misses the cache: ask early for the revision 16 ahead
    // and for the parent ids of the one 8 ahead.
    if (i + 16 < g.m_revisions.size()) {
      __builtin_prefetch(&g.m_revisions[i + 16].down_revisions);
    }
    if (i + 8 < g.m_revisions.size()) {
      __builtin_prefetch(g.m_revisions[i + 8].down_revisions.data());
    }
    const model::Revision& rev = g.m_revisions[i];
    Node& node = g.m_nodes[i];
    for (const auto& parent : rev.down_revisions) {
      if (parent == rev.id) {
        errors.push_back(self_loop(rev));
        continue;
      }
      const NodeId p = lookup(g.m_by_id, parent);
      if (p < 0) {
        errors.push_back(unknown_parent(rev, parent, g.m_revisions));
        continue;
      }
      append_unique(node.down, p);
    }
    for (const auto& dep : rev.depends_on) {
      NodeId d = lookup(g.m_by_id, dep);
      if (d < 0) {
        d = lookup(g.m_by_label, dep);
      }
      if (d < 0) {
        errors.push_back(unknown_dependency(rev, dep, g.m_revisions));
        continue;
      }
      if (d == static_cast<NodeId>(i)) {
        errors.push_back(self_loop(rev));
        continue;
      }
      append_unique(node.deps, d);
    }
  }
  for (std::size_t i = 0; i < g.m_nodes.size(); ++i) {
    const auto id = static_cast<NodeId>(i);
    for (NodeId p : g.m_nodes[i].down) {
      append_unique(g.m_nodes[p].children, id);
      append_unique(g.m_nodes[p].all_children, id);
    }
    for (NodeId d : g.m_nodes[i].deps) {
      append_unique(g.m_nodes[d].all_children, id);
    }
  }

  if (auto cycle = find_cycle(g); !cycle.empty()) {
    errors.push_back(cycle_diagnostic(g, cycle));
    return out; // walks below assume a DAG
  }
  g.normalize_dependencies();
  g.propagate_labels();
  return out;
}

void RevisionGraph::normalize_dependencies()
{
  // A dependency that an ancestor already declares adds no ordering (Alembic's
  // _normalize_depends_on); the rest stay as extra "down" edges for walks.
  for (std::size_t i = 0; i < m_nodes.size(); ++i) {
    Node& node = m_nodes[i];
    if (node.deps.empty()) {
      continue;
    }
    const auto anc = ancestors({static_cast<NodeId>(i)}, false);
    std::vector<bool> covered(m_nodes.size(), false);
    for (std::size_t a = 0; a < m_nodes.size(); ++a) {
      if (anc[a] && a != i) {
        for (NodeId d : m_nodes[a].deps) {
          covered[d] = true;
        }
      }
    }
    for (NodeId d : node.deps) {
      if (!covered[d]) {
        node.normalized_deps.push_back(d);
      }
    }
  }
}

void RevisionGraph::propagate_labels()
{
  // Alembic's _add_branches: a label spreads to every descendant, then from the last
  // descendant it walks back down single-parent links until a branch point or merge
  // point, so a label declared mid-chain also names the chain below it:
  //   a -> b(lbl) -> c   gives   a (lbl), b (lbl), c (lbl)
  std::vector<std::set<std::string>> labels(m_nodes.size());
  for (std::size_t i = 0; i < m_nodes.size(); ++i) {
    labels[i].insert(m_revisions[i].branch_labels.begin(), m_revisions[i].branch_labels.end());
  }
  for (std::size_t i = 0; i < m_nodes.size(); ++i) {
    if (m_revisions[i].branch_labels.empty()) {
      continue;
    }
    const std::set<std::string> own = labels[i];
    std::vector<bool> seen(m_nodes.size(), false);
    std::vector<NodeId> stack = {static_cast<NodeId>(i)};
    NodeId last = static_cast<NodeId>(i);
    while (!stack.empty()) {
      const NodeId n = stack.back();
      stack.pop_back();
      if (seen[n]) {
        continue;
      }
      seen[n] = true;
      for (NodeId c : m_nodes[n].children) {
        stack.push_back(c);
      }
      labels[n].insert(own.begin(), own.end());
      last = n;
    }
    NodeId parent = last;
    while (!m_nodes[parent].is_real_branch_point() && !m_nodes[parent].is_merge_point()) {
      labels[parent].insert(own.begin(), own.end());
      if (m_nodes[parent].down.empty()) {
        break;
      }
      parent = m_nodes[parent].down.front();
    }
  }
  for (std::size_t i = 0; i < m_nodes.size(); ++i) {
    m_nodes[i].labels.assign(labels[i].begin(), labels[i].end());
  }
}

// ---------------------------------------------------------------------------------------
// Queries

NodeList RevisionGraph::select(bool (Node::*predicate)() const) const
{
  NodeList out;
  for (std::size_t i = 0; i < m_nodes.size(); ++i) {
    if ((m_nodes[i].*predicate)()) {
      out.push_back(static_cast<NodeId>(i));
    }
  }
  return out;
}

NodeList RevisionGraph::heads() const
{
  return select(&Node::is_head);
}

NodeList RevisionGraph::real_heads() const
{
  return select(&Node::is_real_head);
}

NodeList RevisionGraph::bases() const
{
  // Alembic's bases are revisions without down_revision, even when a parent is missing.
  return select(&Node::is_declared_base);
}

NodeId RevisionGraph::find(const std::string& id) const
{
  return lookup(m_by_id, id);
}

NodeId RevisionGraph::find_label(const std::string& label) const
{
  return lookup(m_by_label, label);
}

std::vector<bool> RevisionGraph::ancestors(const NodeList& targets, bool include_dependencies) const
{
  std::vector<bool> seen(m_nodes.size(), false);
  NodeList stack(targets.begin(), targets.end());
  while (!stack.empty()) {
    const NodeId n = stack.back();
    stack.pop_back();
    if (seen[n]) {
      continue;
    }
    seen[n] = true;
    for (NodeId p : m_nodes[n].down) {
      stack.push_back(p);
    }
    if (include_dependencies) {
      for (NodeId d : m_nodes[n].normalized_deps) {
        stack.push_back(d);
      }
    }
  }
  return seen;
}

std::vector<bool> RevisionGraph::descendants(const NodeList& targets,
                                             bool include_dependencies) const
{
  std::vector<bool> seen(m_nodes.size(), false);
  NodeList stack(targets.begin(), targets.end());
  while (!stack.empty()) {
    const NodeId n = stack.back();
    stack.pop_back();
    if (seen[n]) {
      continue;
    }
    seen[n] = true;
    const NodeList& next = include_dependencies ? m_nodes[n].all_children : m_nodes[n].children;
    stack.insert(stack.end(), next.begin(), next.end());
  }
  return seen;
}

NodeList RevisionGraph::topological_sort(const std::vector<bool>& members,
                                         const NodeList& heads) const
{
  // A faithful copy of Alembic's walk, because `history` order is part of the contract.
  std::vector<bool> todo = members;
  NodeList current;
  for (NodeId h : heads) {
    if (todo[h]) {
      append_unique(current, h);
    }
  }
  std::sort(current.begin(), current.end());
  std::vector<std::vector<bool>> ancestors_of;
  for (NodeId h : current) {
    ancestors_of.push_back(ancestors({h}, true));
  }
  auto normalized_down = [this](NodeId n) {
    NodeList out = m_nodes[n].down;
    for (NodeId d : m_nodes[n].normalized_deps) {
      append_unique(out, d);
    }
    return out;
  };

  NodeList output;
  std::size_t index = 0;
  while (!current.empty()) {
    const NodeId candidate = current[index];
    bool deferred = false;
    for (std::size_t other = 0; other < ancestors_of.size(); ++other) {
      if (other != index && ancestors_of[other][candidate]) {
        index = other; // another head still needs the candidate: walk that one first
        deferred = true;
        break;
      }
    }
    if (deferred) {
      continue;
    }
    if (todo[candidate]) {
      output.push_back(candidate);
      todo[candidate] = false;
    }
    NodeList to_add;
    for (NodeId r : normalized_down(candidate)) {
      if (todo[r] && std::find(current.begin(), current.end(), r) == current.end()) {
        to_add.push_back(r);
      }
    }
    if (to_add.empty()) {
      current.erase(current.begin() + static_cast<std::ptrdiff_t>(index));
      ancestors_of.erase(ancestors_of.begin() + static_cast<std::ptrdiff_t>(index));
      index = index > 0 ? index - 1 : 0;
    } else if (m_nodes[candidate].normalized_deps.empty() && m_nodes[candidate].down.size() == 1) {
      current[index] = to_add[0];
      ancestors_of[index][candidate] = false;
    } else {
      current[index] = to_add[0];
      ancestors_of[index] = ancestors({to_add[0]}, true);
      for (std::size_t k = 1; k < to_add.size(); ++k) {
        current.push_back(to_add[k]);
        ancestors_of.push_back(ancestors({to_add[k]}, true));
      }
    }
  }
  return output;
}

bool RevisionGraph::shares_lineage(NodeId a, const NodeList& others, bool include_dependencies) const
{
  if (others.empty()) {
    return true;
  }
  const auto down = ancestors({a}, include_dependencies);
  const auto up = descendants({a}, include_dependencies);
  return std::any_of(others.begin(), others.end(), [&](NodeId o) { return down[o] || up[o]; });
}

NodeList RevisionGraph::filter_for_lineage(const NodeList& targets,
                                           const std::string& check_against) const
{
  std::string label;
  auto ids = resolve_number(check_against, label);
  NodeList shares;
  if (!label.empty()) {
    if (auto b = revision_for_ident(label, "")) {
      shares.push_back(*b);
    }
  }
  if (ids && ids->size() == 1 && ids->front() == -2) {
    // A revision id, prefix or branch label rather than a symbol such as "heads".
    const auto at = check_against.find('@');
    const std::string ident = at == std::string::npos ? check_against : check_against.substr(at + 1);
    if (auto n = revision_for_ident(ident, "")) {
      shares.push_back(*n);
    }
  } else if (ids) {
    shares.insert(shares.end(), ids->begin(), ids->end());
  }
  NodeList out;
  for (NodeId t : targets) {
    if (shares_lineage(t, shares, false)) {
      out.push_back(t);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Resolution

Result<NodeList> RevisionGraph::resolve_number(const std::string& id_in, std::string& label) const
{
  std::string id = id_in;
  label.clear();
  if (const auto at = id.find('@'); at != std::string::npos) {
    label = id.substr(0, at);
    id = id.substr(at + 1);
  }
  if (id == "heads") {
    return label.empty() ? real_heads() : filter_for_lineage(heads(), label);
  }
  if (id == "head") {
    NodeList current = heads();
    if (!label.empty()) {
      current = filter_for_lineage(current, label);
    }
    if (current.size() > 1) {
      const std::string arg = label.empty() ? "head" : label + "@head";
      std::vector<std::string> ids;
      for (NodeId h : current) {
        ids.push_back(m_revisions[h].id);
      }
      return revision_error(fmt::format(
          "multiple head revisions are present for given argument '{}' ({}); please specify a "
          "specific target revision, '<branchname>@{}' to narrow to a specific head, or "
          "'heads' for all heads",
          arg, util::join(ids, ", "), arg));
    }
    return current;
  }
  if (id == "base" || id.empty()) {
    return NodeList{};
  }
  // Not a symbol: hand back a marker the callers resolve through revision_for_ident.
  return NodeList{-2};
}

Result<NodeId> RevisionGraph::resolve_branch(const std::string& label) const
{
  if (NodeId n = find_label(label); n >= 0) {
    return n;
  }
  if (NodeId n = find(label); n >= 0) {
    return n;
  }
  auto r = revision_for_ident(label, "");
  if (!r) {
    return revision_error(fmt::format("no such branch: '{}'", label));
  }
  return r;
}

Result<NodeId> RevisionGraph::revision_for_ident(const std::string& id,
                                                 const std::string& check_branch) const
{
  NodeId branch = -1;
  if (!check_branch.empty()) {
    auto b = resolve_branch(check_branch);
    if (!b) {
      return b.error();
    }
    branch = *b;
  }
  NodeId found = find(id);
  if (found < 0) {
    found = find_label(id);
  }
  if (found < 0) {
    // Partial ids: at least four characters, matched against ids and labels alike.
    NodeList matches;
    std::vector<std::string> names;
    auto consider = [&](const std::vector<std::pair<std::string, NodeId>>& table) {
      auto it = std::lower_bound(table.begin(), table.end(), id,
                                 [](const auto& e, const std::string& k) { return e.first < k; });
      for (; it != table.end() && it->first.starts_with(id); ++it) {
        if (it->first.size() > 3) {
          matches.push_back(it->second);
          names.push_back(it->first);
        }
      }
    };
    consider(m_by_id);
    consider(m_by_label);
    if (branch >= 0) {
      NodeList kept;
      std::vector<std::string> kept_names;
      for (std::size_t k = 0; k < matches.size(); ++k) {
        if (shares_lineage(matches[k], {branch}, false)) {
          kept.push_back(matches[k]);
          kept_names.push_back(names[k]);
        }
      }
      matches = kept;
      names = kept_names;
    }
    if (matches.empty()) {
      std::vector<std::string> all;
      for (const auto& [name, n] : m_by_id) {
        all.push_back(name);
      }
      const std::string near = util::closest_match(id, all);
      return model::make_error(
          fmt::format("can't locate revision identified by '{}'{}{}", id,
                      id.size() < 4 ? " (partial ids need at least four characters)" : "",
                      near.empty() ? "" : fmt::format("; did you mean '{}'?", near)),
          Error::Kind::not_found);
    }
    if (matches.size() > 1) {
      std::vector<std::string> quoted;
      for (const auto& n : names) {
        quoted.push_back("'" + n + "'");
      }
      return revision_error(fmt::format("ambiguous revision '{}': it is the prefix of {}", id,
                                        util::join(quoted, ", ")));
    }
    found = matches.front();
  }
  if (branch >= 0 && !shares_lineage(found, {branch}, false)) {
    return revision_error(
        fmt::format("revision {} is not a member of branch '{}'", m_revisions[found].id,
                    check_branch));
  }
  return found;
}

Result<NodeList> RevisionGraph::resolve(const std::string& target) const
{
  std::string label;
  auto ids = resolve_number(target, label);
  if (!ids) {
    return ids.error();
  }
  if (!(ids->size() == 1 && ids->front() == -2)) {
    return ids;
  }
  const std::string id = target.substr(target.find('@') == std::string::npos ? 0 : target.find('@') + 1);
  if (auto number = python_int(id); number && *number < 0) {
    // `-N` / `label@-N`: walk down from every head (of the branch).
    NodeList out;
    for (NodeId h : real_heads()) {
      const auto& labels = m_nodes[h].labels;
      if (!label.empty() && std::find(labels.begin(), labels.end(), label) == labels.end()) {
        continue;
      }
      auto r = step({h}, static_cast<int>(*number), "");
      if (!r) {
        return r.error();
      }
      out.insert(out.end(), r->begin(), r->end());
    }
    return out;
  }
  auto r = revision_for_ident(id, label);
  if (!r) {
    return r.error();
  }
  return NodeList{*r};
}

Result<NodeList> RevisionGraph::resolve_one(const std::string& target) const
{
  auto r = resolve(target);
  if (r && r->size() > 1) {
    std::vector<std::string> ids;
    for (NodeId n : *r) {
      ids.push_back(m_revisions[n].id);
    }
    return revision_error(fmt::format(
        "multiple head revisions are present for given argument '{}' ({}); please specify a "
        "specific target revision, '<branchname>@{}' to narrow to a specific head, or 'heads' "
        "for all heads",
        target, util::join(ids, ", "), target));
  }
  return r;
}

Result<NodeList> RevisionGraph::step(NodeList start, int steps, const std::string& branch_label) const
{
  // `start` empty means "nothing applied" (walking up begins at the bases). Walking down
  // past a base reaches base (an empty list); any further step is an overwalk.
  bool at_base = false;
  bool is_none = start.empty();
  NodeId current = is_none ? -1 : start.front();
  for (int i = 0; i < std::abs(steps); ++i) {
    NodeList next;
    if (steps > 0) {
      if (at_base) {
        return revision_error("walked too far");
      }
      next = is_none ? bases() : m_nodes[current].children;
      if (!branch_label.empty()) {
        next = filter_for_lineage(next, branch_label);
      }
    } else {
      if (at_base) {
        return revision_error("walked too far");
      }
      next = is_none ? heads() : m_nodes[current].down;
      if (next.empty()) {
        at_base = true;
        is_none = false;
        continue;
      }
    }
    if (next.empty()) {
      return revision_error(fmt::format("relative revision {}{} didn't produce {} migrations",
                                        steps > 0 ? "+" : "", steps, std::abs(steps)));
    }
    if (next.size() > 1) {
      return revision_error("ambiguous walk: the path branches here; name a revision instead");
    }
    current = next.front();
    is_none = false;
  }
  if (at_base || is_none) {
    return NodeList{};
  }
  return NodeList{current};
}

Result<NodeList> RevisionGraph::upgrade_targets(const std::string& target,
                                                const NodeList& current) const
{
  const auto relative = parse_relative(target);
  if (!relative) {
    return resolve(target);
  }
  const auto& [label, symbol, steps] = *relative;
  if (steps > 0) {
    if (symbol.empty()) {
      NodeList start = current;
      if (!label.empty()) {
        start = filter_for_lineage(current, label);
        if (start.empty() && !current.empty()) {
          // The branch is not among the current heads: start from its tip below them.
          const auto active = ancestors(current, true);
          NodeList on_branch;
          for (std::size_t n = 0; n < m_nodes.size(); ++n) {
            if (active[n]) {
              on_branch.push_back(static_cast<NodeId>(n));
            }
          }
          on_branch = filter_for_lineage(on_branch, label);
          std::vector<bool> is_parent(m_nodes.size(), false);
          for (NodeId n : on_branch) {
            for (NodeId p : m_nodes[n].down) {
              is_parent[p] = true;
            }
            for (NodeId p : m_nodes[n].normalized_deps) {
              is_parent[p] = true;
            }
          }
          NodeList tips;
          for (NodeId n : on_branch) {
            if (!is_parent[n]) {
              tips.push_back(n);
            }
          }
          start = tips;
        }
      }
      if (start.size() > 1) {
        return revision_error("ambiguous upgrade from multiple current revisions");
      }
      auto r = step(start, steps, label);
      if (!r) {
        return r.error();
      }
      if (r->empty()) {
        return revision_error(fmt::format("relative revision +{} didn't produce {} migrations",
                                          steps, steps));
      }
      return r;
    }
    auto from = resolve_one(symbol);
    if (!from) {
      return from.error();
    }
    return step(*from, steps, label);
  }
  if (symbol.empty()) {
    return revision_error(fmt::format("relative revision {} didn't produce {} migrations", steps,
                                      -steps));
  }
  auto from = resolve_one(label.empty() ? symbol : label + "@" + symbol);
  if (!from) {
    return from.error();
  }
  return step(*from, steps, "");
}

Result<NodeList> RevisionGraph::walk(const std::string& lower, const std::string& upper,
                                     bool inclusive) const
{
  auto current = resolve(lower);
  if (!current) {
    return current.error();
  }
  auto targets = upgrade_targets(upper, *current);
  if (!targets) {
    return targets.error();
  }
  return walk(*current, std::move(*targets), lower, upper, inclusive);
}

Result<NodeList> RevisionGraph::walk(const NodeList& lower_nodes, NodeList targets,
                                     const std::string& lower, const std::string& upper,
                                     bool inclusive) const
{
  const NodeList* current = &lower_nodes;
  if (const auto at = lower.find('@'); at != std::string::npos) {
    // `label@...` as the lower bound keeps only targets on that branch.
    std::string branch = lower.substr(0, at);
    if (NodeId b = find(branch); b >= 0 && m_nodes[b].labels.size() == 1) {
      branch = m_nodes[b].labels.front();
    }
    NodeList kept;
    for (NodeId t : targets) {
      const auto& labels = m_nodes[t].labels;
      if (std::find(labels.begin(), labels.end(), branch) != labels.end()) {
        kept.push_back(t);
      }
    }
    targets = kept;
  }

  // Alembic refuses targets that are ancestors of one another ("overlaps"), checked in
  // its traversal order.
  std::vector<bool> seen(m_nodes.size(), false);
  for (NodeId t : targets) {
    NodeList stack = {t};
    while (!stack.empty()) {
      const NodeId n = stack.back();
      stack.pop_back();
      if (n != t && std::find(targets.begin(), targets.end(), n) != targets.end()) {
        return revision_error(fmt::format("requested revision {} overlaps with other requested "
                                          "revisions {}",
                                          m_revisions[t].id, m_revisions[n].id));
      }
      if (seen[n]) {
        continue;
      }
      seen[n] = true;
      for (NodeId p : m_nodes[n].down) {
        stack.push_back(p);
      }
      for (NodeId p : m_nodes[n].normalized_deps) {
        stack.push_back(p);
      }
    }
  }
  std::vector<bool> required = ancestors(targets, true);
  for (NodeId c : *current) {
    if (!required[c]) {
      return revision_error(fmt::format(
          "requested range {}:{} does not refer to ancestor/descendant revisions along the "
          "same branch",
          lower, upper));
    }
  }
  const std::vector<bool> applied = ancestors(*current, true);
  std::vector<bool> needs(m_nodes.size(), false);
  for (std::size_t n = 0; n < m_nodes.size(); ++n) {
    needs[n] = required[n] && !applied[n];
  }
  if (inclusive) {
    for (NodeId c : *current) {
      needs[c] = true;
    }
  }
  if (!current->empty()) {
    const auto below = descendants(*current, false);
    for (std::size_t n = 0; n < m_nodes.size(); ++n) {
      needs[n] = needs[n] && below[n];
    }
  }
  return topological_sort(needs, targets);
}

std::optional<RelativeTarget> parse_relative_target(const std::string& text)
{
  auto r = parse_relative(text);
  if (!r) {
    return std::nullopt;
  }
  return RelativeTarget{r->branch_label, r->symbol, r->steps};
}

} // namespace miglint::graph

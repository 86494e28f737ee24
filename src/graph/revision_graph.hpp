// The revision graph, with Alembic's semantics: heads, bases, branch points, merge points,
// branch-label propagation, depends_on, and the walk order `alembic history` uses.
// Nodes are indices into revisions(), in file-listing order (the order Alembic's map keeps).
#pragma once

#include "model/diagnostic.hpp"
#include "model/result.hpp"
#include "model/revision.hpp"

#include <optional>
#include <string>
#include <vector>

namespace miglint::graph {

using NodeId = int;
using NodeList = std::vector<NodeId>;

struct Node {
  NodeList down;            // versioned parents (down_revision), written order
  NodeList deps;            // depends_on, resolved to revisions, written order
  NodeList normalized_deps; // deps that no ancestor already depends on
  NodeList children;        // revisions naming this one in down_revision
  NodeList all_children;    // children plus revisions that depend on this one
  std::vector<std::string> labels; // branch labels after propagation, sorted

  bool is_head() const { return children.empty(); }          // no versioned child
  bool is_real_head() const { return all_children.empty(); } // nothing depends on it either
  bool is_branch_point() const { return children.size() > 1; }
  bool is_real_branch_point() const { return all_children.size() > 1; }
  bool is_merge_point() const { return down.size() > 1; }
  bool is_base() const { return down.empty(); }
  bool declared_base = false; // no down_revision written (a parent may still be unknown)
  bool is_declared_base() const { return declared_base; }
};

class RevisionGraph;

// The outcome of building a graph: the graph is usable only when `errors` is empty.
// Problems that make the graph unusable (unknown parent, cycle, duplicate id, duplicate
// label, unknown dependency) are Diagnostics with the file and line of the culprit.
struct GraphBuild;

class RevisionGraph {
public:
  // Builds the graph from revisions in file-listing order. Never throws.
  static GraphBuild build(std::vector<model::Revision> revisions);

  const std::vector<model::Revision>& revisions() const { return m_revisions; }
  const std::vector<Node>& nodes() const { return m_nodes; }
  const Node& node(NodeId id) const { return m_nodes[id]; }
  const model::Revision& rev(NodeId id) const { return m_revisions[id]; }
  std::size_t size() const { return m_nodes.size(); }

  // Revisions with no versioned child (what `alembic heads` lists), in map order.
  NodeList heads() const;
  // Revisions nothing depends on (Alembic's `_real_heads`, what "heads" resolves to).
  NodeList real_heads() const;
  NodeList bases() const;

  // Exact id lookup; -1 when absent.
  NodeId find(const std::string& id) const;

  // Ancestors (including the targets) following down_revision and, with
  // include_dependencies, the normalized dependencies.
  std::vector<bool> ancestors(const NodeList& targets, bool include_dependencies) const;
  std::vector<bool> descendants(const NodeList& targets, bool include_dependencies) const;

  // Alembic's topological sort: newest first, heads walked in map order, each branch
  // followed down until another head still needs the candidate.
  NodeList topological_sort(const std::vector<bool>& members, const NodeList& heads) const;

  // --- target resolution, as Alembic's RevisionMap ---------------------------------
  // get_revisions(): a symbol to zero or more revisions ("heads", "head", "base",
  // ids and unique prefixes of 4+ characters, branch labels, "label@head", "-N").
  model::Result<NodeList> resolve(const std::string& target) const;
  // get_revision(): like resolve() but exactly zero or one revision (base -> empty).
  model::Result<NodeList> resolve_one(const std::string& target) const;
  // Parses upgrade targets, relative forms included (`+2`, `ae10+1`, `label@+1`),
  // relative to `current` (the database's heads; empty = base).
  model::Result<NodeList> upgrade_targets(const std::string& target, const NodeList& current) const;
  // The revisions `history -r lower:upper` (and upgrade) would walk, newest first.
  model::Result<NodeList> walk(const std::string& lower, const std::string& upper,
                               bool inclusive) const;
  // The same walk with bounds already resolved (`history -r current:` resolves `current`
  // through the database); `lower` and `upper` only name the range in messages.
  model::Result<NodeList> walk(const NodeList& lower_nodes, NodeList targets,
                               const std::string& lower, const std::string& upper,
                               bool inclusive) const;
  // Steps from `start` up (steps > 0, children) or down (steps < 0, parents); -1 = base
  // is returned as an empty list. Error "Ambiguous walk" / "walked too far".
  model::Result<NodeList> step(NodeList start, int steps, const std::string& branch_label) const;

  // Whether `a` and any of `others` share lineage (one is an ancestor of the other).
  bool shares_lineage(NodeId a, const NodeList& others, bool include_dependencies) const;
  NodeList filter_for_lineage(const NodeList& targets, const std::string& check_against) const;
  // Revision by branch label; -1 when no revision declares it.
  NodeId find_label(const std::string& label) const;

private:
  NodeList select(bool (Node::*predicate)() const) const;
  model::Result<NodeList> resolve_number(const std::string& id, std::string& branch_label) const;
  model::Result<NodeId> revision_for_ident(const std::string& id,
                                           const std::string& check_branch) const;
  model::Result<NodeId> resolve_branch(const std::string& label) const;
  void propagate_labels();
  void normalize_dependencies();

  std::vector<model::Revision> m_revisions;
  std::vector<Node> m_nodes;
  std::vector<std::pair<std::string, NodeId>> m_by_id;    // sorted by id
  std::vector<std::pair<std::string, NodeId>> m_by_label; // sorted by label
};

// A relative target as Alembic's `_relative_destination` reads it:
// `[LABEL@][SYMBOL](+|-)N`, e.g. `-1`, `+2`, `ae10+1`, `core@-1`.
struct RelativeTarget {
  std::string branch_label;
  std::string symbol;
  int steps = 0;
};
std::optional<RelativeTarget> parse_relative_target(const std::string& text);

struct GraphBuild {
  RevisionGraph graph;
  std::vector<model::Diagnostic> errors;
};

} // namespace miglint::graph

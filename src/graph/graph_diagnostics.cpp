#include "graph/graph_diagnostics.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>

namespace miglint::graph {

namespace {

model::Diagnostic make(const char* code, const char* rule, const model::Revision& rev,
                       model::Span span, std::string message)
{
  model::Diagnostic d;
  d.code = code;
  d.rule = rule;
  d.severity = model::Severity::error;
  d.message = std::move(message);
  d.at = model::Location::in(rev.file, span);
  d.revision = rev.id;
  return d;
}

// `with_labels`: depends_on may also name a branch label, so a mistyped label is likely.
std::string suggestion(const std::string& missing, const std::vector<model::Revision>& all,
                       bool with_labels = false)
{
  std::vector<std::string> ids;
  ids.reserve(all.size());
  for (const auto& r : all) {
    ids.push_back(r.id);
  }
  std::vector<std::string> names = ids;
  if (with_labels) {
    for (const auto& r : all) {
      names.insert(names.end(), r.branch_labels.begin(), r.branch_labels.end());
    }
  }
  // A truncated or mistyped id is the usual cause; prefer a prefix match.
  for (const auto& id : ids) {
    if (missing.size() >= 4 && id.starts_with(missing)) {
      return fmt::format("; did you mean '{}'?", id);
    }
  }
  const std::string near = util::closest_match(missing, names);
  return near.empty() ? std::string() : fmt::format("; did you mean '{}'?", near);
}

} // namespace

model::Diagnostic duplicate_revision(const model::Revision& rev, const model::Revision& first)
{
  auto d = make("MG004", "duplicate-revision", rev, rev.id_span,
                fmt::format("revision id '{}' is also used by {}", rev.id, first.path()));
  d.notes.push_back({model::Location::in(first.file, first.id_span), "first defined here"});
  return d;
}

model::Diagnostic illegal_revision_id(const model::Revision& rev)
{
  std::string found;
  for (const char c : std::string_view("@-+")) {
    if (rev.id.find(c) != std::string::npos) {
      found += fmt::format("{}'{}'", found.empty() ? "" : ", ", c);
    }
  }
  return make("MG009", "invalid-revision-id", rev, rev.id_span,
              fmt::format("revision id '{}' contains {}, which Alembic does not allow in a "
                          "revision id (it reads '@', '-' and '+' as part of a target such as "
                          "'label@head' or 'abc+1')",
                          rev.id, found));
}

model::Diagnostic duplicate_branch_label(const model::Revision& rev, const std::string& label,
                                         const model::Revision& owner)
{
  auto d = make("MG006", "duplicate-branch-label", rev, rev.labels_span,
                fmt::format("branch label '{}' of revision {} is already used by revision {}",
                            label, rev.id, owner.id));
  d.notes.push_back({model::Location::in(owner.file, owner.labels_span.end > 0 ? owner.labels_span
                                                                               : owner.id_span),
                     fmt::format("revision {} declares '{}' here", owner.id, label)});
  return d;
}

model::Diagnostic self_loop(const model::Revision& rev)
{
  return make("MG002", "cycle", rev, rev.down_span,
              fmt::format("revision cycle: {} -> {} (it names itself as its parent)", rev.id,
                          rev.id));
}

// The revision the docstring's `Revises:` line names in place of `parent`, when it
// exists: a down_revision mistyped in the code while the docstring kept the right id.
std::optional<std::string> docstring_parent(const model::Revision& rev, const std::string& parent,
                                            const std::vector<model::Revision>& all)
{
  if (!rev.header_revises) {
    return std::nullopt;
  }
  for (const auto& named : *rev.header_revises) {
    const auto& downs = rev.down_revisions;
    if (named == parent || std::find(downs.begin(), downs.end(), named) != downs.end()) {
      continue;
    }
    const bool exists = std::any_of(all.begin(), all.end(),
                                    [&](const model::Revision& r) { return r.id == named; });
    if (exists) {
      return named;
    }
  }
  return std::nullopt;
}

model::Diagnostic unknown_parent(const model::Revision& rev, const std::string& parent,
                                 const std::vector<model::Revision>& all)
{
  const auto named = docstring_parent(rev, parent, all);
  const std::string hint =
      named ? fmt::format("; did you mean '{}', as the docstring's 'Revises:' line says?", *named)
            : suggestion(parent, all);
  return make("MG003", "unknown-parent", rev, rev.down_span,
              fmt::format("revision {} revises '{}', which is not in the versions directory{}",
                          rev.id, parent, hint));
}

model::Diagnostic unknown_dependency(const model::Revision& rev, const std::string& dependency,
                                     const std::vector<model::Revision>& all)
{
  return make("MG005", "unknown-dependency", rev, rev.depends_span,
              fmt::format("revision {} depends on '{}', which is neither a revision nor a branch "
                          "label{}",
                          rev.id, dependency, suggestion(dependency, all, true)));
}

NodeList find_cycle(const RevisionGraph& graph)
{
  // Iterative three-colour DFS over parent edges (down_revision and depends_on), so a
  // 100,000-revision chain cannot overflow the stack.
  const std::size_t n = graph.size();
  std::vector<char> colour(n, 0); // 0 new, 1 on the path, 2 done
  std::vector<NodeId> parent_of(n, -1);
  std::vector<std::pair<NodeId, std::size_t>> stack; // one allocation for every walk
  for (std::size_t root = 0; root < n; ++root) {
    if (colour[root] != 0) {
      continue;
    }
    stack.assign(1, {static_cast<NodeId>(root), 0});
    colour[root] = 1;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      const Node& nd = graph.node(node);
      const std::size_t edges = nd.down.size() + nd.deps.size();
      if (next == edges) {
        colour[node] = 2;
        stack.pop_back();
        continue;
      }
      const NodeId to = next < nd.down.size() ? nd.down[next] : nd.deps[next - nd.down.size()];
      ++next;
      if (colour[to] == 1) {
        NodeList cycle;
        for (NodeId at = node; at != to; at = parent_of[at]) {
          cycle.push_back(at);
        }
        cycle.push_back(to);
        std::reverse(cycle.begin(), cycle.end());
        return cycle;
      }
      if (colour[to] == 0) {
        colour[to] = 1;
        parent_of[to] = node;
        stack.push_back({to, 0});
      }
    }
  }
  return {};
}

model::Diagnostic cycle_diagnostic(const RevisionGraph& graph, const NodeList& cycle)
{
  // cycle = [a, b, c] means a revises b, b revises c, c revises a: point at c's
  // down_revision, the link that closes it.
  std::vector<std::string> ids;
  for (NodeId n : cycle) {
    ids.push_back(graph.rev(n).id);
  }
  ids.push_back(graph.rev(cycle.front()).id);
  const model::Revision& closer = graph.rev(cycle.back());
  auto d = make("MG002", "cycle", closer, closer.down_span,
                fmt::format("revision cycle: {}", util::join(ids, " -> ")));
  for (std::size_t i = 0; i + 1 < cycle.size(); ++i) {
    const model::Revision& r = graph.rev(cycle[i]);
    d.notes.push_back({model::Location::in(r.file, r.down_span),
                       fmt::format("{} revises {} here", r.id, graph.rev(cycle[i + 1]).id)});
  }
  return d;
}

} // namespace miglint::graph

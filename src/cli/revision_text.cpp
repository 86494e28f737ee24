#include "cli/revision_text.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace miglint::cli {

namespace {

// Python's str.splitlines() for the separators a docstring can hold.
std::vector<std::string> split_lines(const std::string& text)
{
  std::vector<std::string> lines;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '\x1c' || c == '\x1d' ||
        c == '\x1e') {
      lines.push_back(current);
      current.clear();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
      continue;
    }
    current += c;
  }
  if (!current.empty()) {
    lines.push_back(current);
  }
  return lines;
}

std::vector<std::string> ids_of(const graph::RevisionGraph& graph, const graph::NodeList& nodes)
{
  std::vector<std::string> ids;
  for (graph::NodeId n : nodes) {
    ids.push_back(graph.rev(n).id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

} // namespace

std::string format_down(const model::Revision& rev)
{
  return rev.down_revisions.empty() ? "<base>" : util::join(rev.down_revisions, ", ");
}

std::string revision_line(const graph::RevisionGraph& graph, graph::NodeId id,
                          const LineStyle& style)
{
  const graph::Node& node = graph.node(id);
  const model::Revision& rev = graph.rev(id);
  std::string text = rev.id;
  if (style.include_parents) {
    text = rev.depends_on.empty()
               ? fmt::format("{} -> {}", format_down(rev), text)
               : fmt::format("{} ({}) -> {}", format_down(rev), util::join(rev.depends_on, ", "),
                             text);
  }
  if (style.include_branches && !node.labels.empty()) {
    text += fmt::format(" ({})", util::join(node.labels, ", "));
  }
  if (node.is_real_head()) {
    text += " (head)";
  } else if (node.is_head()) {
    text += " (effective head)";
  }
  if (style.current) {
    text += " (current)";
  }
  if (style.tree_indicators) {
    if (node.is_branch_point()) {
      text += " (branchpoint)";
    }
    if (node.is_merge_point()) {
      text += " (mergepoint)";
    }
  }
  if (style.include_doc) {
    text += ", " + rev.message();
  }
  return text;
}

std::string revision_block(const graph::RevisionGraph& graph, graph::NodeId id, bool current,
                           const std::filesystem::path& cwd, const std::string& commit)
{
  const graph::Node& node = graph.node(id);
  const model::Revision& rev = graph.rev(id);
  std::string out = fmt::format("Rev: {}{}{}{}{}\n", rev.id, node.is_head() ? " (head)" : "",
                                node.is_branch_point() ? " (branchpoint)" : "",
                                node.is_merge_point() ? " (mergepoint)" : "",
                                current ? " (current)" : "");
  out += fmt::format("{}: {}\n", node.is_merge_point() ? "Merges" : "Parent", format_down(rev));
  if (!rev.depends_on.empty()) {
    out += fmt::format("Also depends on: {}\n", util::join(rev.depends_on, ", "));
  }
  if (node.is_branch_point()) {
    out += fmt::format("Branches into: {}\n", util::join(ids_of(graph, node.children), ", "));
  }
  if (!node.labels.empty()) {
    out += fmt::format("Branch names: {}\n", util::join(node.labels, ", "));
  }
  out += fmt::format("Path: {}\n", (cwd / rev.path()).lexically_normal().string());
  if (!commit.empty()) {
    out += fmt::format("Commit: {}\n", commit);
  }
  std::vector<std::string> lines;
  for (const auto& line : split_lines(rev.long_doc())) {
    lines.push_back("    " + line);
  }
  out += fmt::format("\n{}\n", util::join(lines, "\n"));
  return out;
}

} // namespace miglint::cli

// `miglint branches`: every branch point and its children, as `alembic branches`.
#include "cli/commands.hpp"
#include "cli/revision_text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <memory>

namespace miglint::cli {

namespace {

struct BranchesOptions {
  bool verbose = false;
};

int run_branches(const GlobalOptions& global, const BranchesOptions& options)
{
  auto ws = open_workspace(global, nullptr, readers::ReadMode::graph);
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  if (!require_sound_graph(*ws)) {
    return 2;
  }
  const auto& graph = ws->graph();
  auto walk = graph.walk("base", "heads", true);
  if (!walk) {
    return usage_failure(walk.error().message);
  }
  std::string out;
  for (graph::NodeId n : *walk) {
    const graph::Node& node = graph.node(n);
    if (!node.is_branch_point()) {
      continue;
    }
    LineStyle head_style;
    head_style.include_branches = true;
    out += options.verbose ? revision_block(graph, n, false, ws->project.cwd)
                           : revision_line(graph, n, head_style);
    out += "\n";
    graph::NodeList children = node.children;
    std::sort(children.begin(), children.end(),
              [&](auto a, auto b) { return graph.rev(a).id < graph.rev(b).id; });
    const std::string indent(graph.rev(n).id.size(), ' ');
    for (std::size_t i = 0; i < children.size(); ++i) {
      LineStyle child_style;
      child_style.include_branches = true;
      child_style.include_doc = options.verbose;
      out += fmt::format("{}{} -> {}", i ? "\n" : "", indent,
                         revision_line(graph, children[i], child_style));
    }
    out += "\n\n";
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

} // namespace

void add_branches_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<BranchesOptions>();
  auto* sub = app.add_subcommand("branches", "Show branch points of the revision graph");
  sub->add_flag("-v,--verbose", options->verbose, "Show each branch point in full");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_branches(global, *options); };
  });
}

} // namespace miglint::cli

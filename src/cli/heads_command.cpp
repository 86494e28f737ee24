// `miglint heads`: one line per head, as `alembic heads` prints them.
#include "cli/base_comparison.hpp"
#include "cli/commands.hpp"
#include "cli/revision_text.hpp"

#include <fmt/format.h>
#include <memory>

namespace miglint::cli {

namespace {

struct HeadsOptions {
  bool verbose = false;
  bool resolve_dependencies = false;
};

int run_heads(const GlobalOptions& global, const HeadsOptions& options)
{
  auto ws = open_workspace(global, nullptr, readers::ReadMode::graph);
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  if (!require_sound_graph(*ws)) {
    return 2;
  }
  const auto& graph = ws->graph();
  // Verbose blocks name the commit that introduced each file (inside a git repository).
  std::map<std::string, std::string> commits;
  if (options.verbose) {
    auto lines = introduction_lines(*ws);
    if (!lines) {
      return usage_failure(lines.error().message);
    }
    commits = std::move(*lines);
  }
  std::string out;
  const auto heads = options.resolve_dependencies ? graph.real_heads() : graph.heads();
  for (graph::NodeId h : heads) {
    if (options.verbose) {
      out += revision_block(graph, h, false, ws->project.cwd, commits[graph.rev(h).path()]) + "\n";
    } else {
      LineStyle style;
      style.include_branches = true;
      style.tree_indicators = false;
      out += revision_line(graph, h, style) + "\n";
    }
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

} // namespace

void add_heads_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<HeadsOptions>();
  auto* sub = app.add_subcommand("heads", "Show the current heads of the revision graph");
  sub->add_flag("-v,--verbose", options->verbose, "Show each head in full");
  sub->add_flag("--resolve-dependencies", options->resolve_dependencies,
                "Treat depends_on as down revisions (hide effective heads)");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_heads(global, *options); };
  });
}

} // namespace miglint::cli

// `miglint current [--db URL] [--verbose]`: the revisions the database is at, as
// `alembic current` prints them (applied branch heads, one per line).
#include "cli/commands.hpp"
#include "cli/database_access.hpp"
#include "cli/revision_text.hpp"
#include "graph/planner.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <memory>

namespace miglint::cli {

namespace {

struct CurrentOptions {
  std::optional<std::string> db;
  bool verbose = false;
};

int run_current(const GlobalOptions& global, const CurrentOptions& options)
{
  auto ws = open_workspace(global);
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  if (!require_sound_graph(*ws)) {
    return 2;
  }
  const auto& graph = ws->graph();
  auto target = choose_database(*ws, options.db);
  if (!target) {
    return fail(target.error().message, 2);
  }
  auto db = open_migration_target(*target, true, sqlite::k_default_busy_timeout_ms);
  if (!db) {
    return fail(db.error().message, 2);
  }
  auto rows = read_version_rows(**db);
  if (!rows) {
    return fail(rows.error().message, 2);
  }
  auto nodes = graph::current_nodes(graph, *rows);
  if (!nodes) {
    return fail(fmt::format("{}: {}", target->display(), nodes.error().message), 2);
  }
  std::string out;
  if (options.verbose) {
    out += fmt::format("Current revision(s) for {}:\n", target->url);
  }
  for (graph::NodeId n : graph::current_branch_heads(graph, *nodes)) {
    if (options.verbose) {
      out += revision_block(graph, n, false, ws->project.cwd) + "\n";
    } else {
      out += revision_line(graph, n, LineStyle{}) + "\n";
    }
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

} // namespace

void add_current_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<CurrentOptions>();
  auto* sub = app.add_subcommand("current", "Show the revisions the database is at");
  sub->add_option("--db", options->db, "Database path or sqlite:/// URL")->option_text("URL");
  sub->add_flag("-v,--verbose", options->verbose, "Show each revision in full");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_current(global, *options); };
  });
}

} // namespace miglint::cli

// `miglint history [-r A:B] [--verbose]`: newest first, exactly as `alembic history`.
#include "cli/base_comparison.hpp"
#include "cli/commands.hpp"
#include "cli/database_access.hpp"
#include "cli/revision_text.hpp"
#include "graph/planner.hpp"

#include <fmt/format.h>
#include <memory>

namespace miglint::cli {

namespace {

struct HistoryOptions {
  std::string range;
  bool verbose = false;
  std::optional<std::string> db; // marks the revisions the database is at
  bool indicate_current = false;
};

int run_history(const GlobalOptions& global, const HistoryOptions& options)
{
  std::string lower = "base";
  std::string upper = "heads";
  if (!options.range.empty()) {
    const auto colon = options.range.find(':');
    if (colon == std::string::npos) {
      return usage_failure("history range requires [start]:[end], [start]:, or :[end]");
    }
    if (colon > 0) {
      lower = options.range.substr(0, colon);
    }
    if (colon + 1 < options.range.size()) {
      upper = options.range.substr(colon + 1);
    }
  }
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
  // The database is read for the markers, and for `current` as a bound of the range
  // (`-r current:`, `-r base:current`), as `alembic history` runs its environment then.
  const bool range_uses_db = lower == "current" || upper == "current";
  std::vector<std::string> current;
  if (options.db || options.indicate_current || range_uses_db) {
    auto target = choose_database(*ws, options.db);
    if (!target) {
      return fail(target.error().message, 2);
    }
    auto db = open_migration_target(*target, true, sqlite::k_default_busy_timeout_ms);
    auto rows = db ? read_version_rows(**db) : db.error();
    if (!rows) {
      return fail(rows.error().message, 2);
    }
    current = std::move(*rows);
  }
  const bool mark_current = options.db || options.indicate_current;
  auto at_db = graph::current_nodes(graph, current);
  if (!at_db) {
    return fail(at_db.error().message, 2);
  }
  // As in Alembic, `current:current` substitutes the upper bound only (and then fails).
  auto lower_nodes = lower == "current" && upper != "current" ? model::Result<graph::NodeList>(*at_db)
                                                              : graph.resolve(lower);
  if (!lower_nodes) {
    return usage_failure(lower_nodes.error().message);
  }
  // An empty database as the upper bound walks to the heads, as Alembic does.
  auto targets = upper == "current" && !at_db->empty()
                     ? model::Result<graph::NodeList>(*at_db)
                     : graph.upgrade_targets(upper == "current" ? "heads" : upper, *lower_nodes);
  if (!targets) {
    return usage_failure(targets.error().message);
  }
  auto walk = graph.walk(*lower_nodes, std::move(*targets), lower, upper, true);
  if (!walk) {
    return usage_failure(walk.error().message);
  }
  std::string out;
  for (graph::NodeId n : *walk) {
    const bool is_current = mark_current && std::find(current.begin(), current.end(),
                                                      graph.rev(n).id) != current.end();
    if (options.verbose) {
      out += revision_block(graph, n, is_current, ws->project.cwd, commits[graph.rev(n).path()]) + "\n";
    } else {
      LineStyle style;
      style.include_branches = true;
      style.include_doc = true;
      style.include_parents = true;
      style.current = is_current;
      out += revision_line(graph, n, style) + "\n";
    }
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

} // namespace

void add_history_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<HistoryOptions>();
  auto* sub = app.add_subcommand("history", "List revisions, newest first");
  sub->add_option("-r,--rev-range", options->range,
                  "Range [start]:[end], [start]: or :[end]; `current` is the database's revision")
      ->option_text("A:B");
  sub->add_flag("-v,--verbose", options->verbose, "Show each revision in full");
  sub->add_option("--db", options->db, "Mark the revisions this database is at (current)")
      ->option_text("URL");
  sub->add_flag("-i,--indicate-current", options->indicate_current,
                "Mark the current revisions (database from --db or the environment)");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_history(global, *options); };
  });
}

} // namespace miglint::cli

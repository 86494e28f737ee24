// `miglint stamp REV... [--db URL] [--purge] [--sql]`: sets the version rows without
// running migrations, as `alembic stamp`.
#include "cli/commands.hpp"
#include "cli/database_access.hpp"
#include "engine/migrator.hpp"
#include "graph/planner.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <memory>

namespace miglint::cli {

namespace {

struct StampOptions {
  std::vector<std::string> revisions;
  std::optional<std::string> db;
  bool purge = false;
  bool sql = false;
  bool quiet = false;
};

int run_stamp(const GlobalOptions& global, const StampOptions& options)
{
  auto ws = open_workspace(global);
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  if (!require_sound_graph(*ws)) {
    return 2;
  }
  const auto& graph = ws->graph();
  engine::MigrateOptions migrate;
  migrate.log = [&](const std::string& line) { log_info(line, options.quiet); };
  if (options.sql) {
    if (options.purge) {
      return fail("can't use --purge with --sql mode", 2);
    }
    auto dialect = offline_dialect(*ws, options.db);
    if (!dialect) {
      return fail(dialect.error().message, 2);
    }
    migrate.dialect = *dialect;
    std::vector<std::string> start;
    std::vector<std::string> targets;
    for (const auto& r : options.revisions) {
      if (const auto colon = r.find(':'); colon != std::string::npos) {
        auto from = graph.resolve(r.substr(0, colon));
        if (!from) {
          return fail(from.error().message, 1);
        }
        for (graph::NodeId n : *from) {
          start.push_back(graph.rev(n).id);
        }
        targets.push_back(r.substr(colon + 1));
      } else {
        targets.push_back(r);
      }
    }
    std::sort(start.begin(), start.end());
    auto plan = graph::plan_stamp(graph, start, targets, false);
    if (!plan) {
      return fail(plan.error().message, 1);
    }
    auto script = engine::render_script(graph, *plan, migrate);
    if (!script) {
      return fail(script.error().message, 1);
    }
    std::fwrite(script->data(), 1, script->size(), stdout);
    return 0;
  }
  auto target = choose_database(*ws, options.db);
  if (!target) {
    return fail(target.error().message, 2);
  }
  auto db = open_migration_target(*target, false, k_migration_busy_timeout_ms);
  if (!db) {
    return fail(db.error().message, 2);
  }
  auto rows = read_version_rows(**db);
  if (!rows) {
    return fail(rows.error().message, 2);
  }
  if (!options.purge) {
    if (auto known = graph::current_nodes(graph, *rows); !known) {
      return fail(fmt::format("{}: {} (stamp --purge replaces the rows)", target->display(),
                              known.error().message),
                  2);
    }
  }
  auto plan = graph::plan_stamp(graph, *rows, options.revisions, options.purge);
  if (!plan) {
    return fail(plan.error().message, 1);
  }
  auto done = engine::apply_stamp(graph, **db, *plan, migrate);
  if (!done) {
    return fail(done.error().message, 1);
  }
  return 0;
}

} // namespace

void add_stamp_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<StampOptions>();
  auto* sub = app.add_subcommand("stamp", "Set the database's revision without migrating");
  sub->add_option("revisions", options->revisions, "heads, base, REV or label (one or more)")
      ->option_text("REV...")
      ->required();
  sub->add_option("--db", options->db, "Database path or sqlite:/// URL")->option_text("URL");
  sub->add_flag("--purge", options->purge, "Delete every version row before stamping");
  sub->add_flag("--sql", options->sql, "Print the SQL instead of running it");
  sub->add_flag("-q,--quiet", options->quiet, "No progress lines on stderr");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_stamp(global, *options); };
  });
}

} // namespace miglint::cli

#include "cli/migration_command.hpp"
#include "cli/python_modules.hpp"

#include "cli/database_access.hpp"
#include "engine/migrator.hpp"
#include "graph/planner.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace miglint::cli {

namespace {

// `--sql` works without a database, as Alembic's offline mode: from base, or from the
// START of `START:END`.
int run_offline(const Workspace& ws, const MigrationOptions& options, bool up)
{
  const auto& graph = ws.graph();
  std::vector<std::string> start;
  std::string target = options.target;
  if (const auto colon = target.find(':'); colon != std::string::npos) {
    auto from = graph.resolve(target.substr(0, colon));
    if (!from) {
      return fail(from.error().message, 1);
    }
    for (graph::NodeId n : *from) {
      start.push_back(graph.rev(n).id);
    }
    std::sort(start.begin(), start.end());
    target = target.substr(colon + 1);
  } else if (!up) {
    return fail("downgrade with --sql requires <fromrev>:<torev>", 2);
  }
  auto plan = up ? graph::plan_upgrade(graph, start, target)
                 : graph::plan_downgrade(graph, start, target);
  if (!plan) {
    return fail(plan.error().message, 1);
  }
  engine::MigrateOptions migrate;
  // Offline as online, the URL (when one is named) says which dialect the SQL is for.
  auto dialect = offline_dialect(ws, options.db);
  if (!dialect) {
    return fail(dialect.error().message, 2);
  }
  migrate.dialect = *dialect;
  migrate.log = [&](const std::string& line) { log_info(line, options.quiet); };
  const source::PythonModules modules = project_python_modules(ws, python_files());
  migrate.modules = &modules;
  migrate.config_engine_is_target = env_connects_with_config_engine(ws, python_files());
  auto script = engine::render_script(graph, *plan, migrate);
  if (!script) {
    return fail(script.error().message, 1);
  }
  std::fwrite(script->data(), 1, script->size(), stdout);
  return 0;
}

} // namespace

int run_migration_command(const GlobalOptions& global, const MigrationOptions& options, bool up)
{
  auto ws = open_workspace(global);
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  if (!require_sound_graph(*ws)) {
    return 2;
  }
  if (options.sql) {
    return run_offline(*ws, options, up);
  }
  const auto& graph = ws->graph();
  auto target = choose_database(*ws, options.db);
  if (!target) {
    return fail(target.error().message, 2);
  }
  auto db = open_migration_target(*target, false, k_migration_busy_timeout_ms);
  if (!db) {
    return fail(db.error().message, 2);
  }
  if (options.echo) (*db)->echo_statements(stderr);
  auto rows = read_version_rows(**db);
  if (!rows) {
    return fail(rows.error().message, 2);
  }
  if (auto known = graph::current_nodes(graph, *rows); !known) {
    return fail(fmt::format("{}: {}", target->display(), known.error().message), 2);
  }
  engine::Planner planner;
  if (up) {
    auto resolved = graph::resolve_upgrade_target(graph, *rows, options.target);
    if (!resolved) {
      return fail(resolved.error().message, 1);
    }
    planner = [&graph, targets = *resolved](const std::vector<std::string>& current) {
      return graph::plan_upgrade_to(graph, current, targets);
    };
  } else {
    if (options.target.find('@') == std::string::npos && options.target.starts_with("-") &&
        rows->size() > 1) {
      std::fprintf(stderr, "miglint: warning: downgrade %s from multiple heads is ambiguous; "
                           "downgrading %s\n",
                   options.target.c_str(), rows->front().c_str());
    }
    auto resolved = graph::resolve_downgrade_target(graph, *rows, options.target);
    if (!resolved) {
      return fail(resolved.error().message, 1);
    }
    planner = [&graph, target = *resolved](const std::vector<std::string>& current) {
      return graph::plan_downgrade_to(graph, current, target);
    };
  }
  engine::MigrateOptions migrate;
  migrate.log = [&](const std::string& line) { log_info(line, options.quiet); };
  const source::PythonModules modules = project_python_modules(*ws, python_files());
  migrate.modules = &modules;
  migrate.config_engine_is_target = env_connects_with_config_engine(*ws, python_files());
  auto done = engine::migrate(graph, **db, planner, migrate);
  if (!done) {
    return fail(done.error().message, done.error().kind == model::Error::Kind::not_found ? 2 : 1);
  }
  return 0;
}

} // namespace miglint::cli

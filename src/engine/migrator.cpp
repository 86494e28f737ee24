#include "engine/migrator.hpp"

#include "ops/ddl.hpp"
#include "engine/version_changes.hpp"
#include "postgres/version_table.hpp"
#include "sqlite/version_table.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <set>

namespace miglint::engine {

namespace {

using model::Error;
using model::Result;

std::string describe_heads(const std::vector<std::string>& heads)
{
  return heads.empty() ? "base (no revision applied)" : util::join(heads, ", ");
}

// Where a failed step left the database: the version rows read back after the rollback,
// which is what `miglint current` says. The step's transaction is gone by then (SQLite
// itself rolls back on some errors, SQLITE_FULL among them).
// `committed_at_line`: an autocommit_block() there committed the statements before it.
std::string left_at(db::MigrationTarget& db, const graph::PlanStep& step,
                    std::uint32_t committed_at_line = 0)
{
  auto& table = db.versions();
  if (auto rolled_back = db.rollback(); !rolled_back) {
    return fmt::format("the rollback failed too ({}); the last revision committed is {}",
                       rolled_back.error().message, describe_heads(step.heads_before));
  }
  auto rows = table.heads();
  if (committed_at_line != 0) {
    return fmt::format("the revision's statements before its autocommit_block() (line {}) and "
                       "those the block ran stay committed, as in Alembic; the rest was rolled "
                       "back, and the version table still says {}",
                       committed_at_line, describe_heads(rows ? *rows : step.heads_before));
  }
  return fmt::format("the revision was rolled back; the database is at {}",
                     describe_heads(rows ? *rows : step.heads_before));
}

// `path:line:col: error: upgrade of revision X failed: MESSAGE`, the statement, where the
// database is left, and for a full disk what to do. `at` is an offset in the revision's
// file; a failure that belongs to no statement (COMMIT) points at the function.
std::string step_failure(db::MigrationTarget& db, const model::Revision& rev, const graph::PlanStep& step,
                         std::size_t at, const std::string& message,
                         const std::string& statement = {}, std::uint32_t committed_at_line = 0)
{
  const std::string advice = db.failure_advice();
  const auto position = model::LineIndex(rev.file->text).position(at);
  std::string text = fmt::format("{}:{}:{}: error: {} of revision {} failed: {}", rev.path(),
                                 position.line, position.column,
                                 step.up ? "upgrade" : "downgrade", rev.id, message);
  if (!statement.empty()) {
    text += fmt::format("\n  {}", util::strip(statement));
  }
  text += "\n" + left_at(db, step, committed_at_line);
  if (!advice.empty()) {
    text += "\n" + advice;
  }
  return text;
}

std::size_t function_offset(const model::Revision& rev, bool up)
{
  const auto& body = up ? rev.upgrade : rev.downgrade;
  return body ? body->name_span.begin : 0;
}

enum class StepStatus { applied, moved };

Result<StepStatus> apply_step(const graph::RevisionGraph& graph, db::MigrationTarget& db,
                              const graph::PlanStep& step, const MigrateOptions& options,
                              std::set<std::string>& enum_types_created)
{
  const model::Revision& rev = graph.rev(step.rev);
  auto& table = db.versions();
  if (auto begun = db.begin(); !begun) {
    auto rows = table.heads();
    return model::make_error(fmt::format(
        "{}: error: cannot start the {} of revision {}: {}\nthe database is at {}", rev.path(),
        step.up ? "upgrade" : "downgrade", rev.id, begun.error().message,
        describe_heads(rows ? *rows : step.heads_before)));
  }
  auto current = table.heads();
  if (!current) {
    (void)db.rollback();
    return current.error();
  }
  if (*current != step.heads_before) {
    (void)db.rollback();
    return StepStatus::moved;
  }
  if (options.log) {
    options.log("Running " + graph::describe_step(graph, step));
  }
  TargetSink sink(db);
  RunContext context{db.sqlite_connection(), sink, options.modules,
                     options.config_engine_is_target};
  context.dialect = db.dialect();
  context.pg = db.postgres_connection();
  context.autocommit_blocks = true;
  context.enum_types_created = &enum_types_created;
  const BodyOutcome outcome = runner_for(rev.format).run(rev, step.up, context);
  if (outcome.status == BodyStatus::failed) {
    return model::make_error(step_failure(db, rev, step, outcome.span.begin, outcome.message,
                                          outcome.statement, outcome.committed_at_line));
  }
  if (outcome.status != BodyStatus::ok) {
    // Not run at all (e.g. an op miglint cannot execute): say "cannot", not "failed".
    const auto at = model::LineIndex(rev.file->text).position(outcome.span.begin);
    return model::make_error(fmt::format(
        "{}:{}:{}: error: cannot {} revision {}: {}\n{}", rev.path(), at.line, at.column,
        step.up ? "upgrade" : "downgrade", rev.id, outcome.message,
        left_at(db, step, outcome.committed_at_line)));
  }
  if (auto done = apply_version_changes(table, step.changes); !done) {
    return model::make_error(step_failure(db, rev, step, function_offset(rev, step.up),
                                          done.error().message, {}, outcome.committed_at_line));
  }
  if (auto done = db.commit(); !done) {
    return model::make_error(step_failure(db, rev, step, function_offset(rev, step.up),
                                          done.error().message, {}, outcome.committed_at_line));
  }
  return StepStatus::applied;
}

Result<void> ensure_version_table(db::MigrationTarget& db)
{
  auto& table = db.versions();
  auto exists = table.exists();
  MIGLINT_TRY(exists);
  if (*exists) {
    return {};
  }
  auto created = [&]() -> Result<void> {
    MIGLINT_TRY(db.begin());
    if (auto done = table.create_if_missing(); !done) {
      (void)db.rollback();
      return done.error();
    }
    if (auto done = db.commit(); !done) {
      (void)db.rollback();
      return done.error();
    }
    return {};
  }();
  if (!created) {
    return model::make_error(fmt::format("cannot create the version table {} (no revision was "
                                         "run): {}",
                                         table.name(), created.error().message));
  }
  return {};
}

} // namespace

std::string version_change_sql(const graph::VersionChange& change, const std::string& table,
                               db::Dialect dialect)
{
  // Ids are quoted as SQL literals: an id with a quote in it must not end the string.
  const std::string to = ops::ddl::quote_literal(change.to);
  const std::string from = ops::ddl::quote_literal(change.from);
  switch (change.kind) {
  case graph::VersionChange::Kind::insert:
    // PostgreSQL's dialect returns the inserted key (implicit RETURNING).
    if (dialect == db::Dialect::postgresql) {
      return fmt::format("INSERT INTO {0} (version_num) VALUES ({1}) RETURNING {0}.version_num", table, to);
    }
    return fmt::format("INSERT INTO {} (version_num) VALUES ({})", table, to);
  case graph::VersionChange::Kind::remove:
    return fmt::format("DELETE FROM {0} WHERE {0}.version_num = {1}", table, from);
  case graph::VersionChange::Kind::update:
    return fmt::format("UPDATE {0} SET version_num={1} WHERE {0}.version_num = {2}", table, to,
                       from);
  }
  return {};
}

Result<MigrateResult> migrate(const graph::RevisionGraph& graph, db::MigrationTarget& db,
                              const Planner& planner, const MigrateOptions& options)
{
  auto& table = db.versions();
  MIGLINT_TRY(db.lock_for_migration());
  MIGLINT_TRY(ensure_version_table(db));
  MigrateResult result;
  // SQLAlchemy's memo of the enum types created with their tables spans the run.
  std::set<std::string> enum_types_created;
  // Each round plans from the rows as they are; another process may move them between
  // two of our steps, and then the rest is planned again (bounded, in case of a livelock).
  for (int round = 0; round < 10000; ++round) {
    auto current = table.heads();
    MIGLINT_TRY(current);
    auto plan = planner(*current);
    MIGLINT_TRY(plan);
    bool moved = false;
    for (const auto& step : plan->steps) {
      auto status = apply_step(graph, db, step, options, enum_types_created);
      MIGLINT_TRY(status);
      if (*status == StepStatus::moved) {
        moved = true;
        break;
      }
      ++result.steps_applied;
    }
    if (!moved) {
      auto heads = table.heads();
      MIGLINT_TRY(heads);
      result.heads = std::move(*heads);
      return result;
    }
  }
  return model::make_error("the version table kept changing under another process; giving up");
}

Result<MigrateResult> apply_stamp(const graph::RevisionGraph& graph, db::MigrationTarget& db,
                                  const graph::Plan& plan, const MigrateOptions& options)
{
  auto& table = db.versions();
  MIGLINT_TRY(db.lock_for_migration());
  MIGLINT_TRY(ensure_version_table(db));
  MIGLINT_TRY(db.begin());
  auto run = [&]() -> Result<void> {
    auto current = table.heads();
    MIGLINT_TRY(current);
    if (!plan.purge && *current != plan.heads_before) {
      return model::make_error("the version table changed while stamping; run the command again");
    }
    if (plan.purge) {
      MIGLINT_TRY(table.clear());
    }
    for (const auto& step : plan.steps) {
      if (options.log) {
        options.log("Running " + graph::describe_step(graph, step));
      }
      MIGLINT_TRY(apply_version_changes(table, step.changes));
    }
    return {};
  };
  if (auto done = run(); !done) {
    (void)db.rollback();
    return done.error();
  }
  MIGLINT_TRY(db.commit());
  MigrateResult result;
  result.steps_applied = plan.steps.size();
  auto heads = table.heads();
  MIGLINT_TRY(heads);
  result.heads = std::move(*heads);
  return result;
}

Result<std::string> render_script(const graph::RevisionGraph& graph, const graph::Plan& plan,
                                  const MigrateOptions& options)
{
  // PostgreSQL has transactional DDL: Alembic wraps the script in one transaction.
  const bool postgresql = options.dialect == db::Dialect::postgresql;
  ScriptSink sink(postgresql);
  std::set<std::string> enum_types_created; // SQLAlchemy's memo, for the whole script
  std::string out;
  auto flush = [&] {
    out += sink.text();
    sink = ScriptSink(postgresql);
  };
  std::vector<std::string> heads = plan.heads_before;
  if (plan.purge) {
    return model::make_error("can't use --purge with --sql mode", Error::Kind::usage);
  }
  if (postgresql) {
    (void)sink.execute("BEGIN");
  }
  for (const auto& step : plan.steps) {
    if (step.heads_before.empty()) {
      // Offline mode starts from nothing: the version table comes first.
      const std::string ddl = options.dialect == db::Dialect::postgresql
                                  ? postgres::version_table_ddl(options.version_table)
                                  : util::join(util::split(sqlite::version_table_ddl(
                                                               options.version_table),
                                                           '\t'),
                                               "    ");
      (void)sink.execute(ddl);
    }
    if (options.log) {
      options.log("Running " + graph::describe_step(graph, step));
    }
    std::string short_log = graph::describe_step(graph, step);
    if (!step.is_stamp()) {
      // `-- Running` lines carry Alembic's short_log: no message.
      const auto& rev = graph.rev(step.rev);
      const std::string downs = util::join(rev.down_revisions, ", ");
      short_log = step.up ? fmt::format("upgrade {} -> {}", downs, rev.id)
                          : fmt::format("downgrade {} -> {}", rev.id, downs);
    }
    sink.comment("Running " + short_log);
    if (!step.is_stamp()) {
      const model::Revision& rev = graph.rev(step.rev);
      RunContext context{nullptr, sink, options.modules, options.config_engine_is_target};
      context.dialect = options.dialect;
      context.offline = true;
      context.enum_types_created = &enum_types_created;
      const BodyOutcome outcome = runner_for(rev.format).run(rev, step.up, context);
      if (outcome.status != BodyStatus::ok) {
        const model::LineIndex lines(rev.file->text);
        const auto at = lines.position(outcome.span.begin);
        return model::make_error(fmt::format("{}:{}:{}: error: cannot render {} of revision {}: {}",
                                             rev.path(), at.line, at.column,
                                             step.up ? "upgrade" : "downgrade", rev.id,
                                             outcome.message));
      }
    }
    for (const auto& change : step.changes) {
      (void)sink.execute(version_change_sql(change, options.version_table, options.dialect));
    }
    heads = step.heads_after;
  }
  if (!plan.steps.empty() && heads.empty()) {
    (void)sink.execute(fmt::format("DROP TABLE {}", options.version_table));
  }
  if (postgresql) {
    (void)sink.execute("COMMIT");
  }
  flush();
  return out;
}

} // namespace miglint::engine

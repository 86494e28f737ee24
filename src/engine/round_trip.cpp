#include "engine/round_trip.hpp"

#include "graph/planner.hpp"
#include "rules/linter.hpp"
#include "rules/registry.hpp"
#include "sqlite/error.hpp"
#include "sqlite/row_digest.hpp"
#include "sqlite/row_seeder.hpp"
#include "sqlite/schema_diff.hpp"
#include "sqlite/schema_snapshot.hpp"
#include "sqlite/sql_text.hpp"
#include "engine/version_changes.hpp"
#include "sqlite/version_table.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <fmt/format.h>

namespace miglint::engine {

namespace {

using model::Diagnostic;
using model::Result;

model::Severity severity_of(const char* code)
{
  const rules::RuleInfo* rule = rules::find_rule(code);
  return rule ? rule->default_severity : model::Severity::error;
}

Diagnostic finding(const char* code, const model::Revision& rev, model::Span at,
                   std::string message)
{
  Diagnostic d;
  d.code = code;
  const rules::RuleInfo* rule = rules::find_rule(code);
  d.rule = rule ? rule->name : code;
  d.severity = severity_of(code);
  d.message = std::move(message);
  d.at = model::Location::in(rev.file, at);
  d.revision = rev.id;
  return d;
}

// Where a body starts, for findings about a whole body: its marker / def line.
model::Span body_span(const model::Revision& rev, bool up)
{
  const auto& body = up ? rev.upgrade : rev.downgrade;
  return body ? body->name_span : rev.id_span;
}

// The version-row changes that undo `changes` (a downgrade right after an upgrade).
std::vector<graph::VersionChange> inverse(const std::vector<graph::VersionChange>& changes)
{
  std::vector<graph::VersionChange> out;
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    switch (it->kind) {
    case graph::VersionChange::Kind::insert:
      out.push_back({graph::VersionChange::Kind::remove, it->to, ""});
      break;
    case graph::VersionChange::Kind::remove:
      out.push_back({graph::VersionChange::Kind::insert, "", it->from});
      break;
    case graph::VersionChange::Kind::update:
      out.push_back({graph::VersionChange::Kind::update, it->to, it->from});
      break;
    }
  }
  return out;
}

// A difference list as one message plus notes at the same place.
void attach_differences(Diagnostic& d, const std::vector<std::string>& differences)
{
  if (differences.empty()) {
    return;
  }
  d.message += ": " + differences.front();
  if (differences.size() > 1) {
    d.message += fmt::format(" (and {} more difference{})", differences.size() - 1,
                             differences.size() == 2 ? "" : "s");
    for (std::size_t k = 1; k < differences.size(); ++k) {
      d.notes.push_back({d.at, differences[k]});
    }
  }
}

// Whether `rev` carries `miglint: ignore[<code or name>] <reason>`.
bool suppressed_with_reason(const model::Revision& rev, const char* code)
{
  const rules::RuleInfo* rule = rules::find_rule(code);
  return rule != nullptr &&
         std::any_of(rev.suppressions.begin(), rev.suppressions.end(), [&](const auto& s) {
           return !s.reason.empty() && rules::suppression_names(s, *rule);
         });
}

// The table an upgrade that failed on existing rows was working on, and why the rows were in
// the way, from SQLite's message ("NOT NULL constraint failed: _alembic_tmp_t.c") or else
// from the statement.
std::pair<std::string, std::string> populated_failure_cause(const BodyOutcome& outcome)
{
  const std::string& message = outcome.message;
  std::string table;
  if (const std::size_t at = message.find("constraint failed: "); at != std::string::npos) {
    const std::string rest = message.substr(at + 19);
    const std::size_t dot = rest.find('.');
    if (dot != std::string::npos) {
      table = rest.substr(0, dot);
    }
  }
  if (table.empty()) {
    // The word after TABLE / INTO / ON / UPDATE in the statement.
    const std::string normalized = sqlite::normalize_sql(outcome.statement);
    for (const char* word : {" table ", " into ", " on ", "update "}) {
      if (const std::size_t at = normalized.find(word); at != std::string::npos) {
        const std::string rest = normalized.substr(at + std::string_view(word).size());
        table = rest.substr(0, rest.find_first_of(" ("));
        break;
      }
    }
  }
  // Alembic's batch operations copy the rows into `_alembic_tmp_<table>`.
  if (table.starts_with("_alembic_tmp_")) {
    table = table.substr(13);
  }
  std::string why = message;
  if (message.find("NOT NULL constraint failed") != std::string::npos) {
    why = "its rows would get NULL in a NOT NULL column without a default (" + message + ")";
  } else if (message.find("UNIQUE constraint failed") != std::string::npos) {
    why = "its rows have duplicate values under a new unique constraint (" + message + ")";
  } else if (message.find("CHECK constraint failed") != std::string::npos) {
    why = "its rows violate a new CHECK constraint (" + message + ")";
  } else if (message.find("FOREIGN KEY constraint failed") != std::string::npos) {
    why = "its rows violate a foreign key (" + message + ")";
  }
  return {table, why};
}

// Each table's rows, shared with the digests kept between revisions.
using RowsNow = std::map<std::string, std::shared_ptr<const sqlite::TableRows>>;

class Verifier {
public:
  Verifier(const graph::RevisionGraph& graph, sqlite::Connection& db,
           const RoundTripOptions& options)
      : m_graph(graph), m_db(db), m_options(options), m_table(db, options.version_table)
  {
    m_snapshot_options.version_table = options.version_table;
  }

  Result<RoundTripReport> run()
  {
    const auto started = std::chrono::steady_clock::now();
    MIGLINT_TRY(m_table.create_if_missing());
    // Tells which tables each step may have changed, so that only those are compared and
    // digested again; every other table's rows are those of the previous digest.
    struct StopLogging {
      sqlite::Connection& db;
      ~StopLogging() { db.log_writes(nullptr); }
    } stop_logging{m_db};
    m_db.log_writes(&m_writes);
    const graph::NodeList targets =
        m_options.to >= 0 ? graph::NodeList{m_options.to} : m_graph.real_heads();
    auto plan = graph::plan_upgrade_to(m_graph, m_options.start_heads, targets);
    MIGLINT_TRY(plan);
    const auto below_to = m_options.to >= 0 ? m_graph.ancestors({m_options.to}, true)
                                            : std::vector<bool>(m_graph.size(), true);
    const auto above_from = m_options.from >= 0 ? m_graph.descendants({m_options.from}, true)
                                                : std::vector<bool>(m_graph.size(), true);
    auto before = snapshot();
    MIGLINT_TRY(before);
    // Revisions whose upgrade failed or could not be run, and their descendants: those
    // cannot be reached. Every other lineage goes on.
    std::vector<bool> blocked(m_graph.size(), false);
    bool reversible_history = true;
    for (const auto& step : plan->steps) {
      RevisionReport entry;
      entry.rev = step.rev;
      if (descends_from_blocked(step.rev, blocked)) {
        blocked[step.rev] = true;
        entry.status = "not-reached";
        m_report.revisions.push_back(std::move(entry));
        continue;
      }
      const model::Revision& rev = m_graph.rev(step.rev);
      const bool selected = m_options.only.empty() || m_options.only[step.rev];
      const bool in_range = below_to[step.rev] && above_from[step.rev] && selected;
      forget_changed(take_writes(), {&*before});
      auto seeded = sqlite::seed_rows(
          m_db, *before, m_options.seed_rows, [&](const sqlite::TableInfo& table) {
            const auto known = m_full_tables.find(table.name);
            return known != m_full_tables.end() && known->second.get() == &table;
          });
      MIGLINT_TRY(seeded);
      forget_changed(take_writes(), {&*before});
      for (const std::string& name : seeded->full) {
        m_full_tables[name] = before->tables.at(name);
      }
      for (std::string& note : seeded->notes) {
        // A table that refuses sample rows refuses them before every revision: say it once.
        if (m_noted.insert(note).second) {
          entry.notes.push_back(std::move(note));
        }
      }
      std::optional<RowsNow> rows_before;
      if (in_range) {
        auto rows = rows_now(*before);
        MIGLINT_TRY(rows);
        rows_before = std::move(*rows);
      }
      auto up = run_body(rev, true, step.changes, "upgrade", entry);
      MIGLINT_TRY(up);
      std::optional<BodyOutcome> failed_on_rows;
      if (up->status == BodyStatus::failed) {
        auto retried = upgrade_on_empty_tables(rev, step, *before, entry);
        MIGLINT_TRY(retried);
        if (*retried) {
          failed_on_rows = *up;
          up = **retried;
          if (rows_before) {
            // The upgrade that counts ran on emptied tables: those are the rows the
            // downgrade must bring back.
            for (auto& [name, rows] : *rows_before) {
              auto emptied = std::make_shared<sqlite::TableRows>(*rows);
              emptied->rows.clear();
              rows = std::move(emptied);
            }
          }
        }
      }
      if (up->status != BodyStatus::ok) {
        report_upgrade_problem(rev, *up, entry, "MG301");
        blocked[step.rev] = true;
        m_report.revisions.push_back(std::move(entry));
        continue;
      }
      auto after = snapshot();
      MIGLINT_TRY(after);
      if (in_range) {
        ++m_report.checked;
        MIGLINT_TRY(round_trip(rev, step, *before, *after, rows_before, entry));
        if (failed_on_rows) {
          report_populated_failure(rev, *failed_on_rows, entry);
        }
        reversible_history = reversible_history && entry.status == "ok";
      } else {
        entry.status = "upgraded";
        reversible_history = reversible_history && irreversible_reason(rev).empty();
      }
      m_report.revisions.push_back(std::move(entry));
      before = std::move(after);
    }
    const bool stopped = std::find(blocked.begin(), blocked.end(), true) != blocked.end();
    if (!stopped && reversible_history && m_options.from < 0 && m_options.to < 0 &&
        m_options.only.empty() && m_options.start_heads.empty()) {
      MIGLINT_TRY(downgrade_to_base());
    }
    m_report.milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    return std::move(m_report);
  }

private:
  // Whether a versioned parent or a dependency of `rev` could not be upgraded.
  bool descends_from_blocked(graph::NodeId rev, const std::vector<bool>& blocked) const
  {
    const graph::Node& node = m_graph.node(rev);
    auto any = [&](const graph::NodeList& list) {
      return std::any_of(list.begin(), list.end(), [&](graph::NodeId n) { return blocked[n]; });
    };
    return any(node.down) || any(node.deps);
  }

  Result<sqlite::SchemaSnapshot> snapshot()
  {
    return sqlite::take_snapshot(m_db, &m_cache, m_snapshot_options);
  }

  // Runs one body and its version-row changes inside a savepoint, which is released on
  // success and rolled back on failure.
  Result<BodyOutcome> run_body(const model::Revision& rev, bool up,
                               const std::vector<graph::VersionChange>& changes,
                               const char* phase, RevisionReport& entry)
  {
    MIGLINT_TRY(m_db.exec("SAVEPOINT miglint_body"));
    const auto started = std::chrono::steady_clock::now();
    ConnectionSink sink(m_db);
    RunContext context{&m_db, sink, m_options.modules, m_options.config_engine_is_target,
                       &m_declared_by_name};
    BodyOutcome outcome = runner_for(rev.format).run(rev, up, context);
    entry.fallback_types.insert(outcome.fallback_types.begin(), outcome.fallback_types.end());
    PhaseTiming timing;
    timing.phase = phase;
    timing.statements = outcome.statements;
    timing.milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    entry.phases.push_back(std::move(timing));
    if (outcome.status == BodyStatus::ok) {
      MIGLINT_TRY(apply_version_changes(m_table, changes));
      MIGLINT_TRY(m_db.exec("RELEASE miglint_body"));
    } else {
      MIGLINT_TRY(m_db.exec("ROLLBACK TO miglint_body; RELEASE miglint_body"));
    }
    return outcome;
  }

  // After an upgrade failed on tables with rows: runs it again with every table emptied.
  // Its outcome when that succeeds (the database then stays so), nullopt otherwise (the
  // rows are back).
  Result<std::optional<BodyOutcome>> upgrade_on_empty_tables(const model::Revision& rev,
                                                             const graph::PlanStep& step,
                                                             const sqlite::SchemaSnapshot& before,
                                                             RevisionReport& entry)
  {
    forget_changed(take_writes(), {&before});
    auto rows = rows_now(before);
    MIGLINT_TRY(rows);
    std::vector<std::string> populated;
    for (const auto& [name, table] : *rows) {
      if (!table->rows.empty()) {
        populated.push_back(name);
      }
    }
    if (populated.empty()) {
      return std::optional<BodyOutcome>();
    }
    MIGLINT_TRY(m_db.exec("SAVEPOINT miglint_empty_tables"));
    bool emptied = true;
    for (const std::string& name : populated) {
      emptied = emptied && m_db.exec("DELETE FROM " + sqlite::double_quoted(name));
    }
    std::optional<BodyOutcome> outcome;
    if (emptied) {
      auto again = run_body(rev, true, step.changes, "upgrade-on-empty-tables", entry);
      MIGLINT_TRY(again);
      if (again->status == BodyStatus::ok) {
        outcome = std::move(*again);
      }
    }
    if (!outcome) {
      MIGLINT_TRY(m_db.exec("ROLLBACK TO miglint_empty_tables"));
    }
    MIGLINT_TRY(m_db.exec("RELEASE miglint_empty_tables"));
    return outcome;
  }

  void report_populated_failure(const model::Revision& rev, const BodyOutcome& failure,
                                RevisionReport& entry)
  {
    const auto [table, why] = populated_failure_cause(failure);
    const std::string message = fmt::format(
        "upgrade of revision {} fails when table \"{}\" has rows: `{}`: {}; it succeeds only "
        "on empty tables",
        rev.id, table, sqlite::sql_excerpt(failure.statement), why);
    m_report.findings.push_back(finding("MG308", rev, failure.span, message));
    if (entry.status == "ok") {
      entry.status = "fails-on-populated-table";
      entry.at = failure.span;
      entry.detail = message;
    }
  }

  void report_upgrade_problem(const model::Revision& rev, const BodyOutcome& outcome,
                              RevisionReport& entry, const char* code)
  {
    entry.at = outcome.span;
    entry.detail = outcome.message;
    if (outcome.status == BodyStatus::not_runnable) {
      entry.status = "unverifiable";
      m_report.findings.push_back(finding(
          "MG306", rev, outcome.span,
          fmt::format("cannot verify revision {} nor the revisions that descend from it: {}",
                      rev.id, outcome.message)));
      return;
    }
    entry.status = std::string(code) == "MG301" ? "upgrade-failed" : "not-repeatable";
    const char* what = std::string(code) == "MG301" ? "upgrade" : "second upgrade";
    m_report.findings.push_back(finding(
        code, rev, outcome.span,
        fmt::format("{} of revision {} failed: {}", what, rev.id, outcome.message)));
  }

  Result<void> round_trip(const model::Revision& rev, const graph::PlanStep& step,
                          const sqlite::SchemaSnapshot& before,
                          const sqlite::SchemaSnapshot& after,
                          const std::optional<RowsNow>& rows_before,
                          RevisionReport& entry)
  {
    if (std::string reason = irreversible_reason(rev); !reason.empty()) {
      entry.status = "irreversible";
      m_report.findings.push_back(
          finding("MG305", rev, body_span(rev, false),
                  fmt::format("revision {} is irreversible ({}); verify upgraded through it "
                              "without checking its downgrade",
                              rev.id, reason)));
      return {};
    }
    // Everything below is undone at the end, so the next revision starts from `after`
    // whatever this one did.
    MIGLINT_TRY(m_db.exec("SAVEPOINT miglint_round_trip"));
    auto checked = check_round_trip(rev, step, before, after, rows_before, entry);
    MIGLINT_TRY(m_db.exec("ROLLBACK TO miglint_round_trip; RELEASE miglint_round_trip"));
    return checked;
  }

  Result<void> check_round_trip(const model::Revision& rev, const graph::PlanStep& step,
                                const sqlite::SchemaSnapshot& before,
                                const sqlite::SchemaSnapshot& after,
                                const std::optional<RowsNow>& rows_before,
                                RevisionReport& entry)
  {
    auto down = run_body(rev, false, inverse(step.changes), "downgrade", entry);
    MIGLINT_TRY(down);
    entry.at = down->span;
    entry.detail = down->message;
    if (down->status == BodyStatus::not_runnable) {
      entry.status = "unverifiable";
      m_report.findings.push_back(finding(
          "MG306", rev, down->span,
          fmt::format("cannot verify the downgrade of revision {}: {}", rev.id, down->message)));
      return {};
    }
    if (down->status != BodyStatus::ok) {
      entry.status = "downgrade-failed";
      m_report.findings.push_back(
          finding("MG302", rev, down->span,
                  fmt::format("downgrade of revision {} failed: {}", rev.id, down->message)));
      return {};
    }
    auto restored = snapshot();
    MIGLINT_TRY(restored);
    if (auto differences = sqlite::diff_schemas(before, *restored); !differences.empty()) {
      entry.status = "not-restored";
      entry.at = body_span(rev, false);
      entry.detail = differences.front();
      auto d = finding("MG303", rev, body_span(rev, false),
                       fmt::format("downgrade of revision {} does not restore the schema", rev.id));
      attach_differences(d, differences);
      m_report.findings.push_back(std::move(d));
      return {};
    }
    report_minor_differences(rev, before, *restored, false);
    if (rows_before && !suppressed_with_reason(rev, "MG307")) {
      auto lost = row_differences(*rows_before, before, after, *restored);
      MIGLINT_TRY(lost);
      if (!lost->empty()) {
        entry.status = "rows-not-restored";
        entry.at = body_span(rev, false);
        entry.detail = lost->front();
        auto d = finding("MG307", rev, body_span(rev, false),
                         fmt::format("downgrade of revision {} does not restore the rows the "
                                     "upgrade found",
                                     rev.id));
        attach_differences(d, *lost);
        m_report.findings.push_back(std::move(d));
        return {};
      }
    }
    auto again = run_body(rev, true, step.changes, "reupgrade", entry);
    MIGLINT_TRY(again);
    if (again->status != BodyStatus::ok) {
      report_upgrade_problem(rev, *again, entry, "MG304");
      return {};
    }
    auto repeated = snapshot();
    MIGLINT_TRY(repeated);
    if (auto differences = sqlite::diff_schemas(after, *repeated); !differences.empty()) {
      entry.status = "not-repeatable";
      entry.at = body_span(rev, true);
      entry.detail = differences.front();
      auto d = finding("MG304", rev, body_span(rev, true),
                       fmt::format("upgrading revision {} again after its downgrade gives a "
                                   "different schema",
                                   rev.id));
      attach_differences(d, differences);
      m_report.findings.push_back(std::move(d));
      return {};
    }
    report_minor_differences(rev, after, *repeated, true);
    entry.status = "ok";
    return {};
  }

  // One message per table whose rows did not all come back:
  //   table "users": row (id=2) changed: before (2, 'b'), after (2, NULL)
  // Tables that neither the upgrade nor the downgrade changed (nor, through a foreign key
  // action, a table they changed) still have their rows: only the others are read again.
  Result<std::vector<std::string>> row_differences(const RowsNow& rows_before,
                                                   const sqlite::SchemaSnapshot& before,
                                                   const sqlite::SchemaSnapshot& after,
                                                   const sqlite::SchemaSnapshot& now)
  {
    const sqlite::WriteLog changed = with_dependents(m_writes, {&before, &after, &now});
    std::vector<std::string> out;
    for (const auto& [name, rows] : rows_before) {
      const auto table = now.tables.find(name);
      if (table == now.tables.end()) {
        continue;
      }
      const auto was = before.tables.find(name);
      if (!changed.touched(name) && was != before.tables.end() && was->second == table->second) {
        continue;
      }
      auto rows_after = sqlite::digest_table(m_db, *table->second, *rows);
      MIGLINT_TRY(rows_after);
      if (auto difference = sqlite::first_row_difference(*rows, *rows_after)) {
        out.push_back(fmt::format("table \"{}\": {}", name, *difference));
      }
    }
    return out;
  }

  // What was written since the last call; the log starts again empty.
  sqlite::WriteLog take_writes()
  {
    sqlite::WriteLog taken = std::move(m_writes);
    m_writes.clear();
    // Installing the log again makes SQLite prepare every statement anew, so that one
    // prepared before is reported when it runs again.
    m_db.log_writes(&m_writes);
    return taken;
  }

  // `log` plus the tables whose foreign keys reach a table in it (ON DELETE / ON UPDATE
  // actions change their rows) in any of `schemas`, transitively.
  static sqlite::WriteLog with_dependents(const sqlite::WriteLog& log,
                                          std::initializer_list<const sqlite::SchemaSnapshot*> schemas)
  {
    sqlite::WriteLog out = log;
    for (bool grew = !out.everything; grew;) {
      grew = false;
      for (const sqlite::SchemaSnapshot* schema : schemas) {
        for (const auto& [name, table] : schema->tables) {
          if (out.touched(name)) {
            continue;
          }
          for (const sqlite::ForeignKeyInfo& fk : table->foreign_keys) {
            if (out.touched(fk.ref_table)) {
              out.tables.insert(util::to_lower(name));
              grew = true;
              break;
            }
          }
        }
      }
    }
    return out;
  }

  // Drops what is known about the rows of the tables `log` (with its dependents) changed.
  void forget_changed(const sqlite::WriteLog& log,
                      std::initializer_list<const sqlite::SchemaSnapshot*> schemas)
  {
    if (log.everything) {
      m_row_cache.clear();
      m_full_tables.clear();
      return;
    }
    if (log.tables.empty()) {
      return;
    }
    const sqlite::WriteLog changed = with_dependents(log, schemas);
    std::erase_if(m_row_cache, [&](const auto& entry) { return changed.touched(entry.first); });
    std::erase_if(m_full_tables, [&](const auto& entry) { return changed.touched(entry.first); });
  }

  // The rows of every ordinary table of `schema` now: digests kept from before for tables
  // nothing changed since (same definition), read again for the others.
  Result<RowsNow> rows_now(const sqlite::SchemaSnapshot& schema)
  {
    auto shadows = sqlite::shadow_tables(m_db, schema);
    MIGLINT_TRY(shadows);
    RowsNow out;
    for (const auto& [name, table] : schema.tables) {
      if (table->is_virtual ||
          std::find(shadows->begin(), shadows->end(), name) != shadows->end()) {
        continue;
      }
      CachedRows& cached = m_row_cache[name];
      if (cached.table != table || !cached.rows) {
        auto rows = sqlite::digest_all_rows(m_db, *table);
        MIGLINT_TRY(rows);
        cached.table = table;
        cached.rows = std::make_shared<const sqlite::TableRows>(std::move(*rows));
      }
      out.emplace(name, cached.rows);
    }
    return out;
  }

  // Differences that do not change how the database behaves for the application, reported
  // apart at their own severities: column order (MG309) and PRAGMA user_version (MG310).
  void report_minor_differences(const model::Revision& rev, const sqlite::SchemaSnapshot& want,
                                const sqlite::SchemaSnapshot& got, bool up)
  {
    if (auto order = sqlite::column_order_differences(want, got); !order.empty()) {
      auto d = finding("MG309", rev, body_span(rev, up),
                       fmt::format("after {} revision {} leaves columns in another order",
                                   up ? "upgrading again" : "downgrading", rev.id));
      attach_differences(d, order);
      m_report.findings.push_back(std::move(d));
    }
    if (want.user_version != got.user_version) {
      m_report.findings.push_back(
          finding("MG310", rev, body_span(rev, up),
                  fmt::format("{} of revision {} leaves PRAGMA user_version at {}, expected {}",
                              up ? "the second upgrade" : "the downgrade", rev.id,
                              got.user_version, want.user_version)));
    }
  }

  // Walks every revision back down to base, as `downgrade base` would, and checks that
  // the database is empty again.
  Result<void> downgrade_to_base()
  {
    auto heads = m_table.heads();
    MIGLINT_TRY(heads);
    auto plan = graph::plan_downgrade(m_graph, *heads, "base");
    MIGLINT_TRY(plan);
    m_report.final_check = true;
    const model::Revision* last = nullptr;
    for (const auto& step : plan->steps) {
      const model::Revision& rev = m_graph.rev(step.rev);
      last = &rev;
      RevisionReport* entry = find_entry(step.rev);
      RevisionReport scratch;
      auto down = run_body(rev, false, step.changes, "final-downgrade", entry ? *entry : scratch);
      MIGLINT_TRY(down);
      if (down->status != BodyStatus::ok) {
        m_report.findings.push_back(finding(
            "MG302", rev, down->span,
            fmt::format("downgrade of revision {} failed while downgrading every revision to "
                        "base: {}",
                        rev.id, down->message)));
        return {};
      }
    }
    auto left = snapshot();
    MIGLINT_TRY(left);
    const auto differences = sqlite::diff_schemas(sqlite::SchemaSnapshot{}, *left);
    if (!differences.empty() && last != nullptr) {
      auto d = finding("MG303", *last, body_span(*last, false),
                       "after downgrading every revision to base, the database is not empty");
      attach_differences(d, differences);
      m_report.findings.push_back(std::move(d));
    }
    return {};
  }

  RevisionReport* find_entry(graph::NodeId rev)
  {
    for (auto& e : m_report.revisions) {
      if (e.rev == rev) {
        return &e;
      }
    }
    return nullptr;
  }

  const graph::RevisionGraph& m_graph;
  sqlite::Connection& m_db;
  const RoundTripOptions& m_options;
  sqlite::VersionTable m_table;
  sqlite::SnapshotCache m_cache;
  // What statements changed since take_writes() last emptied it.
  sqlite::WriteLog m_writes;
  // Row digests of tables as they are now, by name, with the definition they were read with.
  struct CachedRows {
    std::shared_ptr<const sqlite::TableInfo> table;
    std::shared_ptr<const sqlite::TableRows> rows;
  };
  std::map<std::string, CachedRows> m_row_cache;
  // Tables known to hold the sample row count or more, with that definition.
  std::map<std::string, std::shared_ptr<const sqlite::TableInfo>> m_full_tables;
  sqlite::SnapshotOptions m_snapshot_options;
  RoundTripReport m_report;
  std::set<std::string> m_noted;
  std::set<std::string> m_declared_by_name; // types written by fallback, for the whole run
};

} // namespace

Result<RoundTripReport> verify_round_trips(const graph::RevisionGraph& graph,
                                           sqlite::Connection& db, const RoundTripOptions& options)
{
  Verifier verifier(graph, db, options);
  return verifier.run();
}

} // namespace miglint::engine

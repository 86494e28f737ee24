#include "engine/round_trip.hpp"

#include "graph/planner.hpp"
#include "rules/linter.hpp"
#include "rules/registry.hpp"
#include "engine/sqlite_scratch.hpp"
#include "engine/version_changes.hpp"
#include "sqlite/error.hpp"
#include "sqlite/sql_text.hpp"
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

using SchemaPtr = ScratchDatabase::SchemaPtr;
using RowsPtr = ScratchDatabase::RowsPtr;

class Verifier {
public:
  Verifier(const graph::RevisionGraph& graph, ScratchDatabase& db,
           const RoundTripOptions& options)
      : m_graph(graph), m_db(db), m_options(options), m_table(db.versions())
  {
  }

  Result<RoundTripReport> run()
  {
    const auto started = std::chrono::steady_clock::now();
    MIGLINT_TRY(m_table.create_if_missing());
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
      if (m_state_lost || descends_from_blocked(step.rev, blocked)) {
        blocked[step.rev] = true;
        entry.status = "not-reached";
        m_report.revisions.push_back(std::move(entry));
        continue;
      }
      const model::Revision& rev = m_graph.rev(step.rev);
      const bool selected = m_options.only.empty() || m_options.only[step.rev];
      const bool in_range = below_to[step.rev] && above_from[step.rev] && selected;
      auto notes = m_db.seed(**before, m_options.seed_rows);
      MIGLINT_TRY(notes);
      for (std::string& note : *notes) {
        // A table that refuses sample rows refuses them before every revision: say it once.
        if (m_noted.insert(note).second) {
          entry.notes.push_back(std::move(note));
        }
      }
      MIGLINT_TRY(m_db.checkpoint());
      RowsPtr rows_before;
      if (in_range) {
        auto rows = m_db.rows_now(**before);
        MIGLINT_TRY(rows);
        rows_before = std::move(*rows);
      }
      auto up = run_body(rev, true, step.changes, "upgrade", entry);
      MIGLINT_TRY(up);
      // An upgrade that fails, or cannot be interpreted, on the sample rows is tried again
      // on empty tables: its schema still gets a verdict, and its descendants are reached.
      std::optional<BodyOutcome> failed_on_rows;
      std::optional<BodyOutcome> unverifiable_on_rows;
      if (up->status == BodyStatus::failed || up->status == BodyStatus::not_runnable) {
        auto retried = upgrade_on_empty_tables(rev, step, **before, entry);
        MIGLINT_TRY(retried);
        if (*retried) {
          (up->status == BodyStatus::failed ? failed_on_rows : unverifiable_on_rows) = *up;
          up = **retried;
          if (rows_before) {
            // The upgrade that counts ran on emptied tables: those are the rows the
            // downgrade must bring back.
            rows_before = m_db.emptied(*rows_before);
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
        MIGLINT_TRY(round_trip(rev, step, **before, **after, rows_before, entry));
        if (failed_on_rows) {
          report_populated_failure(rev, *failed_on_rows, entry);
        }
        if (unverifiable_on_rows) {
          report_unverifiable_on_rows(rev, *unverifiable_on_rows, entry);
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

  Result<SchemaPtr> snapshot() { return m_db.snapshot(); }

  // Runs one body and its version-row changes inside a savepoint, which is released on
  // success and rolled back on failure.
  Result<BodyOutcome> run_body(const model::Revision& rev, bool up,
                               const std::vector<graph::VersionChange>& changes,
                               const char* phase, RevisionReport& entry)
  {
    const std::size_t commits = m_commits;
    MIGLINT_TRY(m_db.exec("SAVEPOINT miglint_body"));
    const auto started = std::chrono::steady_clock::now();
    RunContext context = m_db.run_context(m_db.sink());
    context.modules = m_options.modules;
    context.config_engine_is_target = m_options.config_engine_is_target;
    // The upgrades that walk the history forward are one `upgrade head`: SQLAlchemy's memo
    // of the enum types it created with tables spans them. The round trip's downgrade and
    // second upgrade stand for commands of their own, each with a memo of its own.
    const std::set<std::string> memo_before = m_forward_enum_types;
    if (std::string_view(phase).starts_with("upgrade")) {
      context.enum_types_created = &m_forward_enum_types;
    }
    BodyOutcome outcome = runner_for(rev.format).run(rev, up, context);
    entry.fallback_types.insert(outcome.fallback_types.begin(), outcome.fallback_types.end());
    PhaseTiming timing;
    timing.phase = phase;
    timing.statements = outcome.statements;
    timing.milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    entry.phases.push_back(std::move(timing));
    if (outcome.committed_at_line != 0) {
      ++m_commits; // every savepoint open before the body is gone
    }
    if (outcome.status == BodyStatus::ok) {
      // The checks the revision's COMMIT would run.
      if (auto checked = m_db.end_of_revision(); !checked) {
        outcome.status = BodyStatus::failed;
        outcome.message = checked.error().message;
        outcome.span = body_span(rev, up);
      }
    }
    if (outcome.status != BodyStatus::ok) {
      m_forward_enum_types = memo_before; // what the rolled back body created is gone
    }
    const bool savepoint_kept = m_commits == commits;
    if (outcome.status == BodyStatus::ok) {
      MIGLINT_TRY(apply_version_changes(m_table, changes));
      if (savepoint_kept) {
        MIGLINT_TRY(m_db.exec("RELEASE miglint_body"));
      }
    } else if (savepoint_kept) {
      MIGLINT_TRY(m_db.exec("ROLLBACK TO miglint_body; RELEASE miglint_body"));
    } else {
      // What the body committed stays, as it would on the real database.
      MIGLINT_TRY(m_db.exec("ROLLBACK"));
      MIGLINT_TRY(m_db.exec("BEGIN"));
    }
    return outcome;
  }

  // After an upgrade failed on tables with rows: runs it again with every table emptied.
  // Its outcome when that succeeds (the database then stays so), nullopt otherwise (the
  // rows are back).
  Result<std::optional<BodyOutcome>> upgrade_on_empty_tables(const model::Revision& rev,
                                                             const graph::PlanStep& step,
                                                             const ScratchDatabase::Schema& before,
                                                             RevisionReport& entry)
  {
    m_db.forget_writes(before);
    auto rows = m_db.rows_now(before);
    MIGLINT_TRY(rows);
    const std::vector<std::string> populated = m_db.populated_tables(**rows);
    if (populated.empty()) {
      return std::optional<BodyOutcome>();
    }
    const std::size_t commits = m_commits;
    MIGLINT_TRY(m_db.exec("SAVEPOINT miglint_empty_tables"));
    const bool emptied = static_cast<bool>(m_db.delete_rows(populated));
    std::optional<BodyOutcome> outcome;
    if (emptied) {
      auto again = run_body(rev, true, step.changes, "upgrade-on-empty-tables", entry);
      MIGLINT_TRY(again);
      if (again->status == BodyStatus::ok) {
        outcome = std::move(*again);
      }
    }
    if (m_commits != commits) {
      // An autocommit_block() committed the emptied tables: the rows cannot come back.
      if (!outcome) {
        lose_state(entry);
      }
      return outcome;
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

  // The upgrade ran only on empty tables: what it does to rows was not checked, so the
  // revision stays unverifiable (a check that did not run is not a pass) unless the
  // round trip on empty tables already found something wrong.
  void report_unverifiable_on_rows(const model::Revision& rev, const BodyOutcome& outcome,
                                   RevisionReport& entry)
  {
    const std::string message =
        fmt::format("cannot verify what revision {} does to existing rows: {}; its round trip "
                    "was checked on empty tables instead",
                    rev.id, outcome.message);
    m_report.findings.push_back(finding("MG306", rev, outcome.span, message));
    if (entry.status == "ok") {
      entry.status = "unverifiable";
      entry.at = outcome.span;
      entry.detail = fmt::format("{} (on empty tables it round-trips)", outcome.message);
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
                          const ScratchDatabase::Schema& before,
                          const ScratchDatabase::Schema& after, const RowsPtr& rows_before,
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
    const std::size_t commits = m_commits;
    MIGLINT_TRY(m_db.exec("SAVEPOINT miglint_round_trip"));
    auto checked = check_round_trip(rev, step, before, after, rows_before, entry);
    if (m_commits != commits) {
      // An autocommit_block() of the downgrade or of the second upgrade committed: nothing
      // can be undone. A clean round trip left the database as the upgrade did; any other
      // left it elsewhere, and the revisions after it cannot be verified from there.
      if (!checked || entry.status != "ok") {
        lose_state(entry);
      }
      return checked;
    }
    MIGLINT_TRY(m_db.exec("ROLLBACK TO miglint_round_trip; RELEASE miglint_round_trip"));
    return checked;
  }

  Result<void> check_round_trip(const model::Revision& rev, const graph::PlanStep& step,
                                const ScratchDatabase::Schema& before,
                                const ScratchDatabase::Schema& after, const RowsPtr& rows_before,
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
    if (auto differences = m_db.differences(before, **restored); !differences.empty()) {
      entry.status = "not-restored";
      entry.at = body_span(rev, false);
      entry.detail = differences.front();
      auto d = finding("MG303", rev, body_span(rev, false),
                       fmt::format("downgrade of revision {} does not restore the schema", rev.id));
      attach_differences(d, differences);
      m_report.findings.push_back(std::move(d));
      return {};
    }
    report_minor_differences(rev, before, **restored, false);
    if (rows_before && !suppressed_with_reason(rev, "MG307")) {
      auto lost = m_db.row_differences(*rows_before, before, after, **restored);
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
    if (auto differences = m_db.differences(after, **repeated); !differences.empty()) {
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
    report_minor_differences(rev, after, **repeated, true);
    entry.status = "ok";
    return {};
  }

  // Differences that do not change how the database behaves for the application, reported
  // apart at their own severities: column order (MG309) and PRAGMA user_version (MG310).
  void report_minor_differences(const model::Revision& rev, const ScratchDatabase::Schema& want,
                                const ScratchDatabase::Schema& got, bool up)
  {
    if (auto order = m_db.column_order_differences(want, got); !order.empty()) {
      auto d = finding("MG309", rev, body_span(rev, up),
                       fmt::format("after {} revision {} leaves columns in another order",
                                   up ? "upgrading again" : "downgrading", rev.id));
      attach_differences(d, order);
      m_report.findings.push_back(std::move(d));
    }
    if (auto version = m_db.user_version_difference(want, got)) {
      m_report.findings.push_back(finding("MG310", rev, body_span(rev, up),
                                          fmt::format("{} of revision {} leaves {}",
                                                      up ? "the second upgrade" : "the downgrade",
                                                      rev.id, *version)));
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
    const auto differences = m_db.differences(*m_db.empty_schema(), **left);
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

  // The database cannot be brought back to where the next revision starts (a committed
  // autocommit_block()): the revisions after this one are not reached; its note says why.
  void lose_state(RevisionReport& entry)
  {
    if (!m_state_lost) {
      m_state_lost = true;
      entry.notes.push_back(
        "an autocommit_block() committed while this revision was checked, and the database could "
        "not be brought back to where the next revision starts: the revisions after it are not "
        "reached");
    }
  }

  const graph::RevisionGraph& m_graph;
  ScratchDatabase& m_db;
  const RoundTripOptions& m_options;
  db::VersionStore& m_table;
  RoundTripReport m_report;
  std::set<std::string> m_noted;
  // Transactions a revision's autocommit_block() committed (PostgreSQL): each one ends
  // every savepoint open before it.
  std::size_t m_commits = 0;
  // A committed block kept the database from being brought back to where the next
  // revision must start: the rest is not reached.
  bool m_state_lost = false;
  // The enum types created with tables by the forward upgrades so far (PostgreSQL).
  std::set<std::string> m_forward_enum_types;
};

} // namespace

Result<RoundTripReport> verify_round_trips(const graph::RevisionGraph& graph,
                                           ScratchDatabase& db, const RoundTripOptions& options)
{
  Verifier verifier(graph, db, options);
  return verifier.run();
}

Result<RoundTripReport> verify_round_trips(const graph::RevisionGraph& graph,
                                           sqlite::Connection& db, const RoundTripOptions& options)
{
  SqliteScratch scratch(db, options.version_table);
  return verify_round_trips(graph, scratch, options);
}

} // namespace miglint::engine

// `miglint verify [--staged] [--db URL] [--from REV] [--to REV] [--start-from DB] [--rows N]
// [--allow-unverifiable]`: round-trips every revision on a scratch SQLite database (in
// memory unless --db names an empty one), optionally starting from a copy of an existing
// database, with sample rows in every table, and exits 1 unless every revision in range
// completed its round trip.
#include "cli/base_comparison.hpp"
#include "cli/commands.hpp"
#include "cli/database_access.hpp"
#include "cli/findings_output.hpp"
#include "cli/python_modules.hpp"
#include "cli/verify_summary.hpp"
#include "engine/postgres_scratch.hpp"
#include "engine/sqlite_scratch.hpp"
#include "postgres/scratch_database.hpp"
#include "engine/round_trip.hpp"
#include "rules/linter.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <cstdio>
#include <fmt/ranges.h>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

namespace miglint::cli {

namespace {

struct VerifyOptions {
  std::optional<std::string> db;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> against; // "" = the default base
  std::optional<std::string> start_from;
  bool allow_unverifiable = false;
  std::optional<std::string> rows; // --rows N, default 3
  bool staged = false; // the revisions as staged in the git index
  bool verbose = false; // say which types fell back to their class name, per revision
};

// `sqlalchemy_utils.UUIDType (as UUIDType), ...`
std::string describe_fallback_types(const std::set<engine::FallbackType>& types)
{
  std::vector<std::string> items;
  for (const auto& t : types) {
    items.push_back(fmt::format("{} (as {})", t.name, t.declared));
  }
  return fmt::format("{}", fmt::join(items, ", "));
}

// `--rows N`: a whole number, 0 or more.
std::optional<std::size_t> parse_rows(const std::optional<std::string>& text)
{
  if (!text) {
    return 3;
  }
  if (text->empty() || text->size() > 9 ||
      !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(std::stoul(*text));
}

// `--start-from DB`: copies the database (opened read-only, so it is never written) into
// the scratch one and returns the revisions it is at.
model::Result<std::vector<std::string>> start_from_copy(const Workspace& ws,
                                                        const std::string& text,
                                                        sqlite::Connection& scratch)
{
  auto target = sqlite::parse_database_url(text);
  MIGLINT_TRY(target);
  if (target->postgres) {
    return model::make_error("--start-from needs a SQLite database file", model::Error::Kind::usage);
  }
  if (target->memory) {
    return model::make_error("--start-from needs a database file, not an in-memory database",
                             model::Error::Kind::usage);
  }
  if (target->path.is_relative()) {
    target->path = ws.project.cwd / target->path;
  }
  target->read_only = true;
  auto original = open_database(*target, true, sqlite::k_default_busy_timeout_ms);
  MIGLINT_TRY(original);
  MIGLINT_TRY(scratch.copy_from(*original));
  auto rows = read_version_rows(scratch);
  MIGLINT_TRY(rows);
  for (const auto& row : *rows) {
    if (ws.graph().find(row) < 0) {
      return model::make_error(
          fmt::format("--start-from {}: the database is at revision {}, which is not one of "
                      "this project's revisions",
                      text, row),
          model::Error::Kind::usage);
    }
  }
  return rows;
}

// `verify --db postgresql://...`: a scratch database of verify's own on that server, empty
// or, with `--start-from postgresql://.../db`, a copy of that database (its template).
model::Result<postgres::ScratchDatabase>
open_postgres_scratch(const Workspace& ws, const postgres::Url& server,
                      const std::optional<std::string>& start_from, engine::RoundTripOptions& rt)
{
  std::optional<std::string> template_db;
  if (start_from) {
    auto source = sqlite::parse_database_url(*start_from);
    MIGLINT_TRY(source);
    if (!source->postgres) {
      return model::make_error("--start-from with a PostgreSQL --db needs a PostgreSQL database "
                               "on the same server",
                               model::Error::Kind::usage);
    }
    template_db = source->postgres->database();
  }
  auto scratch = postgres::ScratchDatabase::create(server, template_db);
  MIGLINT_TRY(scratch);
  std::fprintf(stderr, "miglint: verifying on %s, a scratch database dropped afterwards%s\n",
               server.with_database(scratch->name()).display.c_str(),
               template_db ? fmt::format(" (a copy of {})", *template_db).c_str() : "");
  if (template_db) {
    postgres::VersionTable table(scratch->connection(), rt.version_table);
    auto heads = table.heads();
    MIGLINT_TRY(heads);
    for (const auto& row : *heads) {
      if (ws.graph().find(row) < 0) {
        return model::make_error(
            fmt::format("--start-from {}: the database is at revision {}, which is not one of "
                        "this project's revisions",
                        *start_from, row),
            model::Error::Kind::usage);
      }
    }
    rt.start_heads = *heads;
  } else {
    auto objects = scratch->connection().query("SELECT count(*) FROM pg_catalog.pg_class c JOIN "
                                               "pg_catalog.pg_namespace n ON n.oid = "
                                               "c.relnamespace WHERE n.nspname = 'public'");
    MIGLINT_TRY(objects);
    if (objects->values.empty() || objects->values[0][0].value_or("0") != "0") {
      return model::make_error(
          "verify needs an empty scratch database, and the server's template database "
          "(template1) gives new databases tables of its own",
          model::Error::Kind::usage);
    }
  }
  return scratch;
}

// Verify's own findings take the severities of the configuration (`[rules] MG303 =
// "warning"`); a rule set to "off" drops its findings.
model::Result<std::vector<model::Diagnostic>>
apply_configured_severities(const config::Config& config, std::vector<model::Diagnostic> findings)
{
  std::vector<model::Diagnostic> kept;
  for (auto& d : findings) {
    const rules::RuleInfo* rule = rules::find_rule(d.code);
    if (rule == nullptr) {
      kept.push_back(std::move(d));
      continue;
    }
    auto severity = rules::configured_severity(config, *rule);
    MIGLINT_TRY(severity);
    if (*severity) {
      d.severity = **severity;
      kept.push_back(std::move(d));
    }
  }
  return kept;
}

model::Result<graph::NodeId> resolve_bound(const graph::RevisionGraph& graph,
                                           const std::optional<std::string>& text)
{
  if (!text) {
    return -1;
  }
  auto r = graph.resolve_one(*text);
  if (!r) {
    return r.error();
  }
  return r->empty() ? -1 : r->front();
}

// The per-revision record of the JSON output: status, phases and statement timings.
nlohmann::json revisions_json(const graph::RevisionGraph& graph,
                              const engine::RoundTripReport& report)
{
  nlohmann::json out = nlohmann::json::array();
  for (const auto& entry : report.revisions) {
    const model::Revision& rev = graph.rev(entry.rev);
    const model::LineIndex lines(rev.file->text);
    nlohmann::json phases = nlohmann::json::array();
    for (const auto& phase : entry.phases) {
      nlohmann::json steps = nlohmann::json::array();
      for (const auto& s : phase.statements) {
        steps.push_back({{"name", s.name},
                         {"line", lines.position(s.span.begin).line},
                         {"ms", s.milliseconds}});
      }
      phases.push_back({{"phase", phase.phase}, {"ms", phase.milliseconds}, {"steps", steps}});
    }
    nlohmann::json item = {{"revision", rev.id},
                           {"path", rev.path()},
                           {"status", entry.status},
                           {"phases", phases}};
    if (!entry.detail.empty()) {
      item["line"] = lines.position(entry.at.begin).line;
      item["detail"] = entry.detail;
    }
    if (!entry.notes.empty()) {
      item["notes"] = entry.notes;
    }
    for (const auto& t : entry.fallback_types) {
      item["fallback_types"].push_back({{"type", t.name}, {"declared", t.declared}});
    }
    out.push_back(std::move(item));
  }
  return out;
}

int run_verify(const GlobalOptions& global, const VerifyOptions& options)
{
  std::optional<git::Repository> staged_repo;
  auto ws = options.staged ? open_staged_workspace(global, staged_repo) : open_workspace(global);
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  if (!require_sound_graph(*ws)) {
    return 2;
  }
  const auto& graph = ws->graph();
  engine::RoundTripOptions rt;
  // The application's modules and env.py come from where the revisions do.
  std::unique_ptr<source::Source> staged_files;
  if (staged_repo) {
    auto index = staged_repo->index_source();
    if (!index) return usage_failure(index.error().message);
    staged_files = std::move(*index);
  }
  const auto files = python_files(staged_files.get(), staged_repo ? &*staged_repo : nullptr);
  const source::PythonModules modules = project_python_modules(*ws, files);
  rt.modules = &modules;
  rt.config_engine_is_target = env_connects_with_config_engine(*ws, files);
  auto from = resolve_bound(graph, options.from);
  auto to = resolve_bound(graph, options.to);
  if (!from || !to) {
    return usage_failure(!from ? from.error().message : to.error().message);
  }
  rt.from = *from;
  rt.to = *to;
  const std::optional<std::size_t> rows = parse_rows(options.rows);
  if (!rows) {
    return usage_failure(
        fmt::format("--rows needs a whole number of rows (0 or more), not '{}'", *options.rows));
  }
  rt.seed_rows = *rows;
  if (options.against) {
    // Check only what this branch adds; its ancestors are upgraded through.
    auto repo = git::Repository::discover(ws->project.cwd);
    if (!repo) {
      return usage_failure(fmt::format("--against needs a git repository: {}",
                                       repo.error().message));
    }
    auto base = read_base(*ws, *repo, *options.against);
    if (!base) {
      return usage_failure(base.error().message);
    }
    rt.only.assign(graph.size(), false);
    std::size_t added = 0;
    for (std::size_t i = 0; i < graph.size(); ++i) {
      const auto& id = graph.rev(static_cast<graph::NodeId>(i)).id;
      rt.only[i] = base->ref_build.graph.find(id) < 0;
      added += rt.only[i];
    }
    std::fprintf(stderr, "miglint: checking the %zu revision%s this branch adds over %s\n", added,
                 added == 1 ? "" : "s", base->ref.c_str());
  }

  // Only an explicit --db: verify must never touch the database the environment names.
  // Declared before `scratch`, which uses them: they are closed after it.
  std::optional<postgres::ScratchDatabase> pg_database;
  std::optional<sqlite::Connection> sqlite_database;
  std::unique_ptr<engine::ScratchDatabase> scratch;
  std::optional<sqlite::DatabaseTarget> target;
  if (options.db) {
    auto parsed = sqlite::parse_database_url(*options.db);
    if (!parsed) {
      return fail(parsed.error().message, 2);
    }
    target = std::move(*parsed);
  }
  if (target && target->postgres) {
    auto created = open_postgres_scratch(*ws, *target->postgres, options.start_from, rt);
    if (!created) {
      return fail(created.error().message, 2);
    }
    pg_database.emplace(std::move(*created));
    auto begun = engine::PostgresScratch::begin(pg_database->connection(), rt.version_table);
    if (!begun) {
      return fail(begun.error().message, 2);
    }
    scratch = std::move(*begun);
  } else {
    auto db = [&]() -> model::Result<sqlite::Connection> {
      if (!target) {
        return sqlite::Connection::open_memory();
      }
      if (!target->memory && target->path.is_relative()) {
        target->path = ws->project.cwd / target->path;
      }
      return open_database(*target, false, sqlite::k_default_busy_timeout_ms);
    }();
    if (!db) {
      return fail(db.error().message, 2);
    }
    if (options.db) {
      auto objects = db->prepare("SELECT count(*) FROM sqlite_master");
      if (!objects || !objects->step() || objects->column_int(0) != 0) {
        return fail(
            fmt::format("verify needs an empty scratch database; {} is not empty", *options.db), 2);
      }
    }
    if (options.start_from) {
      auto heads = start_from_copy(*ws, *options.start_from, *db);
      if (!heads) {
        return fail(heads.error().message, 2);
      }
      rt.start_heads = *heads;
      std::fprintf(stderr, "miglint: verifying from a copy of %s, at %s\n",
                   options.start_from->c_str(),
                   heads->empty() ? "base (no version rows)"
                                  : fmt::format("{}", fmt::join(*heads, ", ")).c_str());
    }
    sqlite_database.emplace(std::move(*db));
    scratch = std::make_unique<engine::SqliteScratch>(*sqlite_database, rt.version_table);
  }
  const rules::RuleInfo* unverifiable_rule = rules::find_rule("MG306");
  auto unverifiable_severity = rules::configured_severity(ws->project.config, *unverifiable_rule);
  if (!unverifiable_severity) {
    return usage_failure(unverifiable_severity.error().message);
  }
  const bool accept_unverifiable =
      options.allow_unverifiable || !*unverifiable_severity ||
      **unverifiable_severity != model::Severity::error;

  auto report = engine::verify_round_trips(graph, *scratch, rt);
  if (!report) {
    return fail(report.error().message, 2);
  }
  auto findings = apply_configured_severities(ws->project.config, std::move(report->findings));
  if (!findings) {
    return usage_failure(findings.error().message);
  }
  if (options.allow_unverifiable) {
    for (auto& d : *findings) {
      if (d.code == "MG306" && d.severity == model::Severity::error) {
        d.severity = model::Severity::warning;
      }
    }
  }
  const VerifyTally tally = tally_outcomes(*report);
  const int outcome_code = verify_failed(tally, accept_unverifiable) ? 1 : 0;
  const std::size_t checked = report->checked;
  const std::string what = fmt::format("{} revision{} verified", checked, checked == 1 ? "" : "s");
  const report::Summary summary{graph.size(), checked};
  if (global.format == "json") {
    auto json = nlohmann::json::parse(report::render_json(*findings, summary));
    json["revisions"] = revisions_json(graph, *report);
    json["summary"]["final_downgrade_checked"] = report->final_check;
    json["summary"]["ms"] = report->milliseconds;
    add_tally_json(json["summary"], tally, accept_unverifiable);
    std::string text = json.dump(2) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    const bool errors = std::any_of(findings->begin(), findings->end(),
                                    [](const auto& d) { return d.severity == model::Severity::error; });
    return std::max(errors ? 1 : 0, outcome_code);
  }
  for (const auto& entry : report->revisions) {
    for (const auto& note : entry.notes) {
      std::fprintf(stderr, "miglint: note: before revision %s: %s\n",
                   graph.rev(entry.rev).id.c_str(), note.c_str());
    }
    if (options.verbose && !entry.fallback_types.empty()) {
      std::fprintf(stderr,
                   "miglint: note: revision %s declares types miglint cannot resolve under their "
                   "class name; those columns are compared as declared: %s\n",
                   graph.rev(entry.rev).id.c_str(),
                   describe_fallback_types(entry.fallback_types).c_str());
    }
  }
  if (!report->final_check) {
    // A check that did not run is said so, not left out.
    std::fprintf(stderr, "miglint: note: the final downgrade of every revision to base was not "
                         "run (%s)\n",
                 options.from || options.to || options.against || options.start_from
                     ? "only part of the history was verified"
                     : "not every revision round-tripped");
  }
  const int findings_code = emit_findings(global, *findings, summary, what,
                                          summary_line(graph, tally, accept_unverifiable));
  return std::max(findings_code, outcome_code);
}

} // namespace

void add_verify_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<VerifyOptions>();
  auto* sub = app.add_subcommand("verify", "Round-trip every revision on a scratch database");
  sub->add_option("--db", options->db, "An empty scratch database (default: in memory)")
      ->option_text("URL");
  sub->add_option("--against", options->against,
                  "Check only the revisions this branch adds over REF (default: the base branch)")
      ->expected(0, 1)
      ->default_str("")
      ->option_text("[REF]");
  sub->add_option("--from", options->from, "Check only this revision and its descendants")
      ->option_text("REV");
  sub->add_option("--to", options->to, "Check only this revision and its ancestors")
      ->option_text("REV");
  sub->add_option("--start-from", options->start_from,
                  "Start from a copy of this SQLite database (never written) and verify the "
                  "revisions above the one it is at")
      ->option_text("DB");
  sub->add_option("--rows", options->rows,
                  "Before each upgrade, fill every table with fewer than N rows up to N sample "
                  "rows, and check that each downgrade brings every row back (default 3; 0: no "
                  "sample rows)")
      ->option_text("N");
  sub->add_flag("--staged", options->staged,
                "Verify the revisions as staged in the git index (what a commit would record)");
  sub->add_flag("-v,--verbose", options->verbose,
                "Also say which column types miglint could not resolve and declared by their "
                "class name, per revision");
  sub->add_flag("--allow-unverifiable", options->allow_unverifiable,
                "Exit 0 even when revisions could not be run (unverifiable, not reached); the "
                "summary still counts them");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_verify(global, *options); };
  });
}

} // namespace miglint::cli

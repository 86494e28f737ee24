#include "engine/migrator.hpp"
#include "engine/round_trip.hpp"
#include "readers/reader.hpp"
#include "sqlite/migration_target.hpp"
#include "sqlite/version_table.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

using namespace miglint;

namespace {

model::Revision sql_revision(const std::string& id, const std::string& revises,
                             const std::string& up, const std::string& down)
{
  auto file = std::make_shared<model::SourceFile>(model::SourceFile{
      "versions/" + id + "_x.sql", "-- revision " + id + "\n--\n-- Revision ID: " + id +
                                       "\n-- Revises: " + revises +
                                       "\n\n-- migrate:up\n" + up + "\n\n-- migrate:down\n" +
                                       down + "\n"});
  auto outcome = readers::read_revision(file);
  REQUIRE(outcome.revision);
  return std::move(*outcome.revision);
}

graph::RevisionGraph chain(const std::string& second_up)
{
  std::vector<model::Revision> revs;
  revs.push_back(sql_revision("aaa111", "", "CREATE TABLE t (id INTEGER PRIMARY KEY);",
                              "DROP TABLE t;"));
  revs.push_back(sql_revision("bbb222", "aaa111", second_up, "DROP TABLE u;"));
  auto build = graph::RevisionGraph::build(std::move(revs));
  REQUIRE(build.errors.empty());
  return std::move(build.graph);
}

sqlite::Connection memory_db()
{
  auto db = sqlite::Connection::open_memory();
  REQUIRE(db);
  return std::move(*db);
}

} // namespace

TEST_SUITE("engine::migrate")
{
  TEST_CASE("a failing statement rolls back its revision only and names file and line")
  {
    const auto g = chain("CREATE TABLE u (id INTEGER);\nINSERT INTO nowhere VALUES (1);");
    sqlite::MigrationTarget target(memory_db(), "alembic_version");
    sqlite::Connection& db = *target.sqlite_connection();
    std::vector<std::string> log;
    engine::MigrateOptions options;
    options.log = [&](const std::string& line) { log.push_back(line); };
    auto planner = [&](const std::vector<std::string>& current) {
      return graph::plan_upgrade(g, current, "heads");
    };
    auto done = engine::migrate(g, target, planner, options);
    REQUIRE_FALSE(done);
    CHECK(done.error().message.find("versions/bbb222_x.sql:8:1: error: upgrade of revision "
                                    "bbb222 failed: no such table: nowhere") == 0);
    sqlite::VersionTable table(db);
    CHECK(*table.heads() == std::vector<std::string>{"aaa111"});
    auto u = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'u'");
    REQUIRE(u);
    REQUIRE(*u->step());
    CHECK(u->column_int(0) == 0);
    CHECK(log == std::vector<std::string>{"Running upgrade  -> aaa111, revision aaa111",
                                          "Running upgrade aaa111 -> bbb222, revision bbb222"});
  }

  TEST_CASE("offline script carries the version table DML")
  {
    const auto g = chain("CREATE TABLE u (id INTEGER);");
    auto plan = graph::plan_upgrade(g, {}, "heads");
    REQUIRE(plan);
    auto script = engine::render_script(g, *plan, {});
    REQUIRE(script);
    CHECK(script->find("-- Running upgrade  -> aaa111\n\nCREATE TABLE t (id INTEGER PRIMARY KEY);") !=
          std::string::npos);
    CHECK(script->find("UPDATE alembic_version SET version_num='bbb222' WHERE "
                       "alembic_version.version_num = 'aaa111';") != std::string::npos);
  }

  TEST_CASE("round trip reports a leftover table at the down section")
  {
    std::vector<model::Revision> revs;
    revs.push_back(sql_revision("aaa111", "", "CREATE TABLE t (id INTEGER);", ""));
    auto build = graph::RevisionGraph::build(std::move(revs));
    REQUIRE(build.errors.empty());
    auto db = memory_db();
    auto report = engine::verify_round_trips(build.graph, db, {});
    REQUIRE(report);
    REQUIRE(report->findings.size() == 1);
    CHECK(report->findings[0].code == "MG303");
    CHECK(report->findings[0].message.find("table \"t\"") != std::string::npos);
  }
}

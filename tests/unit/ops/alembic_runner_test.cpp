#include "ops/alembic_runner.hpp"

#include "engine/body_runner.hpp"
#include "readers/reader.hpp"
#include "sqlite/database.hpp"

#include <doctest/doctest.h>

using namespace miglint;

namespace {

struct Run {
  engine::BodyOutcome outcome;
  std::string schema;
  ops::InterpretStats stats;
};

std::string schema_of(sqlite::Connection& db)
{
  auto stmt = db.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name");
  std::string out;
  while (stmt && *stmt->step()) {
    out += stmt->column_text(0) + ";\n";
  }
  return out;
}

model::Revision revision(const std::string& up, const std::string& down = "    pass")
{
  auto file = std::make_shared<model::SourceFile>();
  file->path = "versions/a1_x.py";
  file->text = "\"\"\"x\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n"
               "from app.types import GUID\n\nrevision = 'a1'\ndown_revision = None\n\n"
               "def upgrade():\n" + up + "\n\ndef downgrade():\n" + down + "\n";
  auto read = readers::read_alembic(file);
  for (const auto& d : read.diagnostics) {
    INFO(d.message);
  }
  if (!read.diagnostics.empty()) {
    FAIL_CHECK(read.diagnostics.front().message);
  }
  REQUIRE(read.revision);
  return *read.revision;
}

Run run(sqlite::Connection& db, const model::Revision& rev, bool up = true)
{
  engine::ConnectionSink sink(db);
  engine::RunContext context{&db, sink};
  Run r;
  r.outcome = ops::run_alembic_body(rev, up, context, &r.stats);
  r.schema = schema_of(db);
  return r;
}

} // namespace

TEST_SUITE("ops::AlembicRunner")
{
  TEST_CASE("create_table with an application type declares it by name")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto r = run(*db, revision("    op.create_table('t', sa.Column('id', GUID(), primary_key=True),\n"
                               "        sa.Column('n', sa.String(5), index=True))"));
    CHECK(r.outcome.status == engine::BodyStatus::ok);
    CHECK(r.schema == "CREATE INDEX ix_t_n ON t (n);\n"
                      "CREATE TABLE t (\n\tid GUID NOT NULL, \n\tn VARCHAR(5), \n\tPRIMARY KEY (id)\n);\n");
    CHECK(r.stats.op_calls == 1);
    CHECK(r.outcome.fallback_types ==
          std::set<engine::FallbackType>{{"app.types.GUID", "GUID"}});
  }

  TEST_CASE("a batch rebuild leaves the quoted name Alembic's rename leaves")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    REQUIRE(run(*db, revision("    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))\n"
                              "    op.execute(\"INSERT INTO t (id) VALUES (4)\")"))
                .outcome.status == engine::BodyStatus::ok);
    auto r = run(*db, revision("    with op.batch_alter_table('t') as b:\n"
                               "        b.add_column(sa.Column('x', sa.Integer(), server_default=sa.text('1')))"));
    CHECK(r.outcome.status == engine::BodyStatus::ok);
    CHECK(r.schema == "CREATE TABLE \"t\" (\n\tid INTEGER NOT NULL, \n\tx INTEGER DEFAULT 1, \n"
                      "\tPRIMARY KEY (id)\n);\n");
    auto rows = db->prepare("SELECT id, x FROM t");
    REQUIRE(rows);
    REQUIRE(*rows->step());
    CHECK(rows->column_int(0) == 4);
    CHECK(rows->column_int(1) == 1);
  }

  TEST_CASE("typed bulk_insert values bind as SQLAlchemy's SQLite processors bind them")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    REQUIRE(run(*db, revision("    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True),\n"
                              "        sa.Column('s', sa.String()), sa.Column('d', sa.Date()))"))
                .outcome.status == engine::BodyStatus::ok);
    // Numeric and Float bind float(value): 3 lands in a VARCHAR column as '3.0'.
    auto r = run(*db, revision("    t = sa.table('t', sa.column('id'), sa.column('s', sa.Float))\n"
                               "    op.bulk_insert(t, [{'id': 1, 's': 3}, {'id': 2, 's': '2.50'}])"));
    CHECK(r.outcome.status == engine::BodyStatus::ok);
    auto rows = db->prepare("SELECT group_concat(s, ' ') FROM t");
    REQUIRE(rows);
    REQUIRE(*rows->step());
    CHECK(rows->column_text(0) == "3.0 2.5");
    // Date types take date objects only.
    r = run(*db, revision("    t = sa.table('t', sa.column('id'), sa.column('d', sa.Date()))\n"
                          "    op.bulk_insert(t, [{'id': 3, 'd': '2020-01-01'}])"));
    CHECK(r.outcome.status == engine::BodyStatus::failed);
    CHECK(r.outcome.message.find("SQLite Date type only accepts Python date objects") != std::string::npos);
  }

  TEST_CASE("dates, times, intervals, Decimals and bytes bind as SQLAlchemy and sqlite3 bind them")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    REQUIRE(run(*db, revision("    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True),\n"
                              "        sa.Column('d', sa.Date()), sa.Column('dt', sa.DateTime()),\n"
                              "        sa.Column('tm', sa.Time()), sa.Column('iv', sa.Interval()),\n"
                              "        sa.Column('b', sa.LargeBinary()), sa.Column('n', sa.Numeric(10, 2)),\n"
                              "        sa.Column('u', sa.Text()))"))
                .outcome.status == engine::BodyStatus::ok);
    auto r = run(*db, revision(
                          "    import datetime\n"
                          "    from decimal import Decimal\n"
                          "    t = sa.table('t', sa.column('id'), sa.column('d', sa.Date), sa.column('dt', sa.DateTime()),\n"
                          "        sa.column('tm', sa.Time()), sa.column('iv', sa.Interval()),\n"
                          "        sa.column('b', sa.LargeBinary()), sa.column('n', sa.Numeric()), sa.column('u'))\n"
                          "    op.bulk_insert(t, [{'id': 1, 'd': datetime.date(2020, 2, 29),\n"
                          "        'dt': datetime.datetime(2021, 3, 4, 5, 6, 7), 'tm': datetime.time(8, 9, 10, 11),\n"
                          "        'iv': datetime.timedelta(days=3, seconds=5), 'b': b'\\x00a', 'n': Decimal('1.50'),\n"
                          "        'u': datetime.datetime(2000, 1, 2, 3, 4, 5)}])"));
    CHECK(r.outcome.status == engine::BodyStatus::ok);
    auto row = db->prepare("SELECT d, dt, tm, iv, hex(b), n, u FROM t");
    REQUIRE(row);
    REQUIRE(*row->step());
    CHECK(row->column_text(0) == "2020-02-29");
    CHECK(row->column_text(1) == "2021-03-04 05:06:07.000000");
    CHECK(row->column_text(2) == "08:09:10.000011");
    CHECK(row->column_text(3) == "1970-01-04 00:00:05.000000");
    CHECK(row->column_text(4) == "0061");
    CHECK(row->column_text(5) == "1.5");
    CHECK(row->column_text(6) == "2000-01-02 03:04:05"); // untyped: sqlite3's isoformat(" ")
    // A time has no sqlite3 adapter; a Date column takes no string.
    r = run(*db, revision("    import datetime\n"
                          "    op.bulk_insert(sa.table('t', sa.column('id'), sa.column('u')),\n"
                          "                   [{'id': 2, 'u': datetime.time(1, 2)}])"));
    CHECK(r.outcome.status == engine::BodyStatus::failed);
    r = run(*db, revision("    import datetime\n"
                          "    op.execute(sa.text('UPDATE t SET u = :v').bindparams(v=datetime.timedelta(1)))"));
    CHECK(r.outcome.status == engine::BodyStatus::failed);
    CHECK(r.outcome.message.find("type 'datetime.timedelta' is not supported") != std::string::npos);
    r = run(*db, revision("    import datetime\n"
                          "    op.bulk_insert(sa.table('t', sa.column('id'), sa.column('d', sa.Date())),\n"
                          "                   [{'id': 2, 'd': datetime.date(2020, 2, 30)}])"));
    CHECK(r.outcome.status == engine::BodyStatus::failed);
    CHECK(r.outcome.message.find("day is out of range for month") != std::string::npos);
  }

  TEST_CASE("constraint changes outside batch mode fail as in Alembic")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto r = run(*db, revision("    op.create_foreign_key('fk', 'a', 'b', ['x'], ['id'])"));
    CHECK(r.outcome.status == engine::BodyStatus::failed);
    CHECK(r.outcome.message.find("No support for ALTER of constraints") != std::string::npos);
  }

  TEST_CASE("application calls are not runnable and name their line")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto r = run(*db, revision("    from app.data import backfill\n    backfill(op)"));
    CHECK(r.outcome.status == engine::BodyStatus::not_runnable);
    CHECK(r.outcome.message.find("app.data.backfill") != std::string::npos);
    CHECK(r.outcome.message.find("line 12") != std::string::npos);
  }

  TEST_CASE("a downgrade that only raises is irreversible")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto rev = revision("    op.execute('select 1')", "    raise NotImplementedError()");
    CHECK(run(*db, rev, false).outcome.status == engine::BodyStatus::irreversible);
  }

  TEST_CASE("locals, loops, f-strings and %-formatting")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto r = run(*db, revision("    name = 'things'\n"
                               "    op.create_table(name, sa.Column('id', sa.Integer, primary_key=True),\n"
                               "        *[sa.Column(c, sa.Text) for c in ('a', 'b')])\n"
                               "    for c in ['a', 'b']:\n"
                               "        op.create_index(op.f(f'ix_{name}_{c}'), name, [c])\n"
                               "    op.execute(\"INSERT INTO %s (a) VALUES ('%s')\" % (name, 'x'))"));
    CHECK(r.outcome.status == engine::BodyStatus::ok);
    CHECK(r.schema.find("CREATE INDEX ix_things_b ON things (b)") != std::string::npos);
    CHECK(r.stats.op_calls == 4);
  }
}

// batch_alter_table as Alembic 1.8 applies it on SQLite: where the rebuilt table's
// columns go, when the table is rebuilt at all, what reflection keeps, and the batch
// calls Alembic refuses. Each case was first seen as a difference from real Alembic on
// a generated project (tests/e2e/test_ops_random_parity.py).
#include "ops/alembic_runner.hpp"

#include "engine/body_runner.hpp"
#include "readers/reader.hpp"
#include "sqlite/database.hpp"

#include <doctest/doctest.h>

using namespace miglint;

namespace {

model::Revision batch_revision(const std::string& up)
{
  auto file = std::make_shared<model::SourceFile>();
  file->path = "versions/b1_x.py";
  file->text = "\"\"\"x\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\n"
               "revision = 'b1'\ndown_revision = None\n\n"
               "def upgrade():\n" + up + "\n\ndef downgrade():\n    pass\n";
  auto read = readers::read_alembic(file);
  REQUIRE(read.revision);
  return *read.revision;
}

engine::BodyOutcome run(sqlite::Connection& db, const std::string& up)
{
  engine::ConnectionSink sink(db);
  engine::RunContext context{&db, sink};
  return ops::run_alembic_body(batch_revision(up), true, context, nullptr);
}

std::string table_sql(sqlite::Connection& db, const std::string& table)
{
  auto stmt = db.prepare("SELECT sql FROM sqlite_master WHERE name = '" + table + "'");
  REQUIRE(stmt);
  REQUIRE(*stmt->step());
  return stmt->column_text(0);
}

std::string columns(sqlite::Connection& db, const std::string& table)
{
  auto stmt = db.prepare("SELECT group_concat(name, ' ') FROM pragma_table_info('" + table + "')");
  REQUIRE(stmt);
  REQUIRE(*stmt->step());
  return stmt->column_text(0);
}

std::unique_ptr<sqlite::Connection> with_table(const std::string& create)
{
  auto db = sqlite::Connection::open_memory();
  REQUIRE(db);
  auto made = run(*db, create);
  REQUIRE(made.status == engine::BodyStatus::ok);
  return std::make_unique<sqlite::Connection>(std::move(*db));
}

const char* const k_abc =
    "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True),\n"
    "        sa.Column('a', sa.Integer()), sa.Column('b', sa.Integer()), sa.Column('c', sa.Integer()))\n"
    "    op.execute('INSERT INTO t (id, a, b, c) VALUES (1, 10, 20, 30)')";

} // namespace

TEST_SUITE("ops::batch")
{
  TEST_CASE("a column added before the last column is dropped follows the column before it")
  {
    // Alembic orders the rebuilt table topologically: x only has to come after c, which
    // is gone, so x is free from the first round and lands right after id.
    auto db = with_table(k_abc);
    auto r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                      "        batch_op.add_column(sa.Column('x', sa.Integer()))\n"
                      "        batch_op.drop_column('c')");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(columns(*db, "t") == "id x a b");
  }

  TEST_CASE("a column dropped before the add puts the added column last")
  {
    auto db = with_table(k_abc);
    auto r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                      "        batch_op.drop_column('c')\n"
                      "        batch_op.add_column(sa.Column('x', sa.Integer()))");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(columns(*db, "t") == "id a b x");
  }

  TEST_CASE("insert_before and insert_after place added columns among the old ones")
  {
    auto db = with_table(k_abc);
    auto r = run(*db, "    with op.batch_alter_table('t', recreate='always') as batch_op:\n"
                      "        batch_op.add_column(sa.Column('x', sa.Integer()), insert_before='b')\n"
                      "        batch_op.add_column(sa.Column('y', sa.Integer()), insert_after='x')\n"
                      "        batch_op.add_column(sa.Column('z', sa.Integer()), insert_after='id')");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(columns(*db, "t") == "id z a x y b c");
  }

  TEST_CASE("a renamed column is still found under its old name, not its new one")
  {
    auto db = with_table(k_abc);
    auto r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                      "        batch_op.alter_column('a', new_column_name='aa')\n"
                      "        batch_op.create_index('ix_t_aa', ['aa'])");
    CHECK(r.status == engine::BodyStatus::failed);
    CHECK(r.message.find("KeyError: 'aa'") != std::string::npos);
    r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                 "        batch_op.alter_column('a', new_column_name='aa')\n"
                 "        batch_op.create_index('ix_t_aa', ['a'])");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(table_sql(*db, "ix_t_aa") == "CREATE INDEX ix_t_aa ON t (aa)");
  }

  TEST_CASE("an sa.text() server default makes the batch rebuild the table, a string does not")
  {
    auto db = with_table(k_abc);
    REQUIRE(run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                     "        batch_op.add_column(sa.Column('s', sa.String(), server_default='x'))")
                .status == engine::BodyStatus::ok);
    CHECK(table_sql(*db, "t").starts_with("CREATE TABLE t ("));
    REQUIRE(run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                     "        batch_op.add_column(sa.Column('q', sa.String(), server_default=sa.text(\"'x'\")))")
                .status == engine::BodyStatus::ok);
    CHECK(table_sql(*db, "t").starts_with("CREATE TABLE \"t\" ("));
  }

  TEST_CASE("of two foreign keys with one signature the rebuilt table keeps the first")
  {
    auto db = with_table("    op.create_table('p', sa.Column('id', sa.Integer(), primary_key=True))\n"
                         "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True),\n"
                         "        sa.Column('p_id', sa.Integer(), sa.ForeignKey('p.id')),\n"
                         "        sa.ForeignKeyConstraint(['p_id'], ['p.id'], name='fk_named'))");
    auto r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                      "        batch_op.add_column(sa.Column('x', sa.Integer()))\n"
                      "        batch_op.alter_column('x', nullable=True)");
    CHECK(r.status == engine::BodyStatus::ok);
    const std::string sql = table_sql(*db, "t");
    CHECK(sql.find("CONSTRAINT fk_named FOREIGN KEY(p_id) REFERENCES p (id)") != std::string::npos);
    CHECK(sql.find("FOREIGN KEY", sql.find("FOREIGN KEY") + 1) == std::string::npos);
  }

  TEST_CASE("renaming with an Enum existing_type drops the constraint named like the Enum")
  {
    auto db = with_table("    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True),\n"
                         "        sa.Column('kind', sa.String(5)),\n"
                         "        sa.CheckConstraint(\"kind IN ('a', 'b')\", name='kind_enum'))");
    auto r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                      "        batch_op.alter_column('kind', new_column_name='sort',\n"
                      "            existing_type=sa.Enum('a', 'b', name='kind_enum'))");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(table_sql(*db, "t").find("CHECK") == std::string::npos);
  }

  TEST_CASE("renaming or dropping with an Interval or PickleType existing_type fails as in Alembic")
  {
    auto db = with_table(k_abc);
    auto r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                      "        batch_op.alter_column('a', new_column_name='aa', existing_type=sa.Interval())");
    CHECK(r.status == engine::BodyStatus::failed);
    CHECK(r.message.find("AttributeError: 'DateTime' object has no attribute 'name'") != std::string::npos);
    r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                 "        batch_op.drop_column('b', existing_type=sa.PickleType())");
    CHECK(r.status == engine::BodyStatus::failed);
    CHECK(r.message.find("'LargeBinary' object has no attribute 'name'") != std::string::npos);
    // Without a rename the existing type is not looked at.
    r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                 "        batch_op.alter_column('a', nullable=False, existing_type=sa.Interval())");
    CHECK(r.status == engine::BodyStatus::ok);
  }

  TEST_CASE("an index over a column the batch drops makes the rebuild fail")
  {
    auto db = with_table(k_abc + std::string("\n    op.create_index('ix_t_b', 't', ['b'])"));
    auto r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                      "        batch_op.drop_column('b')");
    CHECK(r.status == engine::BodyStatus::failed);
    CHECK(r.message.find("no such column") != std::string::npos);
  }

  TEST_CASE("a partial index keeps its predicate through a rebuild, and batch_op makes one")
  {
    auto db = with_table(k_abc + std::string("\n    op.create_index('ix_t_a', 't', ['a'], "
                                             "sqlite_where=sa.text('a IS NOT NULL'))"));
    auto r = run(*db, "    with op.batch_alter_table('t') as batch_op:\n"
                      "        batch_op.alter_column('b', nullable=False)\n"
                      "        batch_op.create_index('ix_t_c', ['c'], sqlite_where=sa.text('c > 0'))");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(table_sql(*db, "t").starts_with("CREATE TABLE \"t\""));
    CHECK(table_sql(*db, "ix_t_a") == "CREATE INDEX ix_t_a ON t (a) WHERE a IS NOT NULL");
    CHECK(table_sql(*db, "ix_t_c") == "CREATE INDEX ix_t_c ON t (c) WHERE c > 0");
  }

  TEST_CASE("names starting with an underscore are not quoted")
  {
    auto db = with_table("    op.create_table('_audit', sa.Column('id', sa.Integer(), primary_key=True),\n"
                         "        sa.Column('_x', sa.Integer(), index=True))");
    CHECK(table_sql(*db, "_audit") == "CREATE TABLE _audit (\n\tid INTEGER NOT NULL, \n\t_x INTEGER, \n"
                                      "\tPRIMARY KEY (id)\n)");
    CHECK(table_sql(*db, "ix__audit__x") == "CREATE INDEX ix__audit__x ON _audit (_x)");
  }
}

#include "ops/alembic_runner.hpp"

#include "engine/body_runner.hpp"
#include "readers/reader.hpp"
#include "sqlite/database.hpp"

#include <doctest/doctest.h>

using namespace miglint;

namespace {

model::Revision body_revision(const std::string& module, const std::string& up)
{
  auto file = std::make_shared<model::SourceFile>();
  file->path = "versions/b1_x.py";
  file->text = "\"\"\"x\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n" + module +
               "\nrevision = 'b1'\ndown_revision = None\n\n"
               "def upgrade():\n" + up + "\n\ndef downgrade():\n    pass\n";
  auto read = readers::read_alembic(file);
  REQUIRE(read.revision);
  return *read.revision;
}

engine::BodyOutcome run_up(sqlite::Connection& db, const std::string& module, const std::string& up)
{
  engine::ConnectionSink sink(db);
  engine::RunContext context{&db, sink};
  return ops::run_alembic_body(body_revision(module, up), true, context, nullptr);
}

std::string query(sqlite::Connection& db, const std::string& sql)
{
  auto stmt = db.prepare(sql);
  std::string out;
  while (stmt && *stmt->step()) {
    for (int i = 0; i < stmt->column_count(); ++i) out += (i ? "|" : "") + stmt->column_text(i);
    out += ";";
  }
  return out;
}

bool mentions(const engine::BodyOutcome& o, const std::string& word)
{
  return o.message.find(word) != std::string::npos;
}

} // namespace

TEST_SUITE("ops::Evaluator")
{
  TEST_CASE("module constants, helpers with defaults, closures and loops over dict items")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto r = run_up(*db, "COLS = {'a': 1, 'b': 2}\n",
                    "    def make(name, extra=()):\n"
                    "        def col(n):\n"
                    "            return sa.Column(n, sa.Integer())\n"
                    "        return [col(k) for k in sorted(COLS)] + list(extra)\n"
                    "    op.create_table('t', sa.Column('id', sa.Integer, primary_key=True), *make('t'))\n"
                    "    for k, v in COLS.items():\n"
                    "        op.execute(f\"INSERT INTO t (id, {k}) VALUES ({v}, {v * 10:03d})\")");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(query(*db, "SELECT id, a, b FROM t ORDER BY id") == "1|10|;2||20;");
  }

  TEST_CASE("%-formatting with flags, width and precision, as Python formats")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto r = run_up(*db, "",
                    "    op.execute('CREATE TABLE t (a TEXT)')\n"
                    "    for i in (7, 12):\n"
                    "        op.execute(\"INSERT INTO t VALUES ('%s')\" % ('pad%03d|%-4s|%4s|%.2f|%5.1f|%i' % (i, 'ab', 'cd', i / 8, i, i)))");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(query(*db, "SELECT a FROM t") == "pad007|ab  |  cd|0.88|  7.0|7;pad012|ab  |  cd|1.50| 12.0|12;");
    auto refused = run_up(*db, "", "    op.execute('SELECT %+d' % 1)");
    CHECK(refused.status == engine::BodyStatus::not_runnable);
    CHECK(mentions(refused, "%-formatting"));
  }

  TEST_CASE("the dialect is sqlite and the inspector reads the live schema")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto r = run_up(*db, "",
                    "    if op.get_bind().dialect.name == 'sqlite' and not op.get_context().dialect.name == 'postgresql':\n"
                    "        op.create_table('t', sa.Column('id', sa.Integer, primary_key=True))\n"
                    "    insp = sa.inspect(op.get_bind())\n"
                    "    if insp.has_table('t') and 'id' in [c['name'] for c in insp.get_columns('t')]:\n"
                    "        op.add_column('t', sa.Column('seen', sa.Integer))");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(query(*db, "SELECT name FROM pragma_table_info('t')") == "id;seen;");
  }

  TEST_CASE("sa.table DML and bound parameters render to SQLite")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE u (id INTEGER PRIMARY KEY, name TEXT, n INTEGER)"));
    auto r = run_up(*db, "",
                    "    u = sa.table('u', sa.column('id'), sa.column('name'), sa.column('n'))\n"
                    "    conn = op.get_bind()\n"
                    "    conn.execute(sa.text('INSERT INTO u (id, name) VALUES (:i, :n)'), [{'i': 1, 'n': \"it's\"}, {'i': 2, 'n': 'b'}])\n"
                    "    op.execute(u.update().where(u.c.id == 2).values(n=u.c.id + 5))\n"
                    "    op.execute(u.delete().where(u.c.name.is_(None)))");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(query(*db, "SELECT id, name, n FROM u ORDER BY id") == "1|it's|;2|b|7;");
  }

  TEST_CASE("rows read from the database steer control flow; values miglint cannot convert do not")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE u (id INTEGER PRIMARY KEY, a NUMERIC); INSERT INTO u VALUES (1, 2)"));
    auto read = run_up(*db, "",
                       "    n = op.get_bind().execute(sa.text('SELECT count(*) FROM u')).scalar()\n"
                       "    if n > 0:\n"
                       "        op.create_table('v', sa.Column('id', sa.Integer))");
    CHECK(read.status == engine::BodyStatus::ok);
    CHECK(query(*db, "SELECT count(*) FROM sqlite_master WHERE name = 'v'") == "1;");
    auto decimal = run_up(*db, "",
                          "    t = sa.table('u', sa.column('a', sa.Numeric))\n"
                          "    n = op.get_bind().execute(sa.select(t.c.a)).scalar()\n"
                          "    if n > 0:\n"
                          "        op.drop_table('u')");
    CHECK(decimal.status == engine::BodyStatus::not_runnable);
    CHECK(mentions(decimal, "data read from the database"));
    CHECK(mentions(decimal, "line 11"));
  }

  TEST_CASE("bounds stop evaluation with a message naming the bound and the line")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto loop = run_up(*db, "", "    while True:\n        pass");
    CHECK(loop.status == engine::BodyStatus::not_runnable);
    CHECK(mentions(loop, "steps"));
    auto deep = run_up(*db, "", "    def f(n):\n        return f(n + 1)\n    f(0)");
    CHECK(deep.status == engine::BodyStatus::not_runnable);
    CHECK(mentions(deep, "deep"));
    auto big = run_up(*db, "", "    s = 'x' * 1000\n    for i in range(20):\n        s = s + s");
    CHECK(big.status == engine::BodyStatus::not_runnable);
    CHECK(mentions(big, "bytes"));
    auto rep = run_up(*db, "", "    s = 'x' * (1 << 40)");
    CHECK(rep.status == engine::BodyStatus::not_runnable);
  }

  TEST_CASE("classes as namespaces and enums")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto r = run_up(*db, "import enum\n\nclass Kind(enum.Enum):\n    a = 'x'\n    bbb = 'y'\n",
                    "    class N:\n        T = 'k'\n        def __init__(self, p):\n            self.p = p\n"
                    "    n = N('pre')\n"
                    "    op.create_table(N.T, sa.Column('kind', sa.Enum(Kind)), sa.Column(n.p, sa.String(3)))\n"
                    "    op.execute('INSERT INTO k (kind) VALUES (%r)' % Kind('y').name)");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(query(*db, "SELECT type FROM pragma_table_info('k')") == "VARCHAR(3);VARCHAR(3);");
    CHECK(query(*db, "SELECT kind FROM k") == "bbb;");
  }

  TEST_CASE("super() follows the C3 order; type() names classes and builtins")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    // The diamond D(B, C) over A: D -> B -> C -> A, so B's super() is C, not A.
    auto r = run_up(*db,
                    "class A:\n    def name(self):\n        return 'a'\n"
                    "class B(A):\n    def name(self):\n        return 'b' + super().name()\n"
                    "class C(A):\n    def name(self):\n        return 'c' + super().name()\n"
                    "class D(B, C):\n    def name(self):\n        return 'd' + super().name()\n",
                    "    d = D()\n"
                    "    kinds = [type(1) is int, type('') == str, type(d) is D, type(None).__name__, type(d).__name__]\n"
                    "    op.create_table(d.name(), sa.Column('x', sa.Integer()))\n"
                    "    op.execute('INSERT INTO dbca (x) VALUES (%d)' % len([k for k in kinds if k]))\n"
                    "    op.execute(\"INSERT INTO dbca (x) VALUES ('%s')\" % (kinds[3] + kinds[4]))");
    CHECK(r.status == engine::BodyStatus::ok);
    CHECK(query(*db, "SELECT x FROM dbca") == "5;NoneTypeD;");
  }

  TEST_CASE("super() and type() that miglint cannot resolve stop with the construct")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto outside = run_up(*db, "", "    s = super()");
    CHECK(outside.status == engine::BodyStatus::not_runnable);
    CHECK(mentions(outside, "super()"));
    auto opaque = run_up(*db, "", "    t = type(op)");
    CHECK(opaque.status == engine::BodyStatus::not_runnable);
    CHECK(mentions(opaque, "type(op)"));
    auto no_args = run_up(*db, "class P:\n    def __init__(self):\n        super().__init__(1)\n", "    P()");
    CHECK(no_args.status == engine::BodyStatus::failed);
    CHECK(mentions(no_args, "object.__init__()"));
  }

  TEST_CASE("a name whose module-level definition stopped reports why, at its line")
  {
    auto db = sqlite::Connection::open_memory();
    REQUIRE(db);
    auto r = run_up(*db, "class K:\n    V = undefined_thing\n", "    op.create_table(K.V)");
    CHECK(r.status == engine::BodyStatus::not_runnable);
    CHECK(mentions(r, "`K`, whose module-level definition stopped: name `undefined_thing`"));
    CHECK(mentions(r, "(line 6)"));
  }
}

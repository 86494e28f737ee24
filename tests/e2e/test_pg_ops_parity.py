"""Differential test on PostgreSQL: generated Alembic projects (pgopsgen.py) run step by
step, up to head and back down to base, by real Alembic (psycopg2) on one database and
by ``miglint upgrade +1`` / ``downgrade -1 --db postgresql://...`` on another, on one
real PostgreSQL server. After every step the two catalogs (every table, column with its
formatted type, nullability, default, identity and comment, constraint, index, enum
type, sequence and table comment, in every schema but the system ones) and the rows of
every table must be the same. Offline, ``miglint upgrade head --sql`` and ``downgrade
head:base --sql`` with a postgresql URL must print what ``alembic ... --sql`` prints.
Each side has one database, emptied (its schemas dropped) before each project.

MIGLINT_PG_PROJECTS (default 100) and MIGLINT_PG_OFFLINE_PROJECTS (default 60) set how
many projects are generated.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import miglint_e2e as e2e
import pg_server
import pgopsgen

HERE = os.path.dirname(os.path.abspath(__file__))
ONLINE_PROJECTS = int(os.environ.get("MIGLINT_PG_PROJECTS", "100"))
OFFLINE_PROJECTS = int(os.environ.get("MIGLINT_PG_OFFLINE_PROJECTS", "60"))
OFFLINE_URL = "postgresql://u:p@localhost/x"

SERVER = None


def setUpModule():
    global SERVER
    SERVER = pg_server.Server().start()


def tearDownModule():
    if SERVER is not None:
        SERVER.stop()


CATALOG_QUERIES = [
    # columns
    """SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
              coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity,
              coalesce(col_description(c.oid, a.attnum), '')
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       ORDER BY 1, 2, a.attnum""",
    # constraints
    """SELECT n.nspname, c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3""",
    # indexes
    """SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes
       WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3""",
    # enum types
    """SELECT n.nspname, t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       GROUP BY 1, 2 ORDER BY 1, 2""",
    # sequences, schemas, table comments
    """SELECT n.nspname, c.relname, c.relkind, coalesce(obj_description(c.oid, 'pg_class'), '')
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('S', 'r') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2""",
    """SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema'
       ORDER BY 1""",
]


def catalog(dsn):
    """The schema and rows of a database as comparable JSON-able lists."""
    import psycopg2
    conn = psycopg2.connect(dsn)
    try:
        cur = conn.cursor()
        out = []
        for sql in CATALOG_QUERIES:
            cur.execute(sql)
            out.append([list(map(str, row)) for row in cur.fetchall()])
        cur.execute("""SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                         AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2""")
        for schema, table in cur.fetchall():
            # Values the server fills in from the clock (now(), CURRENT_DATE) differ
            # between any two runs: their columns are left out of the rows.
            cur.execute("""SELECT a.attname FROM pg_attrdef d JOIN pg_attribute a
                             ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                           WHERE d.adrelid = %s::regclass
                             AND pg_get_expr(d.adbin, d.adrelid) ~* '(now\\(|current_)'""",
                        ('"%s"."%s"' % (schema, table),))
            clock = [r[0] for r in cur.fetchall()]
            cur.execute('SELECT (to_jsonb(t) - %%s::text[])::text FROM "%s"."%s" t' % (schema, table), (clock,))
            out.append([schema, table, sorted(r[0] for r in cur.fetchall())])
        return out
    finally:
        conn.close()


def reset(dsn):
    """Empties a database for the next project: every schema but the system ones dropped
    and public created again (much cheaper than a new database each time)."""
    import psycopg2
    conn = psycopg2.connect(dsn)
    try:
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema'")
        for (schema,) in cur.fetchall():
            cur.execute('DROP SCHEMA "%s" CASCADE' % schema)
        cur.execute("CREATE SCHEMA public")
    finally:
        conn.close()


# Runs every project's steps with Alembic's command API in one process (imports once),
# recording the catalog after each step, and renders the offline scripts.
DRIVER = r'''
import io, json, sys
sys.path.insert(0, sys.argv[2])
from alembic.config import Config
from alembic import command
from test_pg_ops_parity import catalog, reset
jobs = json.load(open(sys.argv[1]))
results = []
for job in jobs:
    if job["kind"] == "offline":
        outs = []
        for direction, target in job["runs"]:
            buf = io.StringIO()
            cfg = Config(job["ini"], output_buffer=buf)
            try:
                getattr(command, direction)(cfg, target, sql=True)
                outs.append({"ok": True, "sql": buf.getvalue()})
            except Exception as e:
                outs.append({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
        results.append(outs)
        continue
    reset(job["dsn"])
    cfg = Config(job["ini"])
    steps = []
    for direction, target in job["steps"]:
        try:
            getattr(command, direction)(cfg, target)
            steps.append({"ok": True, "catalog": catalog(job["dsn"])})
        except Exception as e:
            steps.append({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
            break
    results.append(steps)
json.dump(results, open(sys.argv[3], "w"))
'''


def dsn(url):
    return url.replace("postgresql://", "postgresql://", 1)


def run_driver(jobs, tmp):
    jobs_file = os.path.join(tmp, "jobs.json")
    out_file = os.path.join(tmp, "results.json")
    with open(jobs_file, "w") as f:
        json.dump(jobs, f)
    env = dict(e2e.alembic_env(), SQLALCHEMY_SILENCE_UBER_WARNING="1")
    proc = subprocess.Popen([e2e.python_for_alembic(), "-c", DRIVER, jobs_file, HERE, out_file],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    return proc, out_file


def finish_driver(proc, out_file):
    _, err = proc.communicate(timeout=900)
    if proc.returncode != 0:
        raise AssertionError("the Alembic driver failed:\n" + err[-3000:])
    with open(out_file) as f:
        return json.load(f)


def steps_for(project):
    n = len(project.revisions)
    return [("upgrade", "+1")] * n + [("downgrade", "-1")] * n


class OnlineParity(unittest.TestCase):
    def test_generated_projects_match_alembic_step_by_step(self):
        with e2e.TempDir("miglint-pg-ops-") as tmp:
            projects, jobs, ours = [], [], []
            # One database a side, emptied before each project.
            a_db = SERVER.create_database("a")
            m_db = SERVER.create_database("m")
            for seed in range(ONLINE_PROJECTS):
                project = pgopsgen.generate_project(seed)
                a_dir = os.path.join(tmp, "a%d" % seed)
                m_dir = os.path.join(tmp, "m%d" % seed)
                project.write(a_dir, SERVER.url(a_db))
                project.write(m_dir, SERVER.url(m_db))
                projects.append(project)
                jobs.append({"kind": "online", "ini": os.path.join(a_dir, "alembic.ini"),
                             "dsn": SERVER.url(a_db), "steps": steps_for(project)})
                ours.append((m_dir, SERVER.url(m_db)))
            proc, out_file = run_driver(jobs, tmp)
            mine = []
            for (m_dir, url), project in zip(ours, projects):
                results = []
                reset(url)
                for direction, target in steps_for(project):
                    r = e2e.run_miglint(["-C", m_dir, direction, target, "--db", url, "-q"])
                    if r.returncode != 0:
                        results.append({"ok": False, "error": r.stdout + r.stderr})
                        break
                    results.append({"ok": True, "catalog": catalog(url)})
                mine.append(results)
            theirs = finish_driver(proc, out_file)
            for project, a, m in zip(projects, theirs, mine):
                with self.subTest(seed=project.seed):
                    for i, (sa, sm) in enumerate(zip(a, m)):
                        self.assertTrue(sa["ok"], "seed %d step %d: Alembic failed: %s" % (project.seed, i, sa.get("error")))
                        self.assertTrue(sm["ok"], "seed %d step %d: miglint failed: %s" % (project.seed, i, sm.get("error")))
                        self.assertEqual(sa["catalog"], sm["catalog"], "seed %d step %d" % (project.seed, i))
                    self.assertEqual(len(a), len(m))
                    self.assertEqual(len(a), 2 * len(project.revisions))


def normalize_script(text):
    # Alembic ends its output with a newline after the last blank line; nothing else is cosmetic.
    return text.rstrip("\n") + "\n"


class OfflineParity(unittest.TestCase):
    def test_generated_projects_render_as_alembic(self):
        with e2e.TempDir("miglint-pg-offline-") as tmp:
            jobs, dirs, projects = [], [], []
            for seed in range(OFFLINE_PROJECTS):
                project = pgopsgen.generate_project(10000 + seed, offline=True)
                d = os.path.join(tmp, "o%d" % seed)
                project.write(d, OFFLINE_URL)
                last = project.revisions[-1][0]
                jobs.append({"kind": "offline", "ini": os.path.join(d, "alembic.ini"),
                             "runs": [("upgrade", "head"), ("downgrade", "%s:base" % last)]})
                dirs.append(d)
                projects.append(project)
            proc, out_file = run_driver(jobs, tmp)
            theirs = finish_driver(proc, out_file)
            for project, d, outs in zip(projects, dirs, theirs):
                last = project.revisions[-1][0]
                for (direction, target), expected in zip([("upgrade", "head"), ("downgrade", "%s:base" % last)], outs):
                    with self.subTest(seed=project.seed, direction=direction):
                        self.assertTrue(expected["ok"], expected.get("error"))
                        r = e2e.run_miglint(["-C", d, direction, target, "--sql", "--db", OFFLINE_URL, "-q"])
                        self.assertEqual(r.returncode, 0, r.stderr)
                        self.assertEqual(normalize_script(expected["sql"]), normalize_script(r.stdout),
                                         e2e.unified_diff(expected["sql"], r.stdout))


SHARED_ENUM = [
    ["op.create_table('t1', sa.Column('id', sa.Integer(), primary_key=True),\n"
     "        sa.Column('m', sa.Enum('a', 'b', name='shared')))"],
    ["op.create_table('t2', sa.Column('id', sa.Integer(), primary_key=True),\n"
     "        sa.Column('m', sa.Enum('a', 'b', name='shared')))"],
]
# What a revision sees of its dialect, online and offline.
DIALECT_BRANCH = ["bind = op.get_bind()",
                  "if bind.dialect.name == 'postgresql' and op.get_context().dialect.name == 'postgresql':",
                  "    op.create_table('pg_only', sa.Column('id', sa.BigInteger(), primary_key=True))",
                  "else:",
                  "    op.create_table('other', sa.Column('id', sa.Integer(), primary_key=True))",
                  "t = sa.table('t1', sa.column('m', sa.String()), sa.column('key', sa.Integer()))",
                  "op.execute(t.update().where(t.c.m == 'a').values(m='b'))"]
# sa.Enum over a Python enum class: labels are the member names, the type's name the
# class's in lower case.
PYTHON_ENUM = ["import enum",
               "class Color(enum.Enum):",
               "    red = 1",
               "    dark_green = 2",
               "op.create_table('paint', sa.Column('id', sa.Integer(), primary_key=True),",
               "                sa.Column('c', sa.Enum(Color), nullable=False))"]
JSON_ROWS = ["op.create_table('docs', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('j', sa.JSON()))",
             "op.bulk_insert(sa.table('docs', sa.column('j', sa.JSON())), [{'j': {'a': [1, None]}}])"]
AUTOCOMMIT = ["op.create_table('t3', sa.Column('id', sa.Integer(), primary_key=True))",
              "with op.get_context().autocommit_block():",
              "    op.execute(\"ALTER TYPE shared ADD VALUE 'c'\")",
              "    op.execute('CREATE INDEX CONCURRENTLY ix_t3 ON t3 (id)')",
              "op.add_column('t3', sa.Column('n', sa.Integer()))"]


def fixed_project(bodies):
    revisions, down = [], None
    for i, up in enumerate(bodies):
        rev = "f%03d" % (i + 1)
        revisions.append((rev, down, up, []))
        down = rev
    return pgopsgen.Project(0, revisions)


class FixedProjects(unittest.TestCase):
    def alembic(self, d, *args):
        r = subprocess.run([e2e.python_for_alembic(), "-m", "alembic"] + list(args), cwd=d,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env=dict(e2e.alembic_env(), SQLALCHEMY_SILENCE_UBER_WARNING="1"))
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def assert_script_matches_alembic(self, tmp, project):
        """`upgrade head --sql` prints Alembic's script."""
        o = os.path.join(tmp, "o")
        project.write(o, OFFLINE_URL)
        expected = self.alembic(o, "upgrade", "head", "--sql")
        r = e2e.run_miglint(["-C", o, "upgrade", "head", "--sql", "--db", OFFLINE_URL, "-q"])
        self.assertEqual(expected, r.stdout, e2e.unified_diff(expected, r.stdout))

    def databases_for(self, tmp, project):
        """A database for Alembic (project in tmp/a) and one for miglint (tmp/m)."""
        a_db, m_db = SERVER.create_database("a"), SERVER.create_database("m")
        for name, db in (("a", a_db), ("m", m_db)):
            project.write(os.path.join(tmp, name), SERVER.url(db))
        return a_db, m_db

    def assert_upgrade_head_matches_alembic(self, tmp, project):
        """The script as Alembic's, and `upgrade head` on a database of its own leaves the
        catalog Alembic leaves on another; returns miglint's database."""
        self.assert_script_matches_alembic(tmp, project)
        a_db, m_db = self.databases_for(tmp, project)
        self.alembic(os.path.join(tmp, "a"), "upgrade", "head")
        r = e2e.run_miglint(["-C", os.path.join(tmp, "m"), "upgrade", "head", "--db", SERVER.url(m_db)])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(catalog(SERVER.url(a_db)), catalog(SERVER.url(m_db)))
        return m_db

    def test_an_enum_is_created_once_a_run(self):
        """SQLAlchemy remembers the enum types it created for the whole run: the second
        table using `shared` does not create it again, online or offline; and a revision
        sees the dialect "postgresql"."""
        with e2e.TempDir("miglint-pg-enum-") as tmp:
            project = fixed_project(SHARED_ENUM + [DIALECT_BRANCH, PYTHON_ENUM, JSON_ROWS])
            a_db, m_db = SERVER.create_database("a"), SERVER.create_database("m")
            project.write(os.path.join(tmp, "a"), SERVER.url(a_db))
            project.write(os.path.join(tmp, "m"), SERVER.url(m_db))
            self.alembic(os.path.join(tmp, "a"), "upgrade", "head")
            r = e2e.run_miglint(["-C", os.path.join(tmp, "m"), "upgrade", "head", "--db", SERVER.url(m_db)])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(catalog(SERVER.url(a_db)), catalog(SERVER.url(m_db)))
            self.assertEqual(SERVER.psql("SELECT count(*) FROM docs", m_db).strip(), "1")
            o = os.path.join(tmp, "o")
            # Offline, JSON rows have no literal rendering: Alembic and miglint both refuse.
            fixed_project(SHARED_ENUM + [DIALECT_BRANCH, PYTHON_ENUM]).write(o, OFFLINE_URL)
            expected = self.alembic(o, "upgrade", "head", "--sql")
            r = e2e.run_miglint(["-C", o, "upgrade", "head", "--sql", "--db", OFFLINE_URL, "-q"])
            self.assertEqual(expected, r.stdout, e2e.unified_diff(expected, r.stdout))
            j = os.path.join(tmp, "j")
            fixed_project([JSON_ROWS]).write(j, OFFLINE_URL)
            r = e2e.run_miglint(["-C", j, "upgrade", "head", "--sql", "--db", OFFLINE_URL, "-q"])
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("No literal value renderer is available", r.stderr)
            a = subprocess.run([e2e.python_for_alembic(), "-m", "alembic", "upgrade", "head", "--sql"], cwd=j,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e2e.alembic_env())
            self.assertNotEqual(a.returncode, 0)
            self.assertIn("No literal value renderer is available", a.stderr)

    def test_verify_treats_the_enum_memo_as_alembic_commands_do(self):
        """Two revisions whose tables share an enum: `alembic upgrade head` creates the type
        once (SQLAlchemy's memo spans the run), but `downgrade -1` then `upgrade +1` is a
        new run that creates it again and fails, as the second revision's downgrade leaves
        the type. verify walks forward as one run and round-trips each revision as commands
        of their own, so it finds exactly that: the first revision ok, the second one not
        repeatable with the server's message."""
        with e2e.TempDir("miglint-pg-memo-") as tmp:
            project = pgopsgen.Project(0, [
                ("f001", None, SHARED_ENUM[0], ["op.drop_table('t1')", "op.execute('DROP TYPE shared')"]),
                ("f002", "f001", SHARED_ENUM[1], ["op.drop_table('t2')"])])
            a_db, m_db = SERVER.create_database("a"), SERVER.create_database("m")
            project.write(os.path.join(tmp, "a"), SERVER.url(a_db))
            project.write(os.path.join(tmp, "m"), SERVER.url(m_db))
            a = os.path.join(tmp, "a")
            self.alembic(a, "upgrade", "head")
            self.alembic(a, "downgrade", "-1")
            again = subprocess.run([e2e.python_for_alembic(), "-m", "alembic", "upgrade", "+1"], cwd=a,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=dict(e2e.alembic_env(), SQLALCHEMY_SILENCE_UBER_WARNING="1"))
            self.assertNotEqual(again.returncode, 0)
            self.assertIn('type "shared" already exists', again.stderr)
            r = e2e.run_miglint(["-C", os.path.join(tmp, "m"), "--format", "json", "verify",
                                 "--db", SERVER.url(m_db)])
            self.assertEqual(r.returncode, 1, r.stderr)
            report = json.loads(r.stdout)
            self.assertEqual([x["status"] for x in report["revisions"]], ["ok", "not-repeatable"])
            self.assertEqual(report["revisions"][1]["detail"], 'type "shared" already exists')

    def test_use_alter_foreign_keys_are_left_out(self):
        """A ForeignKeyConstraint or ForeignKey with use_alter=True is not part of CREATE
        TABLE on PostgreSQL (SQLAlchemy leaves it to an ALTER that op.create_table never
        runs), so a table may name one created later; online and offline as Alembic."""
        with e2e.TempDir("miglint-pg-usealter-") as tmp:
            project = fixed_project([[
                "op.create_table('recipes', sa.Column('id', sa.Integer(), primary_key=True),\n"
                "    sa.Column('user_id', sa.Integer()),\n"
                "    sa.Column('owner_id', sa.Integer(), sa.ForeignKey('users.id', use_alter=True)),\n"
                "    sa.ForeignKeyConstraint(['user_id'], ['users.id'], use_alter=True))",
                "op.create_table('users', sa.Column('id', sa.Integer(), primary_key=True),\n"
                "    sa.Column('recipe_id', sa.Integer(), sa.ForeignKey('recipes.id')))"]])
            self.assert_upgrade_head_matches_alembic(tmp, project)

    def test_table_comments(self):
        """op.create_table_comment / drop_table_comment write COMMENT ON TABLE as Alembic
        does, online and offline."""
        with e2e.TempDir("miglint-pg-comment-") as tmp:
            project = fixed_project([
                ["op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))",
                 "op.create_table_comment('t', \"it's t\", existing_comment=None, schema=None)"],
                ["op.drop_table_comment('t', existing_comment=\"it's t\")",
                 "op.create_table_comment('t', 'again')"]])
            self.assert_script_matches_alembic(tmp, project)
            a_db, m_db = self.databases_for(tmp, project)
            for target in ("f001", "head"):
                self.alembic(os.path.join(tmp, "a"), "upgrade", target)
                r = e2e.run_miglint(["-C", os.path.join(tmp, "m"), "upgrade", target, "--db", SERVER.url(m_db)])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(catalog(SERVER.url(a_db)), catalog(SERVER.url(m_db)))
            self.assertEqual(SERVER.psql("SELECT obj_description('t'::regclass, 'pg_class')", m_db).strip(), "again")

    def test_autocommit_block(self):
        """Offline, Alembic ends the script's transaction around an autocommit block;
        online, the revision's transaction is committed before the block, the block runs
        outside a transaction (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE), and the
        rest runs in a new one, as with Alembic. A failure after the block leaves what was
        committed, says so, and keeps the version row where it was."""
        with e2e.TempDir("miglint-pg-autocommit-") as tmp:
            project = fixed_project([SHARED_ENUM[0], AUTOCOMMIT])
            m_db = self.assert_upgrade_head_matches_alembic(tmp, project)
            self.assertEqual(SERVER.psql("SELECT version_num FROM alembic_version", m_db).strip(), "f002")

            failing = fixed_project([[
                "op.create_table('before', sa.Column('id', sa.Integer(), primary_key=True))",
                "with op.get_context().autocommit_block():",
                "    op.execute('CREATE INDEX CONCURRENTLY ix_before ON before (id)')",
                "op.create_table('after', sa.Column('id', sa.Integer(), primary_key=True))",
                "op.execute('SELECT * FROM missing_table')"]])
            f_db = SERVER.create_database("f")
            f = os.path.join(tmp, "f")
            failing.write(f, SERVER.url(f_db))
            r = e2e.run_miglint(["-C", f, "upgrade", "head", "--db", SERVER.url(f_db)])
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn('relation "missing_table" does not exist', r.stderr)
            self.assertRegex(r.stderr, r"before its autocommit_block\(\) \(line \d+\) and those the block ran stay committed")
            tables = SERVER.psql("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class "
                                 "WHERE relname IN ('before', 'ix_before', 'after')", f_db).strip()
            self.assertEqual(tables, "before,ix_before")
            self.assertEqual(SERVER.psql("SELECT count(*) FROM alembic_version", f_db).strip(), "0")


class OrmSessionsMatchAlembic(unittest.TestCase):
    def test_orm_sessions_on_postgresql_match_alembic_step_by_step(self):
        """The ORM data migrations of test_orm_sessions_parity (sessions, queries, flushes
        that read new keys back with RETURNING, bulk and query updates with their row
        counts), run on PostgreSQL by Alembic and by miglint one revision at a time up and
        back down: catalog and rows identical after every step. The seeded keys are
        explicit, so a revision moves the sequences past them first. (The later revisions of
        that test break foreign keys, which SQLite does not enforce.)"""
        import test_orm_sessions_parity as orm_parity
        revisions = list(orm_parity.REVISIONS[:3])
        revisions.insert(2, ("move the sequences past the seeded keys",
                             "op.execute(\"SELECT setval('teams_id_seq', 10), setval('users_id_seq', 10)\")",
                             "pass"))
        with e2e.TempDir("miglint-pg-orm-") as tmp:
            dbs = {"a": SERVER.create_database("a"), "m": SERVER.create_database("m")}
            ids = []
            for name, db in dbs.items():
                root = os.path.join(tmp, name)
                ids = orm_parity.project(root, revisions)
                with open(os.path.join(root, "alembic.ini")) as f:
                    ini = f.read()
                ini = re.sub(r"(?m)^sqlalchemy\.url = .*$", "sqlalchemy.url = " + SERVER.url(db).replace("%", "%%"), ini)
                with open(os.path.join(root, "alembic.ini"), "w") as f:
                    f.write(ini)
            env = dict(e2e.alembic_env(), SQLALCHEMY_SILENCE_UBER_WARNING="1")
            steps = [("upgrade", rev) for rev in ids] + [("downgrade", rev) for rev in reversed(ids[:-1])] + \
                    [("downgrade", "base")]
            for command, target in steps:
                a = subprocess.run([e2e.python_for_alembic(), "-m", "alembic", command, target],
                                   cwd=os.path.join(tmp, "a"), env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
                self.assertEqual(a.returncode, 0, a.stderr[-2000:])
                r = e2e.run_miglint(["-C", os.path.join(tmp, "m"), command, target, "--db", SERVER.url(dbs["m"])])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(catalog(SERVER.url(dbs["a"])), catalog(SERVER.url(dbs["m"])), (command, target))
                if command == "upgrade" and target == ids[3]:
                    # The session revision really changed rows (not a vacuous comparison).
                    self.assertIn("zed", SERVER.psql("SELECT string_agg(name, ',') FROM users", dbs["m"]))


class MissingArguments(unittest.TestCase):
    def test_an_op_missing_a_required_argument_fails_as_in_alembic(self):
        """op.drop_constraint('name') without its table is Python's TypeError in Alembic:
        the downgrade fails there, and miglint's fails with the same words (verify calls it
        downgrade-failed, not unverifiable)."""
        with e2e.TempDir("miglint-pg-args-") as tmp:
            up = ["op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))",
                  "op.create_check_constraint('ck_t_id', 't', 'id > 0')"]
            project = pgopsgen.Project(0, [("f001", None, up, ["op.drop_constraint('ck_t_id')"])])
            message = "TypeError: drop_constraint() missing 1 required positional argument: 'table_name'"
            a_db, m_db = SERVER.create_database("a"), SERVER.create_database("m")
            for name, db in (("a", a_db), ("m", m_db)):
                project.write(os.path.join(tmp, name), SERVER.url(db))
            env = dict(e2e.alembic_env(), SQLALCHEMY_SILENCE_UBER_WARNING="1")
            for args in (["upgrade", "head"], ["downgrade", "base"]):
                a = subprocess.run([e2e.python_for_alembic(), "-m", "alembic"] + args, cwd=os.path.join(tmp, "a"),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                r = e2e.run_miglint(["-C", os.path.join(tmp, "m")] + args + ["--db", SERVER.url(m_db)])
                if args[0] == "upgrade":
                    self.assertEqual((a.returncode, r.returncode), (0, 0), a.stderr + r.stderr)
                else:
                    self.assertNotEqual(a.returncode, 0)
                    self.assertIn(message, a.stderr)
                    self.assertEqual(r.returncode, 1, r.stderr)
                    self.assertIn(message, r.stderr)
            self.assertEqual(catalog(SERVER.url(a_db)), catalog(SERVER.url(m_db)))
            r = e2e.run_miglint(["-C", os.path.join(tmp, "m"), "--format", "json", "verify",
                                 "--db", SERVER.url(m_db)])
            self.assertEqual(r.returncode, 1, r.stderr)
            statuses = [x["status"] for x in json.loads(r.stdout)["revisions"]]
            self.assertEqual(statuses, ["downgrade-failed"])


# Reads inside revisions: values of every common type read back through text() and typed
# selects, the inspector, reflection and enum checkfirst. Each revision writes what it saw
# (str() and type name of every value) into a `report` table, compared between Alembic and
# miglint with the catalogs.
READ_SETUP = [
    '''op.execute("CREATE TYPE mood AS ENUM ('sad', 'ok')")''',
    '''op.create_table('vals', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('i8', sa.BigInteger()),
                sa.Column('f', sa.Float()), sa.Column('n', sa.Numeric(10, 3)), sa.Column('b', sa.Boolean()),
                sa.Column('s', sa.String(20)), sa.Column('d', sa.Date()), sa.Column('ts', sa.DateTime()),
                sa.Column('tm', sa.Time()), sa.Column('iv', sa.Interval()), sa.Column('j', postgresql.JSONB()),
                sa.Column('js', sa.JSON()), sa.Column('u', postgresql.UUID()), sa.Column('arr', postgresql.ARRAY(sa.Text())),
                sa.Column('ia', postgresql.ARRAY(sa.Integer())), sa.Column('m', postgresql.ENUM(name='mood', create_type=False)),
                sa.Column('bin', sa.LargeBinary()), sa.Column('tz', sa.DateTime(timezone=True)),
                sa.Column('ip', postgresql.INET()))''',
    '''op.execute(r\"\"\"INSERT INTO vals VALUES (1, 9007199254740993, 1.5, 12.250, true, 'it''s', '2024-02-29',
    '2024-02-29 23:59:58.5', '07:08:09.000123', '1 year 2 mons -3 days +04:05:06.5',
    '{"k": [1, null, "x"], "f": 2.5}', '[true, {}]', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
    '{plain,"with space",NULL,"q\\"uote"}', '{3,-4}', 'ok', '\\x00ff', '2024-01-01 10:00:00+02', '10.0.0.1/8'),
    (2, NULL, 'NaN', NULL, false, '', NULL, NULL, NULL, '-00:00:01', 'null', NULL, NULL, '{}', NULL, NULL, NULL,
    NULL, NULL)\"\"\")''',
    "op.create_table('report', sa.Column('n', sa.Integer(), primary_key=True), sa.Column('line', sa.Text()))",
]
READ_VALUES = [
    "conn = op.get_bind()",
    "out = []",
    "cols = ['i8', 'f', 'n', 'b', 's', 'd', 'ts', 'tm', 'iv', 'j', 'js', 'u', 'arr', 'ia', 'm', 'ip']",
    "for row in conn.execute(sa.text('SELECT ' + ', '.join(cols) + ' FROM vals ORDER BY id')):\n"
    "    for c in cols:\n"
    "        v = row._mapping[c]\n"
    "        out.append('%s %s %s' % (c, type(v).__name__, v))",
    "vals = sa.table('vals', sa.column('id', sa.Integer()), sa.column('n', sa.Numeric(asdecimal=False)),\n"
    "                sa.column('u', postgresql.UUID(as_uuid=True)), sa.column('bin', sa.LargeBinary()),\n"
    "                sa.column('m', sa.Enum('sad', 'ok', name='mood')), sa.column('f', sa.Numeric()))",
    "for row in conn.execute(sa.select(vals.c.id, vals.c.n, vals.c.u, vals.c.bin, vals.c.m).order_by(vals.c.id)):\n"
    "    out.append('typed %s %s %s %s %s' % (type(row.n).__name__, row.n, type(row.u).__name__, row.u, row.m))\n"
    "    if row.bin is not None:\n"
    "        out.append('bin %s' % row.bin.hex())",
    "first = conn.execute(sa.text('SELECT j, arr, iv, ts, d FROM vals WHERE id = 1')).fetchone()",
    "out.append('%s %s %s %s %s' % (first.j['k'][2], first.arr[3], first.iv.total_seconds(), first.ts.isoformat(), first.d.isoformat()))",
    "out.append(str(conn.execute(sa.text('SELECT count(*) FROM vals')).scalar()))",
    "when = conn.execute(sa.text('SELECT CAST(:d AS timestamp) + interval \\'1 day\\' AS x, CAST(:n AS numeric) * 2 AS y'),\n"
    "                    {'d': first.ts, 'n': conn.execute(sa.text('SELECT n FROM vals WHERE id = 1')).scalar()}).one()",
    "out.append('%s %s' % (when.x.isoformat(), when.y))",
    "out.append(str(conn.execute(sa.text(\"UPDATE vals SET s = s || '!'\")).rowcount))",
    "out.append(str(conn.execute(sa.text('SELECT id FROM vals ORDER BY id')).scalars().all()))",
    "out.append(str(conn.execute(sa.text('SELECT id, s FROM vals ORDER BY id')).mappings().all()))",
    "out.append(str(conn.execute(sa.text(\"INSERT INTO report (n, line) VALUES (0, 'x') RETURNING n\")).scalar()))",
    "conn.execute(sa.text('DELETE FROM report'))",
    "for i, line in enumerate(out):\n"
    "    conn.execute(sa.text('INSERT INTO report (n, line) VALUES (:n, :line)'), {'n': i + 1, 'line': line})",
]
READ_CATALOG = [
    "conn = op.get_bind()",
    "postgresql.ENUM('a', 'b', name='letters').create(conn)",
    "postgresql.ENUM('a', 'b', name='letters').create(conn, checkfirst=True)",
    "postgresql.ENUM('x', name='gone').drop(conn, checkfirst=True)",
    "op.create_table('kids', sa.Column('id', sa.Integer(), primary_key=True),\n"
    "                sa.Column('val_id', sa.Integer(), sa.ForeignKey('vals.id', ondelete='CASCADE')),\n"
    "                sa.Column('code', sa.String(8), unique=True), sa.Column('at', sa.DateTime(), server_default=sa.func.now()),\n"
    "                sa.CheckConstraint('id > 0 AND id < 1000', name='ck_range'))",
    "op.create_index('ix_kids_val', 'kids', ['val_id'], postgresql_where=sa.text('val_id > 1'))",
    "insp = sa.inspect(conn)",
    "out = [str(sorted(insp.get_table_names())), str(insp.has_table('kids')), str(insp.has_table('nope'))]",
    "for c in insp.get_columns('kids'):\n"
    "    out.append('%s %s %s %s' % (c['name'], c['nullable'], c['default'], c['autoincrement']))",
    "out.append(str(insp.get_pk_constraint('kids')))",
    "out.append(str(insp.get_foreign_keys('kids')))",
    "out.append(str(insp.get_unique_constraints('kids')))",
    "out.append(str(insp.get_check_constraints('kids')))",
    "out.append(str([(i['name'], i['unique'], i['column_names']) for i in insp.get_indexes('kids')]))",
    "if 'code' in [c['name'] for c in insp.get_columns('kids')]:\n"
    "    op.add_column('kids', sa.Column('seen', sa.Boolean(), server_default=sa.true()))",
    "vals = sa.Table('vals', sa.MetaData(), autoload_with=conn)",
    "out.append(','.join(c.name for c in vals.columns))",
    "for row in conn.execute(sa.select(vals.c.id, vals.c.n, vals.c.u, vals.c.m).order_by(vals.c.id)):\n"
    "    out.append('%s %s %s %s %s' % (row.id, type(row.n).__name__, row.n, type(row.u).__name__, row.m))",
    "meta = sa.MetaData()",
    "meta.reflect(bind=conn)",
    "out.append(','.join(t.name for t in meta.sorted_tables))",
    "for i, line in enumerate(out):\n"
    "    conn.execute(sa.text('INSERT INTO report (n, line) VALUES (:n, :line)'), {'n': 100 + i, 'line': line})",
]


class ReadsMatchAlembic(unittest.TestCase):
    def test_values_inspector_and_reflection_read_as_alembic_reads_them(self):
        """What a revision reads on PostgreSQL (psycopg2's values through SQLAlchemy's types,
        the inspector, autoload and MetaData.reflect, enum checkfirst) is what Alembic reads:
        the revisions write what they saw, and both databases end up identical."""
        with e2e.TempDir("miglint-pg-reads-") as tmp:
            project = fixed_project([READ_SETUP, READ_VALUES, READ_CATALOG])
            a_db, m_db = SERVER.create_database("a"), SERVER.create_database("m")
            project.write(os.path.join(tmp, "a"), SERVER.url(a_db))
            project.write(os.path.join(tmp, "m"), SERVER.url(m_db))
            a = subprocess.run([e2e.python_for_alembic(), "-m", "alembic", "upgrade", "head"],
                               cwd=os.path.join(tmp, "a"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=dict(e2e.alembic_env(), SQLALCHEMY_SILENCE_UBER_WARNING="1"))
            self.assertEqual(a.returncode, 0, a.stderr)
            r = e2e.run_miglint(["-C", os.path.join(tmp, "m"), "upgrade", "head", "--db", SERVER.url(m_db)])
            self.assertEqual(r.returncode, 0, r.stderr)
            report = "SELECT n, line FROM report ORDER BY n"
            expected = SERVER.psql(report, a_db)
            self.assertGreater(expected.count("\n"), 40, expected)
            self.assertEqual(expected, SERVER.psql(report, m_db),
                             e2e.unified_diff(expected, SERVER.psql(report, m_db)))
            self.assertEqual(catalog(SERVER.url(a_db)), catalog(SERVER.url(m_db)))

    def test_an_orm_session_offline_is_not_runnable(self):
        """An ORM session reads and writes the database: offline (--sql) it cannot run, and
        miglint says so at its line."""
        with e2e.TempDir("miglint-pg-orm-") as tmp:
            body = ["op.create_table('seen', sa.Column('id', sa.Integer(), primary_key=True))",
                    "from sqlalchemy.orm import Session",
                    "s = Session(bind=op.get_bind())",
                    "s.execute(sa.text('SELECT 1')).all()"]
            d = os.path.join(tmp, "o")
            fixed_project([body]).write(d, OFFLINE_URL)
            r = e2e.run_miglint(["-C", d, "upgrade", "head", "--sql", "--db", OFFLINE_URL])
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertRegex(r.stderr, r"f001_step\.py:\d+:\d+: error: .*ORM Session offline")


if __name__ == "__main__":
    unittest.main()

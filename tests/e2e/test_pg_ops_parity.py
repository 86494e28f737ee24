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
AUTOCOMMIT = ["with op.get_context().autocommit_block():",
              "    op.execute(\"ALTER TYPE shared ADD VALUE 'c'\")"]


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

    def test_autocommit_block(self):
        """Offline, Alembic ends the script's transaction around an autocommit block;
        online, miglint does not run outside the revision's transaction yet and says so."""
        with e2e.TempDir("miglint-pg-autocommit-") as tmp:
            project = fixed_project([SHARED_ENUM[0], AUTOCOMMIT])
            o = os.path.join(tmp, "o")
            project.write(o, OFFLINE_URL)
            expected = self.alembic(o, "upgrade", "head", "--sql")
            r = e2e.run_miglint(["-C", o, "upgrade", "head", "--sql", "--db", OFFLINE_URL, "-q"])
            self.assertEqual(expected, r.stdout, e2e.unified_diff(expected, r.stdout))
            m_db = SERVER.create_database("m")
            m = os.path.join(tmp, "m")
            project.write(m, SERVER.url(m_db))
            r = e2e.run_miglint(["-C", m, "upgrade", "head", "--db", SERVER.url(m_db)])
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertRegex(r.stderr, r"f002_step\.py:\d+:\d+: error: cannot upgrade revision f002: .*autocommit_block")
            # The first revision stays applied; the second left nothing behind.
            self.assertEqual(SERVER.psql("SELECT version_num FROM alembic_version", m_db).strip(), "f001")


READ_BODY = """
def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.create_table("seen", sa.Column("id", sa.Integer(), primary_key=True))
    else:
        op.create_table("wrong_dialect", sa.Column("id", sa.Integer(), primary_key=True))
    {read}


def downgrade():
    op.drop_table("seen")
"""

READS = [
    ('rows = bind.execute(sa.text("SELECT id FROM seen")).fetchall()', "reads rows"),
    ("names = sa.inspect(bind).get_table_names()", "inspector"),
    ("meta = sa.MetaData()\n    meta.reflect(bind=bind)", "MetaData.reflect()"),
    ('t = sa.Table("seen", sa.MetaData(), autoload_with=bind)', "autoload_with"),
    ("from sqlalchemy.orm import Session\n    s = Session(bind=bind)\n    s.execute(sa.text('SELECT 1')).all()", "ORM Session"),
    ("postgresql.ENUM('a', name='e').create(bind)", "checkfirst"),
]


class ReadsAreNotRunnable(unittest.TestCase):
    """Online on PostgreSQL, a read the interpreter cannot answer ends the run as not
    runnable at its line, before any statement of the revision is committed;
    bind.dialect.name is "postgresql"."""

    def test_each_read_stops_the_run_at_its_line(self):
        with e2e.TempDir("miglint-pg-reads-") as tmp:
            for i, (read, what) in enumerate(READS):
                with self.subTest(read=read):
                    db = SERVER.create_database("r")
                    d = os.path.join(tmp, "r%d" % i)
                    body = READ_BODY.format(read=read)
                    pgopsgen.Project(0, []).write(d, SERVER.url(db))
                    header = pgopsgen.HEADER.split("def upgrade")[0].format(
                        message="read", rev="r1", down_doc="", down="None")
                    path = os.path.join(d, "alembic", "versions", "r1_read.py")
                    with open(path, "w") as f:
                        f.write(header + body.lstrip("\n"))
                    r = e2e.run_miglint(["-C", d, "upgrade", "head", "--db", SERVER.url(db)])
                    self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
                    with open(path) as f:
                        lines = f.read().split("\n")
                    first = lines.index("    " + read.split("\n")[0]) + 1
                    last = first + read.count("\n")
                    at = re.search(r"r1_read\.py:(\d+):\d+: error", r.stderr)
                    self.assertIsNotNone(at, r.stderr)
                    self.assertTrue(first <= int(at.group(1)) <= last, r.stderr)
                    self.assertIn("cannot upgrade", r.stderr)
                    self.assertIn(what, r.stderr)
                    # Nothing of the revision stayed: not even the table created before the read.
                    self.assertEqual(SERVER.psql("SELECT count(*) FROM pg_class WHERE relname IN ('seen', 'wrong_dialect')", db).strip(), "0")


if __name__ == "__main__":
    unittest.main()

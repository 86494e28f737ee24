"""miglint on a real PostgreSQL server, as a user runs it, with the real Alembic (and
psycopg2) as the reference: upgrade, downgrade, current, stamp and history --db on Alembic
revisions that op.execute PostgreSQL SQL and on the same history as native .sql revisions;
a database carried back and forth between the two tools; every way of naming the
database; connection and migration failures; two upgrades started at once."""

import os
import shutil
import socket
import subprocess
import time
import unittest
import urllib.parse

from engine_project import ENV_PY, Rev, current_set, py_text, running_lines, sql_text
from miglint_e2e import TempDir, miglint_path, run_alembic, run_miglint, write_file
from pg_server import PASSWORD, SUPERUSER, Server, catalog

SERVER = None


def setUpModule():
    global SERVER
    SERVER = Server().start()


def tearDownModule():
    if SERVER is not None:
        SERVER.stop()


# a1 - b2 - c3 - d4 - e5, in PostgreSQL's own SQL: an enum type, SERIAL and JSONB, a DO
# block, a PL/pgSQL function with its trigger, a view and rows the trigger touches.
HISTORY = [
    Rev("a1a1a1a1", (),
        ["CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
         "CREATE TABLE items (id SERIAL PRIMARY KEY, data JSONB NOT NULL DEFAULT '{}'::jsonb, "
         "feeling mood NOT NULL DEFAULT 'ok')"],
        ["DROP TABLE items", "DROP TYPE mood"], "create items and mood"),
    Rev("b2b2b2b2", "a1a1a1a1",
        ["DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'ix_items_data') "
         "THEN\n    CREATE INDEX ix_items_data ON items USING gin (data);\n  END IF;\nEND\n$$",
         "ALTER TABLE items ADD COLUMN tags TEXT[] NOT NULL DEFAULT '{}'"],
        ["ALTER TABLE items DROP COLUMN tags", "DROP INDEX ix_items_data"], "index item data"),
    Rev("c3c3c3c3", "b2b2b2b2",
        ["CREATE FUNCTION items_touch() RETURNS trigger AS $body$\nBEGIN\n"
         "  NEW.data := NEW.data || '{\"touched\": true}'::jsonb;\n  RETURN NEW;\nEND;\n"
         "$body$ LANGUAGE plpgsql",
         "CREATE TRIGGER items_touch BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION "
         "items_touch()"],
        ["DROP TRIGGER items_touch ON items", "DROP FUNCTION items_touch()"],
        "touch items on insert"),
    Rev("d4d4d4d4", "c3c3c3c3",
        ["CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES "
         "items (id) ON DELETE CASCADE, total NUMERIC(10, 2) CHECK (total >= 0))",
         "INSERT INTO items (data, feeling) VALUES ('{\"name\": \"lamp\"}', 'happy'), "
         "('{\"name\": \"desk\"}', 'sad')"],
        ["DELETE FROM items", "DROP TABLE orders"], "create orders and seed items"),
    Rev("e5e5e5e5", "d4d4d4d4",
        ["CREATE VIEW happy_items AS SELECT id, data->>'name' AS name FROM items "
         "WHERE feeling = 'happy'"],
        ["DROP VIEW happy_items"], "happy items view"),
]

HEAD = HISTORY[-1].rev

# What pg_server.catalog leaves out: functions, triggers, views, and the rows of items.
EXTRA_CATALOG = [
    "SELECT 'function', proname, pg_get_function_identity_arguments(oid) FROM pg_proc"
    " WHERE pronamespace = 'public'::regnamespace ORDER BY 2",
    "SELECT 'trigger', tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger"
    " WHERE NOT tgisinternal ORDER BY 2, 3",
    "SELECT 'view', viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY 2",
    "SELECT 'items', data::text, feeling::text FROM items ORDER BY id"
    " /* only when the table exists */",
]


def full_catalog(db):
    text = catalog(SERVER, db)
    for query in EXTRA_CATALOG:
        if query.startswith("SELECT 'items'") and not table_exists(db, "items"):
            continue
        text += SERVER.psql(query, db)
    return text


def table_exists(db, table):
    return SERVER.psql("SELECT to_regclass('public.%s') IS NOT NULL" % table, db).strip() == "t"


def version_rows(db):
    if not table_exists(db, "alembic_version"):
        return None
    return SERVER.psql("SELECT version_num FROM alembic_version ORDER BY 1", db).split()


class PgProject:
    """`alembic/` (Alembic revisions, op.execute of the SQL) and `sqlversions/` (the same
    history as native SQL revisions), with alembic.ini naming a fresh database."""

    def __init__(self, root, revs=HISTORY, db=None):
        self.root = root
        self.db = db or SERVER.create_database()
        self.url = SERVER.url(self.db)
        self.ini = os.path.join(root, "alembic.ini")
        for i, r in enumerate(revs):
            write_file(os.path.join(root, "sqlversions", "%s_rev%d.sql" % (r.rev, i)), sql_text(r))
            write_file(os.path.join(root, "alembic", "versions", "%s_rev%d.py" % (r.rev, i)),
                       py_text(r))
        write_file(os.path.join(root, "alembic", "env.py"), ENV_PY)
        write_file(self.ini, "[alembic]\nscript_location = %%(here)s/alembic\n"
                             "sqlalchemy.url = %s\n" % self.url.replace("%", "%%"))

    def miglint(self, *args, versions="alembic/versions", db=True, env=None):
        extra = ["--db", self.url] if db else []
        return run_miglint(["-C", self.root, "--versions", versions] + list(args) + extra,
                           env=env)

    def alembic(self, *args):
        return run_alembic(["-c", self.ini] + list(args), cwd=self.root)


class PgEngineCase(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir(prefix="miglint-pg-e2e-")

    def tearDown(self):
        self.tmp.cleanup()

    def project(self, name, revs=HISTORY):
        return PgProject(os.path.join(self.tmp.path, name), revs)

    def assert_ok(self, result):
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result

    def assert_no_password(self, result, password=PASSWORD):
        self.assertNotIn(password, result.stdout + result.stderr)


class CommandsTest(PgEngineCase):
    SEQUENCE = [
        ["upgrade", "+1"],
        ["upgrade", "c3c3"],               # a unique prefix
        ["downgrade", "-1"],
        ["upgrade", "+2"],
        ["upgrade", "head"],
        ["downgrade", "b2b2b2b2"],
        ["stamp", "d4d4d4d4"],             # the version row only: no SQL runs
        ["stamp", "b2b2b2b2"],
        ["upgrade", "heads"],
        ["downgrade", "-2"],
        ["downgrade", "base"],
        ["upgrade", "a1a1a1a1+3"],
        ["upgrade", "+1"],
    ]

    def run_sequence(self, versions):
        mig = self.project("mig")
        ref = self.project("ref")
        for i, cmd in enumerate(self.SEQUENCE):
            r = mig.miglint(*cmd, versions=versions)
            a = ref.alembic(*cmd)
            with self.subTest(step=i, command=" ".join(cmd)):
                self.assertEqual(a.returncode, 0, a.stdout + a.stderr)
                self.assert_ok(r)
                if cmd[0] != "stamp":
                    self.assertEqual(running_lines(a.stderr), running_lines(r.stderr))
                self.assertEqual(version_rows(ref.db), version_rows(mig.db))
                mine = self.assert_ok(mig.miglint("current", versions=versions))
                self.assertEqual(current_set(ref.alembic("current").stdout),
                                 current_set(mine.stdout))
                if cmd[0] != "stamp":
                    self.assertEqual(full_catalog(ref.db), full_catalog(mig.db))
        return mig, ref

    def test_alembic_revisions_run_like_alembic(self):
        self.run_sequence("alembic/versions")

    def test_native_sql_revisions_run_like_alembic(self):
        """The .sql revisions hold the same statements as the Python ones: the DO block and
        the function body's semicolons stay inside their statements."""
        self.run_sequence("sqlversions")

    def test_current_and_history_mark_like_alembic(self):
        p = self.project("p")
        empty = self.assert_ok(p.miglint("current"))
        self.assertEqual(empty.stdout, p.alembic("current").stdout)
        self.assert_ok(p.miglint("upgrade", "c3c3c3c3"))
        self.assertEqual(self.assert_ok(p.miglint("current")).stdout,
                         p.alembic("current").stdout)
        for args in (["history"], ["history", "-r", "a1a1a1a1:d4d4d4d4"],
                     ["history", "-r", "current:"], ["history", "-r", "base:current"]):
            with self.subTest(args=args):
                a = p.alembic(*(args + ["--indicate-current"]))
                self.assertEqual(a.returncode, 0, a.stderr)
                r = self.assert_ok(p.miglint(*args))
                self.assertEqual(a.stdout, r.stdout)
                if args[-1] != "current:":
                    self.assertIn("(current)", r.stdout)
        # history without a database lists the graph only.
        plain = self.assert_ok(p.miglint("history", db=False))
        self.assertNotIn("(current)", plain.stdout)
        self.assertEqual(plain.stdout, p.alembic("history").stdout)

    def test_sql_scripts_are_alembics(self):
        """--sql with a PostgreSQL URL prints what `alembic ... --sql` prints: one
        transaction around it all, and the version row's INSERT ... RETURNING."""
        p = self.project("offline")
        for cmd in (["upgrade", "head"], ["upgrade", "b2b2b2b2:d4d4d4d4"],
                    ["downgrade", "e5e5e5e5:base"], ["stamp", "head"], ["stamp", "a1a1a1a1:c3c3c3c3"],
                    ["upgrade", "c3c3c3c3:c3c3c3c3"]):
            with self.subTest(command=cmd):
                a = p.alembic(*(cmd + ["--sql"]))
                self.assertEqual(a.returncode, 0, a.stderr)
                r = self.assert_ok(p.miglint(*(cmd + ["--sql"]), db=False))
                self.assertEqual(a.stdout, r.stdout)
        self.assertIsNone(version_rows(p.db))

    def test_echo_replays_in_psql(self):
        """`--echo` writes every statement run; fed to psql on another database it builds
        the same schema and version row."""
        p = self.project("echo")
        replay = SERVER.create_database("replay")
        r = self.assert_ok(p.miglint("upgrade", "head", "-q", "--echo"))
        env = dict(os.environ, PGPASSWORD=PASSWORD)
        shell = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                                "-p", str(SERVER.port), "-U", SUPERUSER, "-d", replay],
                               input=r.stderr, text=True, capture_output=True, env=env)
        self.assertEqual((shell.returncode, shell.stderr), (0, ""))
        self.assertEqual(full_catalog(replay), full_catalog(p.db))
        self.assertEqual(version_rows(replay), [HEAD])


class InteropTest(PgEngineCase):
    def test_database_moves_between_the_tools(self):
        shared = self.project("shared")
        ref = self.project("ref")
        steps = [
            ("miglint", ["upgrade", "c3c3c3c3"]),   # halfway
            ("alembic", ["upgrade", "head"]),
            ("miglint", ["downgrade", "-1"]),
            ("alembic", ["downgrade", "b2b2b2b2"]),
            ("miglint", ["upgrade", "head"]),
            ("miglint", ["downgrade", "base"]),
        ]
        for tool, cmd in steps:
            if tool == "miglint":
                self.assert_ok(shared.miglint(*cmd))
            else:
                a = shared.alembic(*cmd)
                self.assertEqual(a.returncode, 0, a.stdout + a.stderr)
            a = ref.alembic(*cmd)
            self.assertEqual(a.returncode, 0, a.stdout + a.stderr)
            with self.subTest(after=" ".join([tool] + cmd)):
                self.assertEqual(version_rows(ref.db), version_rows(shared.db))
                mine = self.assert_ok(shared.miglint("current"))
                theirs = shared.alembic("current")
                self.assertEqual(theirs.returncode, 0, theirs.stderr)
                self.assertEqual(current_set(theirs.stdout), current_set(mine.stdout))
                self.assertEqual(full_catalog(ref.db), full_catalog(shared.db))
        self.assertEqual(version_rows(shared.db), [])

    def test_version_table_is_alembics(self):
        """The version table miglint creates is the one Alembic creates, constraint name
        included."""
        mine = self.project("mine")
        theirs = self.project("theirs")
        self.assert_ok(mine.miglint("stamp", "a1a1a1a1"))
        self.assertEqual(theirs.alembic("stamp", "a1a1a1a1").returncode, 0)
        self.assertEqual(catalog(SERVER, theirs.db), catalog(SERVER, mine.db))
        self.assertIn("alembic_version_pkc", catalog(SERVER, mine.db))


class UrlFormsTest(PgEngineCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp_class = TempDir(prefix="miglint-pg-urls-")
        cls.p = PgProject(os.path.join(cls.tmp_class.path, "p"))
        r = cls.p.miglint("upgrade", "b2b2b2b2")
        assert r.returncode == 0, r.stderr
        # A password that needs percent-encoding in a URL.
        cls.odd_password = "p@ss:w/rd%?#&x y"
        SERVER.psql("DROP ROLE IF EXISTS odd_user; CREATE ROLE odd_user LOGIN PASSWORD '%s'"
                    % cls.odd_password.replace("'", "''"))
        SERVER.psql('GRANT ALL ON ALL TABLES IN SCHEMA public TO odd_user', cls.p.db)

    @classmethod
    def tearDownClass(cls):
        cls.tmp_class.cleanup()

    def url(self, scheme="postgresql", user=SUPERUSER, password=PASSWORD, query=""):
        auth = user if password is None else "%s:%s" % (user, password)
        return "%s://%s@127.0.0.1:%d/%s%s" % (scheme, auth, SERVER.port, self.p.db, query)

    def current(self, *args, env=None, cwd_args=None):
        full_env = {"PGPASSWORD": "", "PGPASSFILE": os.path.join(self.tmp.path, "no-pgpass")}
        full_env.update(env or {})
        r = run_miglint(["-C", cwd_args or self.p.root, "--versions", "alembic/versions",
                         "current"] + list(args), env=full_env)
        return r

    def assert_current(self, r):
        self.assert_ok(r)
        self.assertEqual(r.stdout, "b2b2b2b2\n")
        self.assert_no_password(r)
        self.assert_no_password(r, self.odd_password)

    def test_schemes_and_query_options(self):
        for url in (self.url(), self.url("postgresql+psycopg2"), self.url("postgres"),
                    self.url(query="?sslmode=disable&connect_timeout=5"),
                    self.url("postgresql+psycopg2", query="?application_name=miglint")):
            with self.subTest(url=url):
                self.assert_current(self.current("--db", url))
        # Alembic reads the same URLs (postgres:// aside, which SQLAlchemy 1.4 dropped).
        a = run_alembic(["-c", self.p.ini, "current"], cwd=self.p.root)
        self.assertEqual(current_set(a.stdout), ["b2b2b2b2"])

    def test_password_from_libpq(self):
        no_password = self.url(password=None)
        self.assert_current(self.current("--db", no_password, env={"PGPASSWORD": PASSWORD}))
        pgpass = "127.0.0.1:%d:*:%s:%s\n" % (SERVER.port, SUPERUSER, PASSWORD)
        home = os.path.join(self.tmp.path, "home")
        write_file(os.path.join(home, ".pgpass"), pgpass)
        os.chmod(os.path.join(home, ".pgpass"), 0o600)
        env = {"HOME": home}
        r = run_miglint(["-C", self.p.root, "--versions", "alembic/versions", "current", "--db",
                         no_password], env=dict(env, PGPASSWORD="", PGPASSFILE=""))
        self.assert_current(r)
        other = os.path.join(self.tmp.path, "elsewhere.pgpass")
        write_file(other, pgpass)
        os.chmod(other, 0o600)
        self.assert_current(self.current("--db", no_password, env={"PGPASSFILE": other}))
        # And without any of them, libpq has no password to send.
        r = self.current("--db", no_password)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("no password supplied", r.stderr)

    def test_percent_encoded_password(self):
        encoded = urllib.parse.quote(self.odd_password, safe="")
        r = self.current("--db", self.url(user="odd_user", password=encoded))
        self.assert_current(r)
        wrong = self.current("--db", self.url(user="odd_user", password="p%40ss"))
        self.assertEqual(wrong.returncode, 2)
        self.assertIn("password authentication failed", wrong.stderr)
        self.assertIn("odd_user:***@", wrong.stderr)

    def test_url_from_environment_dotenv_and_alembic_ini(self):
        bare = os.path.join(self.tmp.path, "bare")
        os.makedirs(bare)
        os.symlink(os.path.join(self.p.root, "alembic"), os.path.join(bare, "alembic"))
        for key in ("DATABASE_URL", "ALEMBIC_DATABASE_URL"):
            with self.subTest(env=key):
                self.assert_current(self.current(env={key: self.url("postgresql+psycopg2")},
                                                 cwd_args=bare))
        # ALEMBIC_DATABASE_URL comes first.
        self.assert_current(self.current(env={"ALEMBIC_DATABASE_URL": self.url(),
                                              "DATABASE_URL": self.url(password="wrong")},
                                         cwd_args=bare))
        write_file(os.path.join(bare, ".env"), "# local settings\nDATABASE_URL=%s\n" % self.url())
        self.assert_current(self.current(cwd_args=bare))
        os.unlink(os.path.join(bare, ".env"))
        # alembic.ini's sqlalchemy.url, the one Alembic itself uses.
        self.assert_current(self.current())
        self.assertEqual(current_set(self.p.alembic("current").stdout), ["b2b2b2b2"])


class BadInputTest(PgEngineCase):
    def closed_port(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def test_connection_problems_exit_2_without_the_password(self):
        p = self.project("p")
        before = SERVER.databases()
        cases = {
            "unreachable": ("postgresql://%s:%s@127.0.0.1:%d/%s"
                            % (SUPERUSER, PASSWORD, self.closed_port(), p.db), "refused"),
            "authentication": (SERVER.url(p.db, password="not-" + PASSWORD),
                               "password authentication failed"),
            "missing database": (SERVER.url("no_such_db"), 'database "no_such_db" does not exist'),
            "bad port": ("postgresql://%s:%s@127.0.0.1:port/%s" % (SUPERUSER, PASSWORD, p.db),
                         "invalid port"),
            "password option": ("postgresql://%s@127.0.0.1:%d/%s?password=%s&sslmode=nope"
                                % (SUPERUSER, SERVER.port, p.db, PASSWORD), "sslmode"),
        }
        for name, (url, expected) in cases.items():
            for cmd in (["current"], ["upgrade", "head"], ["downgrade", "base"],
                        ["stamp", "head"], ["history"]):
                with self.subTest(case=name, command=cmd[0]):
                    r = run_miglint(["-C", p.root, "--versions", "alembic/versions"] + cmd
                                    + ["--db", url])
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertIn(expected, r.stderr)
                    self.assertTrue(r.stderr.startswith("miglint: error: "), r.stderr)
                    self.assert_no_password(r)
        self.assertEqual(SERVER.databases(), before)
        self.assertIsNone(version_rows(p.db))

    def test_a_bad_percent_in_alembic_ini_does_not_show_the_password(self):
        """ConfigParser needs `%%` in alembic.ini: a URL with a bare `%` (a percent-encoded
        password copied as it is) fails in both tools, and miglint quotes it masked."""
        p = self.project("ini")
        write_file(p.ini, "[alembic]\nscript_location = %%(here)s/alembic\n"
                          "sqlalchemy.url = %s\n" % SERVER.url(p.db, password=PASSWORD + "%21"))
        r = run_miglint(["-C", p.root, "current"])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("alembic.ini: [alembic] sqlalchemy.url: bad '%'", r.stderr)
        self.assertIn("postgres:***@", r.stderr)
        self.assert_no_password(r)
        a = p.alembic("current")
        self.assertNotEqual(a.returncode, 0)
        self.assertIn("InterpolationSyntaxError", a.stderr)

    def failing_project(self, statements):
        bad = Rev("f6f6f6f6", HEAD, statements, ["DROP TABLE IF EXISTS half_done"],
                  "revision that fails")
        return self.project("bad", HISTORY + [bad])

    def assert_rolled_back(self, p, r, line, server_message):
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("alembic/versions/f6f6f6f6_rev5.py:%d:" % line, r.stderr)
        self.assertIn(server_message, r.stderr)
        self.assertIn("rolled back; the database is at %s" % HEAD, r.stderr)
        self.assertEqual(version_rows(p.db), [HEAD])
        self.assertFalse(table_exists(p.db, "half_done"))
        self.assertEqual(SERVER.psql("SELECT count(*) FROM items", p.db).strip(), "2")
        self.assert_no_password(r)
        mine = self.assert_ok(p.miglint("current"))
        self.assertEqual(current_set(mine.stdout), [HEAD])
        self.assertEqual(current_set(p.alembic("current").stdout), [HEAD])

    def test_statement_rejected_mid_revision_rolls_the_revision_back(self):
        p = self.failing_project(["CREATE TABLE half_done (id INTEGER)",
                                  "INSERT INTO items (data) VALUES ('{\"x\": 1}')",
                                  "INSERT INTO items (data) VALUES ('not json')",
                                  "CREATE TABLE never (id INTEGER)"])
        r = p.miglint("upgrade", "head")
        # `def upgrade():` is line 13 of the generated file: the third op.execute is 16.
        self.assert_rolled_back(p, r, 16, "invalid input syntax for type json")
        self.assertIn("INSERT INTO items (data) VALUES ('not json')", r.stderr)
        self.assertFalse(table_exists(p.db, "never"))
        # The revisions before it were committed, one transaction each.
        self.assertIn("Running upgrade d4d4d4d4 -> e5e5e5e5", r.stderr)
        # Alembic fails on the same statement (psycopg2 reports the server's message) and,
        # started from the revision before it, leaves the database there too.
        other = PgProject(os.path.join(self.tmp.path, "oracle"), HISTORY + [Rev(
            "f6f6f6f6", HEAD, ["CREATE TABLE half_done (id INTEGER)",
                               "INSERT INTO items (data) VALUES ('not json')"], [], "x")])
        self.assertEqual(other.alembic("upgrade", HEAD).returncode, 0)
        a = other.alembic("upgrade", "head")
        self.assertNotEqual(a.returncode, 0)
        self.assertIn("invalid input syntax for type json", a.stderr)
        self.assertEqual(version_rows(other.db), [HEAD])
        self.assertFalse(table_exists(other.db, "half_done"))

    def test_commit_in_a_revision_is_refused(self):
        for i, statements in enumerate((["CREATE TABLE half_done (id INTEGER)", "COMMIT"],
                                        ["CREATE TABLE half_done (id INTEGER)",
                                         "SELECT 1; COMMIT"],
                                        ["CREATE TABLE half_done (id INTEGER); END"])):
            with self.subTest(statements=statements):
                p = self.failing_project(statements)
                self.assert_ok(p.miglint("upgrade", HEAD))
                r = p.miglint("upgrade", "head")
                line = 13 + len(statements)
                self.assert_rolled_back(p, r, line, "must not begin, commit or roll back")
                shutil.rmtree(p.root)

    def test_savepoints_inside_a_revision_are_allowed(self):
        p = self.failing_project(["SAVEPOINT before_half",
                                  "CREATE TABLE half_done (id INTEGER)",
                                  "ROLLBACK TO SAVEPOINT before_half",
                                  "CREATE TABLE half_done (id BIGINT)"])
        self.assert_ok(p.miglint("upgrade", "head"))
        self.assertEqual(version_rows(p.db), ["f6f6f6f6"])
        self.assertIn("bigint", catalog(SERVER, p.db))


class PostCheckoutTest(PgEngineCase):
    def git(self, repo, *args):
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
        return subprocess.run(["git", "-C", repo] + list(args), check=True, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True).stdout.strip()

    def test_hook_names_the_downgrade_for_a_postgresql_database(self):
        repo = os.path.join(self.tmp.path, "repo")
        p = PgProject(repo, HISTORY[:3])
        self.git(repo, "init", "-q", "-b", "main")
        self.git(repo, "add", "-A")
        self.git(repo, "commit", "-q", "-m", "three revisions")
        self.git(repo, "checkout", "-q", "-b", "feature")
        write_file(os.path.join(repo, "alembic", "versions", "d4d4d4d4_rev3.py"),
                   py_text(HISTORY[3]))
        self.git(repo, "add", "-A")
        self.git(repo, "commit", "-q", "-m", "orders")
        self.assert_ok(p.miglint("upgrade", "head"))
        prev = self.git(repo, "rev-parse", "HEAD")
        self.git(repo, "checkout", "-q", "main")
        new = self.git(repo, "rev-parse", "HEAD")
        r = p.miglint("hook", "post-checkout", prev, new)
        self.assert_ok(r)
        self.assertIn("is at revision d4d4d4d4, which this branch does not have", r.stderr)
        self.assertIn("git checkout feature && miglint downgrade c3c3c3c3 && git checkout main",
                      r.stderr)
        self.assertIn("postgres:***@", r.stderr)
        self.assert_no_password(r)
        # The URL from alembic.ini, as the installed hook finds it.
        r = run_miglint(["-C", repo, "hook", "post-checkout", prev, new])
        self.assertIn("miglint downgrade c3c3c3c3", r.stderr)
        # A server that does not answer: the hook says nothing and lets git go on.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        r = run_miglint(["-C", repo, "hook", "post-checkout", prev, new, "--db",
                         "postgresql://postgres:%s@127.0.0.1:%d/x" % (PASSWORD, closed)])
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))


class ConcurrencyTest(PgEngineCase):
    COUNT = 8

    def history(self):
        revs = [Rev("r000", (), ["CREATE TABLE applied (rev TEXT NOT NULL, pid INTEGER)"],
                    ["DROP TABLE applied"], "bookkeeping")]
        for i in range(1, self.COUNT + 1):
            rid = "r%03d" % i
            revs.append(Rev(rid, revs[-1].rev,
                            ["INSERT INTO applied VALUES ('%s', pg_backend_pid())" % rid,
                             "SELECT pg_sleep(0.05)",
                             "CREATE TABLE t%03d (id SERIAL PRIMARY KEY)" % i],
                            ["DROP TABLE t%03d" % i, "DELETE FROM applied WHERE rev = '%s'" % rid],
                            "step %d" % i))
        return revs

    def start(self, p, *cmd):
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.pop("ALEMBIC_DATABASE_URL", None)
        return subprocess.Popen([miglint_path(), "-C", p.root, "--versions", "alembic/versions"]
                                + list(cmd) + ["--db", p.url], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, encoding="utf-8")

    def test_two_upgrades_at_once_apply_each_revision_once(self):
        for attempt in range(3):
            p = self.project("p%d" % attempt, self.history())
            procs = [self.start(p, "upgrade", "head") for _ in range(2)]
            outs = [proc.communicate(timeout=120) for proc in procs]
            with self.subTest(attempt=attempt):
                for proc, (out, err) in zip(procs, outs):
                    self.assertEqual(proc.returncode, 0, err)
                applied = SERVER.psql("SELECT rev FROM applied ORDER BY rev", p.db).split()
                self.assertEqual(applied, ["r%03d" % i for i in range(1, self.COUNT + 1)])
                self.assertEqual(version_rows(p.db), ["r%03d" % self.COUNT])
                ran = sum(len(running_lines(err)) for _, err in outs)
                self.assertEqual(ran, self.COUNT + 1)
                # One process ran them all: the other found the database at head.
                pids = set(SERVER.psql("SELECT DISTINCT pid FROM applied", p.db).split())
                self.assertEqual(len(pids), 1)
                self.assertEqual(current_set(p.alembic("current").stdout), ["r%03d" % self.COUNT])

    def test_kill_during_a_revision_leaves_the_last_committed_one(self):
        """kill -9 while a revision runs: the server rolls that revision back and frees the
        lock when it sees the connection gone, and the next upgrade finishes the job."""
        revs = self.history()
        revs[3].up.insert(1, "SELECT pg_sleep(2)")
        p = self.project("killed", revs)
        proc = self.start(p, "upgrade", "head")
        deadline = time.time() + 60
        sleeping = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND query = 'SELECT pg_sleep(2)' AND state = 'active'")
        while SERVER.psql(sleeping, p.db).strip() != "1":
            self.assertLess(time.time(), deadline, "the slow revision never started")
            time.sleep(0.05)
        proc.kill()
        proc.communicate()
        self.assertEqual(version_rows(p.db), ["r002"])
        r = self.assert_ok(p.miglint("upgrade", "head"))
        self.assertEqual(running_lines(r.stderr)[0], "Running upgrade r002 -> r003, step 3")
        applied = SERVER.psql("SELECT rev FROM applied ORDER BY rev", p.db).split()
        self.assertEqual(applied, ["r%03d" % i for i in range(1, self.COUNT + 1)])
        self.assertEqual(version_rows(p.db), ["r%03d" % self.COUNT])

    def test_upgrade_and_downgrade_at_once_leave_a_consistent_database(self):
        p = self.project("mixed", self.history())
        self.assert_ok(p.miglint("upgrade", "r004"))
        procs = [self.start(p, "upgrade", "head"), self.start(p, "downgrade", "r002")]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 0, err)
        rows = version_rows(p.db)
        applied = SERVER.psql("SELECT rev FROM applied ORDER BY rev", p.db).split()
        self.assertIn(rows, (["r002"], ["r%03d" % self.COUNT]))
        last = int(rows[0][1:])
        self.assertEqual(applied, ["r%03d" % i for i in range(1, last + 1)])
        for i in range(1, self.COUNT + 1):
            self.assertEqual(table_exists(p.db, "t%03d" % i), i <= last)


if __name__ == "__main__":
    unittest.main()

"""verify on a real PostgreSQL 15 server: a scratch database of verify's own, created and
dropped on the server the URL names (also when miglint is killed), never writing the named
database; statuses and findings as on SQLite, from schemas read from pg_catalog and rows."""

import json
import os
import signal
import subprocess
import time
import unittest

import pg_server
from miglint_e2e import TempDir, miglint_path, run_miglint, write_file

SERVER = None


def setUpModule():
    global SERVER
    SERVER = pg_server.Server().start()


def tearDownModule():
    if SERVER is not None:
        SERVER.stop()


def sql_revision(root, rev, down_rev, message, up, down):
    write_file(os.path.join(root, "versions", "%s_%s.sql" % (rev, message.replace(" ", "_"))),
               "-- %s\n--\n-- Revision ID: %s\n-- Revises: %s\n-- Create Date: 2026-11-24 14:00:00\n\n"
               "-- migrate:up\n%s\n\n-- migrate:down\n%s\n" % (message, rev, down_rev, up, down))


def python_revision(root, rev, down_rev, message, up, down):
    write_file(os.path.join(root, "versions", "%s_%s.py" % (rev, message.replace(" ", "_"))),
               '"""%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: 2026-11-24 14:00:00\n\n"""\n'
               "from alembic import op\nimport sqlalchemy as sa\n\n"
               "revision = %r\ndown_revision = %r\nbranch_labels = None\ndepends_on = None\n\n\n"
               "def upgrade():\n%s\n\n\ndef downgrade():\n%s\n"
               % (message, rev, down_rev or "", rev, down_rev, up, down))


def scratch_databases():
    return {d for d in SERVER.databases() if d.startswith("miglint_verify_")}


class PostgresVerifyTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.root = self.tmp.path
        self.named = SERVER.create_database("named")
        self.url = SERVER.url(self.named)

    def tearDown(self):
        self.tmp.cleanup()

    def verify(self, *extra):
        out = run_miglint(["--format", "json", "verify", "--db", self.url] + list(extra),
                          cwd=self.root, timeout=120)
        self.assertIn(out.returncode, (0, 1), out.stderr)
        return out.returncode, json.loads(out.stdout), out.stderr

    def statuses(self, report):
        return {r["revision"]: r["status"] for r in report["revisions"]}

    def assert_named_database_untouched(self):
        self.assertEqual(SERVER.psql("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
                                     "n.oid = c.relnamespace WHERE n.nspname = 'public'",
                                     self.named).strip(), "0")

    def test_a_clean_history_round_trips_and_leaves_nothing_behind(self):
        sql_revision(self.root, "a1", "", "create users",
                     "CREATE TYPE mood AS ENUM ('sad', 'happy');\n"
                     "CREATE TABLE users (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE,"
                     " m mood, data JSONB NOT NULL DEFAULT '{}'::jsonb);\n"
                     "INSERT INTO users (email, m) VALUES ('a@x', 'sad'), ('b@x', 'happy');",
                     "DROP TABLE users;\nDROP TYPE mood;")
        python_revision(self.root, "b2", "a1", "add trigger on users",
                        "    op.execute('''CREATE FUNCTION touch() RETURNS trigger AS $$\n"
                        "BEGIN NEW.data := NEW.data || '{\"t\": 1}'::jsonb; RETURN NEW; END;\n"
                        "$$ LANGUAGE plpgsql''')\n"
                        "    op.execute('CREATE TRIGGER users_touch BEFORE INSERT ON users "
                        "FOR EACH ROW EXECUTE FUNCTION touch()')",
                        "    op.execute('DROP TRIGGER users_touch ON users')\n"
                        "    op.execute('DROP FUNCTION touch()')")
        before = scratch_databases()
        code, report, stderr = self.verify()
        self.assertEqual(code, 0, stderr)
        self.assertEqual(self.statuses(report), {"a1": "ok", "b2": "ok"})
        self.assertTrue(report["summary"]["final_downgrade_checked"])
        self.assertIn("miglint_verify_", stderr)
        self.assertNotIn(pg_server.PASSWORD, stderr)
        self.assertEqual(scratch_databases(), before)
        self.assert_named_database_untouched()

    def test_what_a_downgrade_forgets_is_named(self):
        sql_revision(self.root, "a1", "", "create users",
                     "CREATE TABLE users (id SERIAL PRIMARY KEY, email TEXT);\n"
                     "INSERT INTO users (email) VALUES ('a@x'), ('b@x');",
                     "DROP TABLE users;")
        sql_revision(self.root, "b2", "a1", "index users by email",
                     "CREATE INDEX ix_users_email ON users (email);", "SELECT 1;")
        sql_revision(self.root, "c3", "b2", "drop the first user",
                     "DELETE FROM users WHERE email = 'a@x';", "SELECT 1;")
        code, report, _ = self.verify()
        self.assertEqual(code, 1)
        self.assertEqual(self.statuses(report),
                         {"a1": "ok", "b2": "not-restored", "c3": "rows-not-restored"})
        messages = [d["message"] for d in report["diagnostics"]]
        self.assertTrue(any("ix_users_email" in m and "unexpected" in m for m in messages),
                        messages)
        self.assertTrue(any("a@x" in m for m in messages), messages)

    def test_sample_rows_show_what_a_downgrade_loses_and_what_rows_break(self):
        """Tables are topped up with sample rows before each revision (types, enum labels,
        NOT NULL foreign keys to seeded parents, lengths, unique values): a downgrade that
        loses a column's data and an upgrade that fails only on rows are found; a table
        whose CHECK refuses the rows is skipped with a note; --rows 0 seeds nothing."""
        python_revision(self.root, "a1", None, "create tables",
                        "    op.create_table('teams', sa.Column('id', sa.Integer(), primary_key=True),\n"
                        "                    sa.Column('name', sa.String(3), nullable=False, unique=True))\n"
                        "    op.create_table('users', sa.Column('id', sa.Integer(), primary_key=True),\n"
                        "                    sa.Column('team_id', sa.Integer(), sa.ForeignKey('teams.id'), nullable=False),\n"
                        "                    sa.Column('email', sa.String(20), nullable=False, unique=True),\n"
                        "                    sa.Column('mood', sa.Enum('sad', 'ok', name='mood'), nullable=False),\n"
                        "                    sa.Column('meta', sa.JSON()), sa.Column('born', sa.Date(), nullable=False),\n"
                        "                    sa.Column('uid', sa.dialects.postgresql.UUID(), nullable=False))\n"
                        "    op.create_table('checked', sa.Column('n', sa.Integer(), nullable=False),\n"
                        "                    sa.CheckConstraint('n > 1000', name='ck_big'))",
                        "    op.drop_table('checked')\n    op.drop_table('users')\n    op.drop_table('teams')\n"
                        "    op.execute('DROP TYPE mood')")
        python_revision(self.root, "b2", "a1", "drop meta",
                        "    op.drop_column('users', 'meta')",
                        "    op.add_column('users', sa.Column('meta', sa.JSON()))")
        python_revision(self.root, "c3", "b2", "shorten emails",
                        "    op.alter_column('users', 'email', type_=sa.String(1))",
                        "    op.alter_column('users', 'email', type_=sa.String(20))")
        code, report, stderr = self.verify()
        self.assertEqual(code, 1, stderr)
        self.assertEqual(self.statuses(report),
                         {"a1": "ok", "b2": "rows-not-restored", "c3": "fails-on-populated-table"})
        diagnostics = report["diagnostics"]
        self.assertTrue(any(d["code"] == "MG307" and "b2" in d["message"] for d in diagnostics), diagnostics)
        self.assertTrue(any(d["code"] == "MG308" and "value too long" in d["message"] for d in diagnostics),
                        diagnostics)
        notes = json.dumps(report)
        self.assertIn('table \\"public.checked\\" not seeded', notes)
        self.assertIn("ck_big", notes)
        code, report, stderr = self.verify("--rows", "0")
        self.assertEqual(code, 0, stderr)
        self.assertEqual(self.statuses(report), {"a1": "ok", "b2": "ok", "c3": "ok"})
        self.assert_named_database_untouched()

    def test_autocommit_blocks_commit_and_a_lost_round_trip_stops_the_rest(self):
        """autocommit_block() runs in verify as in upgrade (CREATE INDEX CONCURRENTLY cannot
        run in a transaction). A clean round trip goes on; one that committed and did not
        restore the schema cannot be undone, so the revisions after it are not reached,
        and a note says why."""
        python_revision(self.root, "a1", None, "create t",
                        "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))",
                        "    op.drop_table('t')")
        python_revision(self.root, "b2", "a1", "index concurrently",
                        "    with op.get_context().autocommit_block():\n"
                        "        op.create_index('ix_t_id', 't', ['id'], postgresql_concurrently=True)",
                        "    with op.get_context().autocommit_block():\n"
                        "        op.drop_index('ix_t_id', table_name='t', postgresql_concurrently=True)")
        python_revision(self.root, "c3", "b2", "second index, whose downgrade adds a third",
                        "    with op.get_context().autocommit_block():\n"
                        "        op.execute('CREATE INDEX CONCURRENTLY ix_t_id2 ON t (id)')",
                        "    with op.get_context().autocommit_block():\n"
                        "        op.execute('CREATE INDEX CONCURRENTLY ix_t_wrong ON t (id)')")
        python_revision(self.root, "d4", "c3", "create u",
                        "    op.create_table('u', sa.Column('id', sa.Integer(), primary_key=True))",
                        "    op.drop_table('u')")
        before = scratch_databases()
        code, report, stderr = self.verify()
        self.assertEqual(code, 1, stderr)
        self.assertEqual(self.statuses(report),
                         {"a1": "ok", "b2": "ok", "c3": "not-restored", "d4": "not-reached"})
        c3 = [r for r in report["revisions"] if r["revision"] == "c3"][0]
        self.assertTrue(any("autocommit_block() committed" in n for n in c3.get("notes", [])), c3)
        self.assertEqual(scratch_databases(), before)
        self.assert_named_database_untouched()

    def test_failures_carry_the_server_message_and_block_descendants(self):
        sql_revision(self.root, "a1", "", "create users",
                     "CREATE TABLE users (id INT PRIMARY KEY);", "DROP TABLE users;")
        sql_revision(self.root, "b2", "a1", "add orders table",
                     "CREATE TABLE orders (id INT REFERENCES nowhere (id));", "DROP TABLE orders;")
        sql_revision(self.root, "c3", "b2", "add items table",
                     "CREATE TABLE items (id INT);", "DROP TABLE items;")
        sql_revision(self.root, "d4", "a1", "add notes table",
                     "CREATE TABLE notes (id INT);", "DROP TABLE note;")
        code, report, _ = self.verify()
        self.assertEqual(code, 1)
        self.assertEqual(self.statuses(report), {"a1": "ok", "b2": "upgrade-failed",
                                                 "c3": "not-reached", "d4": "downgrade-failed"})
        messages = " ".join(d["message"] for d in report["diagnostics"])
        self.assertIn('relation "nowhere" does not exist', messages)
        self.assertIn('table "note" does not exist', messages)

    def test_a_nameless_constraint_cannot_be_dropped_as_in_alembic(self):
        # Autogenerate writes None for names the database chose; SQLAlchemy cannot compile
        # DROP CONSTRAINT for it, so Alembic's downgrade fails there, and so does miglint's.
        python_revision(self.root, "a1", None, "create users",
                        "    op.create_table('users', sa.Column('id', sa.Integer, primary_key=True),"
                        " sa.Column('email', sa.String(80)))\n"
                        "    op.create_unique_constraint(None, 'users', ['email'])",
                        "    op.drop_constraint(None, 'users', type_='unique')\n"
                        "    op.drop_table('users')")
        code, report, _ = self.verify()
        self.assertEqual(code, 1)
        self.assertEqual(self.statuses(report), {"a1": "downgrade-failed"})
        self.assertIn("Can't emit DROP CONSTRAINT for constraint UniqueConstraint(); it has no name",
                      report["diagnostics"][0]["message"])
        path = os.path.join(self.root, report["diagnostics"][0]["path"])
        with open(path) as f:
            lines = f.read().splitlines()
        self.assertIn("drop_constraint(None", lines[report["diagnostics"][0]["line"] - 1])

    def test_a_revision_that_commits_is_refused(self):
        sql_revision(self.root, "a1", "", "create users",
                     "CREATE TABLE users (id INT);\nSELECT 1; COMMIT;", "DROP TABLE users;")
        code, report, _ = self.verify()
        self.assertEqual(code, 1)
        self.assertEqual(self.statuses(report), {"a1": "upgrade-failed"})
        self.assertIn("`COMMIT` would end the transaction", report["diagnostics"][0]["message"])

    def test_start_from_clones_a_database_of_the_same_server(self):
        sql_revision(self.root, "a1", "", "create users",
                     "CREATE TABLE users (id INT PRIMARY KEY, email TEXT);", "DROP TABLE users;")
        sql_revision(self.root, "b2", "a1", "add users name",
                     "ALTER TABLE users ADD COLUMN name TEXT;",
                     "ALTER TABLE users DROP COLUMN name;")
        app = SERVER.create_database("app")
        SERVER.psql("CREATE TABLE users (id INT PRIMARY KEY, email TEXT);"
                    "INSERT INTO users VALUES (1, 'a@x');"
                    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
                    "INSERT INTO alembic_version VALUES ('a1')", app)
        code, report, stderr = self.verify("--start-from", SERVER.url(app))
        self.assertEqual(code, 0, stderr)
        self.assertEqual(self.statuses(report), {"b2": "ok"})
        self.assertIn("a copy of %s" % app, stderr)
        self.assertEqual(SERVER.psql("SELECT count(*) FROM information_schema.columns WHERE "
                                     "table_name = 'users'", app).strip(), "2")

    def test_a_killed_verify_leaves_no_scratch_database(self):
        sql_revision(self.root, "a1", "", "wait a while", "SELECT pg_sleep(30);", "SELECT 1;")
        before = scratch_databases()
        proc = subprocess.Popen([miglint_path(), "verify", "--db", self.url], cwd=self.root,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline and scratch_databases() == before:
            time.sleep(0.1)
        self.assertNotEqual(scratch_databases(), before, "the scratch database never appeared")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.time() + 20
        while time.time() < deadline and scratch_databases() != before:
            time.sleep(0.1)
        self.assertEqual(scratch_databases(), before)

    def test_connection_problems_exit_2_without_the_password(self):
        sql_revision(self.root, "a1", "", "create users", "CREATE TABLE users (id INT);",
                     "DROP TABLE users;")
        for url in (SERVER.url(self.named, password="wrong-password"),
                    "postgresql://postgres:%s@127.0.0.1:1/x" % pg_server.PASSWORD):
            out = run_miglint(["verify", "--db", url], cwd=self.root)
            self.assertEqual(out.returncode, 2, out.stderr)
            self.assertIn("cannot connect to postgresql://postgres:***@127.0.0.1", out.stderr)
            self.assertNotIn(pg_server.PASSWORD, out.stderr + out.stdout)
            self.assertNotIn("wrong-password", out.stderr + out.stdout)


if __name__ == "__main__":
    unittest.main()

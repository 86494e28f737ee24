"""A NUL character inside SQL text: SQLite would read the statement only up to it, so
`DELETE FROM users\\x00 WHERE id = 2` would delete every row. Real Alembic (Python's
sqlite3) refuses such a statement; miglint must refuse it too, on every path that hands
SQL to SQLite, and leave the rows and the version table as they were."""

import json
import os
import sqlite3
import unittest

from engine_project import ALEMBIC_INI, ENV_PY
from miglint_e2e import TempDir, run_alembic, run_miglint, write_file

BASE = '''"""create users

Revision ID: aaaa00000001
"""
from alembic import op
import sqlalchemy as sa

revision = "aaaa00000001"
down_revision = None


def upgrade():
    op.create_table("users", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(20)))
    op.bulk_insert(sa.table("users", sa.column("id"), sa.column("name")),
                   [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}, {"id": 3, "name": "cy"}])


def downgrade():
    op.drop_table("users")
'''

DELETE = '''"""delete user two

Revision ID: bbbb00000002
"""
from alembic import op
import sqlalchemy as sa

revision = "bbbb00000002"
down_revision = "aaaa00000001"


def upgrade():
    {call}


def downgrade():
    pass
'''

# Each way a revision hands SQL text to the database.
CALLS = {
    "op.execute": 'op.execute("DELETE FROM users\\x00 WHERE id = 2")',
    "sa.text": 'op.execute(sa.text("DELETE FROM users\\x00 WHERE id = 2"))',
    "get_bind": 'op.get_bind().execute(sa.text("DELETE FROM users\\x00 WHERE id = 2"))',
}


def user_ids(db):
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT id FROM users ORDER BY id")]
    finally:
        con.close()


def versions(db):
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT version_num FROM alembic_version")]
    finally:
        con.close()


class NulInSqlTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def project(self, name, call):
        root = os.path.join(self.tmp.path, name)
        write_file(os.path.join(root, "alembic", "versions", "aaaa00000001_users.py"), BASE)
        write_file(os.path.join(root, "alembic", "versions", "bbbb00000002_delete.py"),
                   DELETE.format(call=call))
        write_file(os.path.join(root, "alembic", "env.py"), ENV_PY)
        write_file(os.path.join(root, "alembic.ini"),
                   ALEMBIC_INI.format(url="sqlite:///" + os.path.join(root, "alembic.db")))
        return root

    def test_upgrade_refuses_and_keeps_every_row(self):
        for name, call in CALLS.items():
            with self.subTest(name):
                root = self.project(name.replace(".", "_"), call)
                db = os.path.join(root, "app.db")
                r = run_miglint(["-C", root, "upgrade", "head", "--db", db])
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                self.assertIn("NUL", r.stderr)
                self.assertIn("bbbb00000002", r.stderr)
                self.assertEqual(user_ids(db), [1, 2, 3])
                self.assertEqual(versions(db), ["aaaa00000001"])

                # The oracle: real Alembic refuses the same statement, leaving the same rows.
                a = run_alembic(["-c", os.path.join(root, "alembic.ini"), "upgrade", "head"],
                                cwd=root)
                self.assertNotEqual(a.returncode, 0, a.stdout + a.stderr)
                self.assertIn("null character", a.stderr)
                adb = os.path.join(root, "alembic.db")
                self.assertEqual(user_ids(adb), [1, 2, 3])
                self.assertEqual(versions(adb), ["aaaa00000001"])

    def test_verify_reports_the_upgrade_as_failed(self):
        root = self.project("verify", CALLS["op.execute"])
        r = run_miglint(["-C", root, "--format", "json", "verify"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        report = json.loads(r.stdout)
        statuses = {x["revision"]: x["status"] for x in report["revisions"]}
        self.assertEqual(statuses["bbbb00000002"], "upgrade-failed")
        failed = [d for d in report["diagnostics"] if d["rule"] == "roundtrip-upgrade-failed"]
        self.assertEqual(len(failed), 1, report["diagnostics"])
        self.assertIn("NUL character at offset 17", failed[0]["message"])
        self.assertEqual(failed[0]["line"], 13)

    def test_native_sql_statement_with_nul_is_not_run(self):
        # A native SQL file whose statement holds a NUL byte is an unparsable revision:
        # nothing runs, the rows stay.
        root = os.path.join(self.tmp.path, "native")
        write_file(os.path.join(root, "versions", "aaaa00000001_users.sql"),
                   "-- create users\n--\n-- Revision ID: aaaa00000001\n-- Revises:\n\n"
                   "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n"
                   "INSERT INTO users VALUES (1), (2), (3);\n\n"
                   "-- migrate:down\nDROP TABLE users;\n")
        write_file(os.path.join(root, "versions", "bbbb00000002_delete.sql"),
                   "-- delete user two\n--\n-- Revision ID: bbbb00000002\n"
                   "-- Revises: aaaa00000001\n\n-- migrate:up\n"
                   "DELETE FROM users\x00 WHERE id = 2;\n\n-- migrate:down\n")
        db = os.path.join(root, "app.db")
        con = sqlite3.connect(db)
        con.executescript("CREATE TABLE users (id INTEGER PRIMARY KEY);"
                          "INSERT INTO users VALUES (1), (2), (3);"
                          "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);"
                          "INSERT INTO alembic_version VALUES ('aaaa00000001');")
        con.commit()
        con.close()
        r = run_miglint(["-C", root, "upgrade", "head", "--db", db])
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("bbbb00000002_delete.sql", r.stderr)
        self.assertIn("NUL", r.stderr)
        self.assertEqual(user_ids(db), [1, 2, 3])
        self.assertEqual(versions(db), ["aaaa00000001"])


if __name__ == "__main__":
    unittest.main()

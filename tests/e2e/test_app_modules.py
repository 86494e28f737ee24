"""Revisions that import the application's own modules (`from myapp.db.types import
GUID`): miglint reads those modules from the repository (alembic.ini's prepend_sys_path,
the project root, src/, `python-path` in miglint.toml), evaluates only what the revision
uses, and builds the same schema as real Alembic, which imports them. Third-party imports
inside those modules stay opaque until something is used from them."""

import json
import os
import sqlite3
import subprocess
import unittest

from engine_project import ENV_PY, schema
from miglint_e2e import TempDir, run_alembic, run_miglint, write_file

# An application package as projects write them: a TypeDecorator choosing its type by
# dialect, one with a plain impl, a generic TypeDecorator base, constants, an enum and a
# helper function, next to a third-party import miglint cannot read.
TYPES_PY = '''import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import CHAR, TypeDecorator

try:
    import some_vendor_sdk  # not installed: only imported, never used by revisions
except ImportError:
    some_vendor_sdk = None

TABLE_PREFIX = "app_"
NAME_LENGTH = 3 * 40


class GUID(TypeDecorator):
    impl = CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import UUID
            return dialect.type_descriptor(UUID())
        return dialect.type_descriptor(CHAR(32))

    def process_bind_param(self, value, dialect):
        return None if value is None else uuid.UUID(str(value)).hex


class ShortText(TypeDecorator):
    impl = sa.String
    cache_ok = True


class Stamp(TypeDecorator[Any]):
    impl = sa.DateTime(timezone=True)
    cache_ok = True


class Status(str, enum.Enum):
    ACTIVE = "active"
    RETIRED = "retired"


def table_name(base):
    return TABLE_PREFIX + base
'''

INIT_PY = "from .types import GUID, Status  # noqa: F401\n"

REVISION = '''"""create app tables

Revision ID: a1b2c3d4e5f6
Revises:
"""
from alembic import op
import sqlalchemy as sa

import myapp.db.types
from myapp.db import types as t
from myapp.db.types import GUID, NAME_LENGTH, ShortText, Stamp, Status, table_name

revision = "a1b2c3d4e5f6"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        table_name("users"),
        sa.Column("id", GUID(), primary_key=True),
        sa.Column("name", ShortText(NAME_LENGTH), nullable=False),
        sa.Column("created", Stamp()),
        sa.Column("status", sa.Enum(Status, native_enum=False), nullable=False),
        sa.Column("ref", myapp.db.types.GUID()),
    )
    op.create_index("ix_" + t.table_name("users") + "_name", t.table_name("users"), ["name"])


def downgrade():
    op.drop_index("ix_" + t.table_name("users") + "_name", t.table_name("users"))
    op.drop_table(table_name("users"))
'''

# Uses the opaque third-party module through the application: not a guess, unverifiable.
OPAQUE_REVISION = '''"""use vendor sdk

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
"""
from alembic import op
import sqlalchemy as sa

from myapp.db.types import some_vendor_sdk

revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"


def upgrade():
    some_vendor_sdk.migrate(op.get_bind())


def downgrade():
    pass
'''


class AppModulesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def project(self, package_root, ini_extra="", revisions=(REVISION,)):
        root = os.path.join(self.tmp.path, "p%d" % len(os.listdir(self.tmp.path)))
        pkg = os.path.join(root, package_root, "myapp") if package_root else os.path.join(root, "myapp")
        write_file(os.path.join(pkg, "__init__.py"), "")
        write_file(os.path.join(pkg, "db", "__init__.py"), INIT_PY)
        write_file(os.path.join(pkg, "db", "types.py"), TYPES_PY)
        for i, text in enumerate(revisions):
            write_file(os.path.join(root, "migrations", "versions", "r%d.py" % i), text)
        write_file(os.path.join(root, "migrations", "env.py"), ENV_PY)
        write_file(os.path.join(root, "alembic.ini"),
                   "[alembic]\nscript_location = migrations\n%s\nsqlalchemy.url = sqlite:///%s\n"
                   % (ini_extra, os.path.join(root, "alembic.db")))
        return root

    def compare_with_alembic(self, root):
        a = run_alembic(["-c", os.path.join(root, "alembic.ini"), "upgrade", "head"], cwd=root)
        self.assertEqual(a.returncode, 0, a.stderr)
        db = os.path.join(root, "miglint.db")
        m = run_miglint(["-C", root, "upgrade", "head", "--db", db])
        self.assertEqual(m.returncode, 0, m.stdout + m.stderr)
        self.assertEqual(schema(db), schema(os.path.join(root, "alembic.db")))
        # The declared types themselves, which table_info compares too: GUID is CHAR(32).
        con = sqlite3.connect(db)
        types = {r[1]: r[2] for r in con.execute("PRAGMA table_info(app_users)")}
        con.close()
        self.assertEqual(types["id"], "CHAR(32)")
        self.assertEqual(types["name"], "VARCHAR(120)")
        m = run_miglint(["-C", root, "downgrade", "base", "--db", db])
        self.assertEqual(m.returncode, 0, m.stdout + m.stderr)
        self.assertEqual(schema(db), {})

    def test_package_at_the_root_through_prepend_sys_path(self):
        root = self.project(None, "prepend_sys_path = .")
        self.compare_with_alembic(root)
        r = run_miglint(["-C", root, "--format", "json", "verify"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stdout)["summary"]["ok"], 1)

    def test_package_under_src(self):
        root = self.project("src", "prepend_sys_path = src")
        self.compare_with_alembic(root)

    def test_python_path_setting(self):
        root = self.project("lib/python")
        write_file(os.path.join(root, "miglint.toml"), 'python-path = ["lib/python"]\n')
        db = os.path.join(root, "miglint.db")
        m = run_miglint(["-C", root, "upgrade", "head", "--db", db])
        self.assertEqual(m.returncode, 0, m.stdout + m.stderr)
        con = sqlite3.connect(db)
        types = {r[1]: r[2] for r in con.execute("PRAGMA table_info(app_users)")}
        con.close()
        self.assertEqual(types["id"], "CHAR(32)")

    def test_third_party_use_stays_unverifiable(self):
        root = self.project(None, "prepend_sys_path = .", (REVISION, OPAQUE_REVISION))
        r = run_miglint(["-C", root, "--format", "json", "verify"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        report = json.loads(r.stdout)
        statuses = {x["revision"]: x["status"] for x in report["revisions"]}
        self.assertEqual(statuses, {"a1b2c3d4e5f6": "ok", "b2c3d4e5f6a7": "unverifiable"})
        d = [x for x in report["diagnostics"] if x["code"] == "MG306"]
        self.assertIn("some_vendor_sdk", d[0]["message"])

    def test_verify_staged_reads_the_staged_modules(self):
        # The module as committed is what `verify --staged` must use: here the working tree
        # has lost it (deleted, not staged), so only the index can answer.
        root = self.project(None, "prepend_sys_path = .")
        git = lambda *a: subprocess.run(["git", "-C", root] + list(a), check=True,
                                        capture_output=True)
        git("init", "-q")
        git("add", "-A")
        os.unlink(os.path.join(root, "myapp", "db", "types.py"))
        staged = run_miglint(["-C", root, "--format", "json", "verify", "--staged"])
        self.assertEqual(staged.returncode, 0, staged.stdout + staged.stderr)
        self.assertEqual(json.loads(staged.stdout)["summary"]["ok"], 1)
        work = run_miglint(["-C", root, "--format", "json", "verify"])
        self.assertEqual(work.returncode, 1, work.stdout + work.stderr)
        self.assertEqual(json.loads(work.stdout)["revisions"][0]["status"], "unverifiable")

    def test_flask_sqlalchemy_names_are_sqlalchemy_names(self):
        # `db = SQLAlchemy()` re-exports SQLAlchemy: a data migration typing its table
        # clauses with db.Integer / db.String runs as the same revision written with sa.*
        # runs under real Alembic (Flask-SQLAlchemy itself is not installed here).
        body = FLASK_REVISION
        root = self.project(None, "prepend_sys_path = .", (body.replace("from myapp.models import db\n", "").replace("db.", "sa."),))
        a = run_alembic(["-c", os.path.join(root, "alembic.ini"), "upgrade", "head"], cwd=root)
        self.assertEqual(a.returncode, 0, a.stderr)
        write_file(os.path.join(root, "migrations", "versions", "r0.py"), body)
        write_file(os.path.join(root, "myapp", "models.py"),
                   "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n")
        db = os.path.join(root, "miglint.db")
        m = run_miglint(["-C", root, "upgrade", "head", "--db", db])
        self.assertEqual(m.returncode, 0, m.stdout + m.stderr)
        rows = lambda path: sqlite3.connect(path).execute("SELECT * FROM teams ORDER BY id").fetchall()
        self.assertEqual(rows(db), rows(os.path.join(root, "alembic.db")))
        self.assertEqual(rows(db), [(1, "red", 2), (2, "blue", None)])
        r = run_miglint(["-C", root, "--format", "json", "verify"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # Flask-SQLAlchemy's own names stay opaque: db.Table is not sa.Table.
        write_file(os.path.join(root, "migrations", "versions", "r0.py"),
                   body.replace('teams = table(', 'teams = db.Table('))
        r = run_miglint(["-C", root, "--format", "json", "verify"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stdout)["revisions"][0]["status"], "unverifiable")


FLASK_REVISION = '''"""teams and captains

Revision ID: c3d4e5f6a7b8
Revises:
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.sql import column, table

from myapp.models import db

revision = "c3d4e5f6a7b8"
down_revision = None

teams = table("teams", column("id", db.Integer), column("name", db.String), column("captain_id", db.Integer))


def upgrade():
    op.create_table("teams", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)),
                    sa.Column("captain_id", sa.Integer))
    op.bulk_insert(teams, [{"id": 1, "name": "red"}, {"id": 2, "name": "blue"}])
    connection = op.get_bind()
    for team in connection.execute(teams.select().where(teams.c.name == "red")):
        connection.execute(teams.update().where(teams.c.id == team.id).values(captain_id=team.id + 1))


def downgrade():
    op.drop_table("teams")
'''


if __name__ == "__main__":
    unittest.main()

"""type(x) and super() in revisions and in the application modules they call, against
real Alembic: a revision seeds rows, the next one reads them back and rewrites them
through application classes (a base with __init__ and methods, subclasses calling
super().__init__ / super().method / a classmethod through super(), checks such as
`type(x) is T`, `type(x) == T` and `type(x).__name__`). Schema and rows must be the
same in both tools after every step, and `verify` must reach `ok` for each revision.
What super() cannot resolve (a base class from a third-party package) stays
unverifiable, naming the construct."""

import json
import os
import shutil
import sqlite3
import unittest

from engine_project import ENV_PY, schema
from miglint_e2e import TempDir, run_alembic, run_miglint, write_file

FORMATS_PY = '''import json

from vendor_sdk import Serializer  # not installed here: never evaluated


class Formatter:
    prefix = "base"

    def __init__(self, width):
        self.width = width

    def render(self, value):
        return "%s:%s" % (self.prefix, str(value)[: self.width])

    @classmethod
    def create(cls, width):
        return cls(width)

    def kind(self):
        return type(self).__name__


class Upper(Formatter):
    prefix = "upper"

    def __init__(self, width, suffix=""):
        super().__init__(width)
        self.suffix = suffix

    def render(self, value):
        return super().render(value).upper() + self.suffix


class Loud(Upper):
    def render(self, value):
        return super(Loud, self).render(value) + "!"

    @classmethod
    def create(cls, width):
        made = super().create(width)
        made.suffix = "?"
        return made


class Plain:
    def __init__(self):
        super().__init__()
        self.ready = True


def describe(value):
    if type(value) is int:
        return "int"
    if type(value) == str:
        return "str:" + type(value).__name__
    if type(value) is type(None):
        return "none"
    if type(value) in (list, tuple):
        return "seq"
    return "other"


def pick(kind):
    if kind == "upper":
        return Upper(4, "+")
    if kind == "loud":
        return Loud.create(3)
    return Formatter.create(5)


class Wrapped(Serializer):
    @classmethod
    def default(cls):
        return super().default()
'''

SEED = '''"""seed items

Revision ID: a0000000seed
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "a0000000seed"
down_revision = None


def upgrade():
    items = op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("qty", sa.Integer, nullable=True),
    )
    op.bulk_insert(items, [
        {"id": 1, "kind": "upper", "name": "widget", "qty": 3},
        {"id": 2, "kind": "loud", "name": "gadget", "qty": None},
        {"id": 3, "kind": "base", "name": "doohickey", "qty": 12},
    ])


def downgrade():
    op.drop_table("items")
'''

REWRITE = '''"""render item labels through application classes

Revision ID: b000000label
Revises: a0000000seed
"""
from alembic import op
import sqlalchemy as sa

from myapp.formats import Formatter, Loud, Plain, Upper, describe, pick

revision = "b000000label"
down_revision = "a0000000seed"


class Local(Upper):
    def __init__(self):
        super().__init__(2)

    def render(self, value):
        return "[" + super().render(value) + "]"


def upgrade():
    op.add_column("items", sa.Column("label", sa.String(60), nullable=True))
    op.add_column("items", sa.Column("info", sa.String(60), nullable=True))
    conn = op.get_bind()
    items = sa.table("items", sa.column("id"), sa.column("kind"), sa.column("name"),
                     sa.column("qty"), sa.column("label"), sa.column("info"))
    rows = conn.execute(sa.select(items.c.id, items.c.kind, items.c.name, items.c.qty)).fetchall()
    local = Local()
    assert Plain().ready
    for row in rows:
        fmt = pick(row.kind)
        label = fmt.render(row.name)
        if type(fmt) is Loud:
            label = label + "/" + local.render(row.name)
        info = "%s %s %s %s" % (fmt.kind(), describe(row.qty), describe(row.name),
                                type(fmt) == Upper)
        conn.execute(items.update().where(items.c.id == row.id).values(label=label, info=info))
    conn.execute(items.insert().values(id=4, kind="x", name=describe([1]), qty=None,
                                       label=Formatter(3).kind(), info=describe(1.5)))
    # iter() and next(): of a list, and of a result, which keeps the rows not taken yet.
    count = next(iter(conn.execute(sa.text("SELECT COUNT(id) FROM items"))))[0]
    ordered = conn.execute(sa.text("SELECT name FROM items ORDER BY id"))
    first = next(ordered)
    names = iter([r[0] for r in ordered.fetchall()])
    second = next(names)
    missing = next(iter([]), "none")
    conn.execute(items.insert().values(id=5, kind="y", name="%d %s %s %s" % (count, first.name, second, missing),
                                       qty=None, label=repr("it's"), info=repr('say "hi" it\\'s')))


def downgrade():
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM items WHERE id IN (4, 5)"))
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_column("info")
        batch_op.drop_column("label")
'''

THIRD_PARTY = '''"""serialize through a third-party base

Revision ID: c000000vendor
Revises: b000000label
"""
from alembic import op

from myapp.formats import Wrapped

revision = "c000000vendor"
down_revision = "b000000label"


def upgrade():
    op.execute("UPDATE items SET info = '%s'" % Wrapped.default())


def downgrade():
    pass
'''


def rows(db):
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version' ORDER BY name")]
        return {t: sorted(map(repr, con.execute('SELECT * FROM "%s"' % t))) for t in tables}
    finally:
        con.close()


class ClassBuiltinsParityTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def project(self, revisions):
        root = os.path.join(self.tmp.path, "p%d" % len(os.listdir(self.tmp.path)))
        write_file(os.path.join(root, "myapp", "__init__.py"), "")
        write_file(os.path.join(root, "myapp", "formats.py"), FORMATS_PY)
        # Alembic imports the application module, which imports the vendor package.
        write_file(os.path.join(root, "vendor_sdk", "__init__.py"),
                   "class Serializer:\n    @classmethod\n    def default(cls):\n        return 'json'\n")
        for i, text in enumerate(revisions):
            write_file(os.path.join(root, "migrations", "versions", "r%d.py" % i), text)
        write_file(os.path.join(root, "migrations", "env.py"), ENV_PY)
        write_file(os.path.join(root, "alembic.ini"),
                   "[alembic]\nscript_location = migrations\nprepend_sys_path = .\n"
                   "sqlalchemy.url = sqlite:///%s\n" % os.path.join(root, "alembic.db"))
        return root

    def test_same_schema_and_rows_as_alembic_at_every_step(self):
        root = self.project([SEED, REWRITE])
        # The vendor package is Python's to import; miglint must not need it.
        os.rename(os.path.join(root, "vendor_sdk"), os.path.join(root, "vendor_sdk_hidden"))
        mdb = os.path.join(root, "miglint.db")
        adb = os.path.join(root, "alembic.db")
        steps = [["upgrade", "a0000000seed"], ["upgrade", "head"], ["downgrade", "a0000000seed"],
                 ["upgrade", "head"], ["downgrade", "base"]]
        for step in steps:
            m = run_miglint(["-C", root] + step + ["--db", mdb])
            self.assertEqual(m.returncode, 0, m.stdout + m.stderr)
            os.rename(os.path.join(root, "vendor_sdk_hidden"), os.path.join(root, "vendor_sdk"))
            a = run_alembic(["-c", os.path.join(root, "alembic.ini")] + step, cwd=root)
            os.rename(os.path.join(root, "vendor_sdk"), os.path.join(root, "vendor_sdk_hidden"))
            self.assertEqual(a.returncode, 0, a.stderr)
            self.assertEqual(schema(mdb), schema(adb), step)
            self.assertEqual(rows(mdb), rows(adb), step)
        # The rows really went through the classes (not a vacuous comparison).
        m = run_miglint(["-C", root, "upgrade", "head", "--db", mdb])
        self.assertEqual(m.returncode, 0, m.stdout + m.stderr)
        con = sqlite3.connect(mdb)
        labels = dict(con.execute("SELECT id, label FROM items"))
        con.close()
        self.assertEqual(labels[1], "UPPER:WIDG+")
        self.assertTrue(labels[2].startswith("UPPER:GAD?!/["), labels[2])
        for args in (["verify"], ["verify", "--rows", "0"]):
            r = run_miglint(["-C", root, "--format", "json"] + args)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(json.loads(r.stdout)["summary"]["ok"], 2)

    def test_super_into_a_third_party_base_stays_unverifiable(self):
        root = self.project([SEED, REWRITE, THIRD_PARTY])
        shutil.rmtree(os.path.join(root, "vendor_sdk"))
        r = run_miglint(["-C", root, "--format", "json", "verify"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        report = json.loads(r.stdout)
        statuses = {x["revision"]: x["status"] for x in report["revisions"]}
        self.assertEqual(statuses["b000000label"], "ok")
        self.assertEqual(statuses["c000000vendor"], "unverifiable")
        d = [x for x in report["diagnostics"] if x["code"] == "MG306"]
        self.assertIn("`super().default`", d[0]["message"])
        self.assertIn("vendor_sdk.Serializer", d[0]["message"])
        self.assertIn("myapp/formats.py:", d[0]["message"])
        self.assertIn("myapp/formats.py:", d[0]["message"])


if __name__ == "__main__":
    unittest.main()

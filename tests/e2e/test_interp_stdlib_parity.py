"""Differential test of newer Python and the standard library in revision bodies.

Revisions use `match` statements, dataclasses, typing hints, str/int enums with auto(),
uuid/json/base64/secrets/os.urandom/logging/datetime, and the migration context
(`bind.engine.url`, `get_x_argument`, the dialect). Real Alembic 1.8 and miglint run the
same history on separate SQLite files and the schema and rows are compared after every
step up and down (as in test_evaluator_parity). Random values are only compared through
what is certain about them (length, version).

A second part checks that what cannot be known stays `unverifiable` with the line and the
construct (the truth or equality of an unknown value, values from the Alembic Config, a
second engine), and that the graph commands read a revision written with Python 3.12
syntax.
"""

import json
import os
import unittest

import miglint_e2e as e2e
from test_evaluator_parity import EvaluatorParityTest, unverifiable_project, verify_json
from test_ops_parity import write_project

MODULE = '''import base64
import dataclasses
import datetime
import enum
import json
import logging
import os
import secrets
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Optional, Union

from alembic import context

if TYPE_CHECKING:
    from myapp.models import Never

log = logging.getLogger(__name__)


@dataclass
class Col:
    name: str
    length: Optional[int] = None
    tags: List[str] = field(default_factory=list)


class Color(str, enum.Enum):
    RED = "red"
    BLUE = "blue"
    CRIMSON = "red"


class Level(enum.IntEnum):
    LOW = enum.auto()
    HIGH = enum.auto()


def typed(c: Col) -> sa.Column:
    return sa.Column(c.name, sa.String(c.length) if c.length else sa.Text())
'''

# (message, upgrade body, downgrade body)
REVISIONS = [
    ("dataclasses typing and enums", '''
cols: List[Col] = [Col("code", 10), Col(name="note", tags=["x"])]
op.create_table("palette", sa.Column("id", sa.Integer, primary_key=True), *[typed(c) for c in cols],
                sa.Column("color", sa.Enum(Color, name="color_enum")), sa.Column("level", sa.Integer))
palette = sa.table("palette", sa.column("id", sa.Integer), sa.column("code", sa.String),
                   sa.column("note", sa.Text), sa.column("color", sa.Enum(Color, name="color_enum")),
                   sa.column("level", sa.Integer))
rows: List[Dict[str, Union[int, str, Color]]] = [
    {"id": i + 1, "code": c.value, "note": "%s/%d/%s" % (c.name, len(Color), c == "blue"), "color": c,
     "level": int(Level.HIGH if c == Color.BLUE else Level.LOW)}
    for i, c in enumerate(Color)]
op.bulk_insert(palette, rows)
first = Col("a", 1)
same = dataclasses.asdict(first) == {"name": "a", "length": 1, "tags": []} and first == Col("a", 1)
op.execute("UPDATE palette SET level = level + %d WHERE id = 1" % (10 if same else 100))
if Color.CRIMSON is Color.RED and Color("blue") is Color.BLUE:
    op.execute("UPDATE palette SET note = note || '!' WHERE id = 2")
''', '''
op.drop_table("palette")
'''),
    ("match statements", '''
kind = ("table", "items")
match kind:
    case ("view", _):
        op.create_table("never_view", sa.Column("id", sa.Integer))
    case ("table", str(name)) if name.startswith("it"):
        op.create_table(name, sa.Column("id", sa.Integer, primary_key=True), sa.Column("payload", sa.Text))
    case _:
        raise RuntimeError("no case")
spec = {"column": "label", "type": "string", "size": 20}
match spec:
    case {"type": "int"}:
        op.add_column("items", sa.Column(spec["column"], sa.Integer()))
    case {"type": "string", "size": int(size), **rest}:
        op.add_column("items", sa.Column(rest["column"], sa.String(size)))
for value in [[1, 2, 3], Col("c", 4), Color.BLUE, None, 7.5]:
    match value:
        case [first, *others]:
            note = "seq %d+%d" % (first, len(others))
        case Col(name, length=4 | 5 as n):
            note = "col %s %d" % (name, n)
        case Color.BLUE:
            note = "blue"
        case None:
            note = "none"
        case float() | int():
            note = "number"
    op.execute(sa.text("INSERT INTO items (payload, label) VALUES (:p, 'm')").bindparams(p=note))
''', '''
op.drop_table("items")
'''),
    ("standard library values", '''
log.info("creating %s", "tokens")
logging.getLogger("alembic").warning("ok")
op.create_table("tokens", sa.Column("id", sa.Integer, primary_key=True), sa.Column("uid", sa.String(36)),
                sa.Column("token", sa.String(64)), sa.Column("blob", sa.LargeBinary),
                sa.Column("doc", sa.Text), sa.Column("day", sa.Date), sa.Column("fresh", sa.Boolean))
u = uuid.uuid4()
doc = json.loads(json.dumps({"b": [1, 2.5, None, True], "a": "\\u00e9", "n": {"x": "y"}}, sort_keys=True))
tokens = sa.table("tokens", sa.column("id", sa.Integer), sa.column("uid", sa.String),
                  sa.column("token", sa.String), sa.column("blob", sa.LargeBinary),
                  sa.column("doc", sa.Text), sa.column("day", sa.Date), sa.column("fresh", sa.Boolean))
op.bulk_insert(tokens, [{
    "id": 1,
    "uid": "%d-%d-%s" % (len(str(u)), u.version, str(uuid.UUID(str(u))) == str(u)),
    "token": "%d/%d/%d/%d" % (len(secrets.token_hex(16)), len(secrets.token_urlsafe(16)),
                              len(os.urandom(5)), len(secrets.token_bytes())),
    "blob": base64.b64decode(base64.b64encode("h\\u00e9".encode())),
    "doc": json.dumps(doc) + base64.urlsafe_b64encode(b"\\xfb\\xff").decode(),
    "day": datetime.date(2024, 2, 29),
    "fresh": datetime.datetime.now().year >= 2024 and datetime.date.today() == datetime.datetime.now().date(),
}])
''', '''
op.drop_table("tokens")
'''),
    ("migration context", '''
bind = op.get_bind()
url = str(bind.engine.url)
if url.startswith("sqlite"):
    op.create_table("ctx", sa.Column("id", sa.Integer, primary_key=True), sa.Column("backend", sa.String(40)))
    op.execute("INSERT INTO ctx (id, backend) VALUES (1, '%s %s %s')" % (
        bind.engine.url.get_backend_name(), bind.engine.url.drivername, url.split(":")[0]))
else:
    op.create_table("wrong_branch", sa.Column("id", sa.Integer))
if context.get_x_argument(as_dictionary=True).get("data") == "true":
    op.execute("INSERT INTO ctx (id, backend) VALUES (2, 'x data')")
if bind.dialect.name == "sqlite" and not context.get_x_argument():
    op.execute("INSERT INTO ctx (id, backend) VALUES (3, 'no x')")
if op.get_context().dialect.name == "sqlite" and bind.engine.url.host is None:
    op.execute("INSERT INTO ctx (id, backend) VALUES (4, 'local')")
''', '''
if str(op.get_bind().engine.url).startswith("sqlite"):
    op.drop_table("ctx")
'''),
]


def project(root):
    ids = write_project(root, REVISIONS)
    versions = os.path.join(root, "alembic", "versions")
    for rev in ids:
        path = os.path.join(versions, rev + "_rev.py")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        e2e.write_file(path, text.replace("from sqlalchemy.dialects import sqlite\n",
                                          "from sqlalchemy.dialects import sqlite\n" + MODULE, 1))
    return ids


class StdlibParityTest(unittest.TestCase):
    maxDiff = None

    def test_each_revision_matches_alembic_after_upgrade_and_downgrade(self):
        with e2e.TempDir() as root:
            project(root)
            n = len(REVISIONS)
            steps = [("upgrade", "+1")] * n + [("downgrade", "-1")] * n
            EvaluatorParityTest.compare_history(self, root, steps)

    def test_every_revision_is_verified(self):
        with e2e.TempDir() as root:
            project(root)
            report = verify_json(root)
            statuses = {r["revision"]: r["status"] for r in report["revisions"]}
            self.assertEqual(set(statuses.values()), {"ok"},
                             json.dumps(report["diagnostics"], indent=1)[:3000])

    def test_unknown_values_never_become_definite(self):
        app = "from myapp.models import helper\nfrom alembic import context\n"
        cases = [
            (app, "if bool(helper()):\n    op.drop_table('t')", ["bool()", "helper"]),
            (app, "if helper() == 3:\n    op.drop_table('t')", ["comparison", "helper"]),
            (app, "if 2 in [1, helper()]:\n    op.drop_table('t')", ["membership", "helper"]),
            (app, "op.execute('UPDATE t SET a = %d' % {'a': 1}[helper()])", ["subscript", "helper"]),
            (app, "op.execute('-- ' + str(helper()))", ["str()", "helper"]),
            (app, "if isinstance(helper(), str):\n    op.drop_table('t')", ["isinstance()", "helper"]),
            (app, "match helper():\n    case 1:\n        op.drop_table('t')", ["match", "helper"]),
            (app, "if context.config.get_main_option('data') == 'yes':\n    op.drop_table('t')",
             ["context.config.get_main_option"]),
            (app, "if context.config.cmd_opts:\n    op.drop_table('t')", ["context.config.cmd_opts"]),
            (app, "engine = sa.engine_from_config(context.config.get_section(context.config.config_ini_section),"
                  " prefix='sqlalchemy.')\nif engine.dialect.name == 'sqlite':\n    op.drop_table('t')",
             ["engine_from_config", "new engine"]),
            ("", "if op.get_bind().engine.no_such_thing:\n    op.drop_table('t')", ["no_such_thing"]),
            (app + "import dataclasses\n",
             "@helper\n@dataclasses.dataclass\nclass C:\n    a: int\nc = C(1)", ["decorated", "helper"]),
        ]
        for module, body, words in cases:
            with self.subTest(body=body), e2e.TempDir() as root:
                unverifiable_project(root, body, module)
                report = verify_json(root)
                statuses = [r["status"] for r in report["revisions"]]
                self.assertEqual(statuses, ["ok", "unverifiable"], json.dumps(report, indent=1)[:3000])
                messages = " ".join(d["message"] for d in report["diagnostics"])
                for w in words:
                    self.assertIn(w, messages)
                # The line named is the construct's own line in the revision.
                lines = [d["line"] for d in report["diagnostics"] if d.get("revision", "").startswith("0002")]
                self.assertTrue(lines and all(n > 10 for n in lines), report["diagnostics"])

    def test_python_312_syntax_is_read_by_every_command(self):
        module = '''
type Pair[T] = tuple[T, T]
match = case = type = 1


def first[T](x: T, /, *rest: T, key=None) -> T:
    try:
        return [*rest][0]
    except* (ValueError, TypeError):
        return x


async def fetch(session):
    async with session.begin() as tx:
        async for row in await tx.stream():
            return *row, f"{row["id"]:>{match}} {f'{case!r}'}"


'''
        body = ("for n in ['x', 'y']:\n"
                "    match n:\n"
                "        case 'x' if (size := 10) > 5:\n"
                "            op.execute('UPDATE t SET a = %d' % size)\n"
                "        case _:\n"
                "            pass")
        with e2e.TempDir() as root:
            unverifiable_project(root, body)
            versions = os.path.join(root, "alembic", "versions")
            path = os.path.join(versions, [n for n in os.listdir(versions) if n.startswith("0002")][0])
            with open(path, encoding="utf-8") as f:
                text = f.read()
            e2e.write_file(path, text.replace("\n\ndef upgrade", module + "def upgrade", 1))
            heads = e2e.run_miglint(["-C", root, "heads"])
            self.assertEqual(heads.returncode, 0, heads.stderr)
            self.assertTrue(heads.stdout.startswith("0002"), heads.stdout)
            lint = e2e.run_miglint(["-C", root, "--format", "json", "lint"])
            self.assertNotIn("syntax", lint.stdout.lower() + lint.stderr.lower())
            report = verify_json(root, "--rows", "0")
            self.assertEqual([r["status"] for r in report["revisions"]], ["ok", "ok"],
                             json.dumps(report["diagnostics"], indent=1)[:3000])


if __name__ == "__main__":
    unittest.main()

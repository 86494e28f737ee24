"""Differential test: Alembic op.* bodies run by miglint against real Alembic.

Generated revisions cover every op and type miglint interprets (create_table with
each type, column option and table constraint, indexes, add/drop column, execute,
bulk_insert, rename_table, batch_alter_table with each batch op, local variables,
loops, f-strings, autocommit_block), plus the sample ``versions/`` of this repository.
Alembic 1.8 (Debian's python3-alembic, SQLAlchemy 1.4) and ``miglint upgrade +1`` /
``downgrade -1`` run on separate SQLite files; after every step both databases are
compared structurally: PRAGMA table_info, index_list, index_info, foreign_key_list,
the normalized sqlite_master SQL, and the rows of every table.

Normalization, and why: ``sqlite_autoindex_t_N`` numbers and the order of the
table-constraint lines of a batch-rebuilt table follow Python set order in Alembic,
so autoindex names lose their number and constraint lines are compared as a set.
"""

import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import textwrap
import unittest

import miglint_e2e as e2e

ENV_PY = '''
from alembic import context
from sqlalchemy import create_engine

config = context.config


def run_migrations_online():
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
'''

ALEMBIC_INI = '''[alembic]
script_location = %(here)s/alembic
sqlalchemy.url = sqlite:///%(here)s/alembic.db
'''

# Runs Alembic one step at a time in one process and prints the schema after each step.
DRIVER = r'''
import json, sys, sqlite3
from alembic.config import Config
from alembic import command
sys.path.insert(0, sys.argv[3])
from test_ops_parity import snapshot
cfg = Config(sys.argv[1])
db = sys.argv[2]
steps = json.loads(sys.argv[4])
out = []
for kind, target in steps:
    try:
        if kind == "upgrade":
            command.upgrade(cfg, target)
        else:
            command.downgrade(cfg, target)
        out.append({"ok": True, "schema": snapshot(db)})
    except Exception as e:
        out.append({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
        break
print(json.dumps(out))
'''

HEADER = '''"""{message}

Revision ID: {rev}
Revises: {down_doc}
Create Date: 2026-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite


revision = '{rev}'
down_revision = {down}
branch_labels = None
depends_on = None


def upgrade():
{up}


def downgrade():
{down_body}
'''

# (message, upgrade body, downgrade body)
REVISIONS = [
    ("create parent with every type", '''
op.create_table('parent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('big', sa.BigInteger(), nullable=True),
    sa.Column('small', sa.SmallInteger()),
    sa.Column('name', sa.String(length=50), nullable=False, unique=True),
    sa.Column('plain', sa.String()),
    sa.Column('body', sa.Text()),
    sa.Column('uni', sa.Unicode(20)),
    sa.Column('unitext', sa.UnicodeText()),
    sa.Column('flag', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('on', sa.Date()),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.func.now()),
    sa.Column('tm', sa.Time()),
    sa.Column('ratio', sa.Float()),
    sa.Column('price', sa.Numeric(10, 2), server_default='0'),
    sa.Column('doc', sa.JSON()),
    sa.Column('blob', sa.LargeBinary()),
    sa.Column('kind', sa.Enum('a', 'bbb', name='kind_enum')),
    sa.Column('span', sa.Interval()),
    sa.Column('code', sa.CHAR(3)),
    sa.Column('count', sa.Integer, server_default=sa.text('7')),
    sa.Column('ts', sa.TIMESTAMP(), server_default=sa.text('CURRENT_TIMESTAMP')),
    sa.Column('dec', sa.DECIMAL(8, 3)),
    sa.Column('real', sa.REAL()),
    sa.Column('Mixed', sa.Integer(), index=True),
    sa.Column('when', sqlite.DATETIME()),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parent')),
    sa.UniqueConstraint('small', 'plain', name=op.f('uq_parent_small_plain')),
    sa.CheckConstraint('count >= 0', name='ck_parent_count'),
    sa.CheckConstraint('small < 1000'),
)
op.create_index(op.f('ix_parent_on'), 'parent', ['on'], unique=False)
''', '''
op.drop_index(op.f('ix_parent_on'), table_name='parent')
op.drop_table('parent')
'''),
    ("create child with foreign keys", '''
op.create_table('child',
    sa.Column('parent_id', sa.Integer(), sa.ForeignKey('parent.id', ondelete='CASCADE'), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('other', sa.Integer(), sa.ForeignKey('parent.id', onupdate='SET NULL')),
    sa.Column('label', sa.String(30), index=True, unique=True),
    sa.Column('third', sa.Integer()),
    sa.PrimaryKeyConstraint('parent_id', 'seq', name='pk_child'),
    sa.ForeignKeyConstraint(['third'], ['parent.id'], name='fk_child_third', ondelete='SET NULL'),
)
parent = sa.table('parent', sa.column('id', sa.Integer), sa.column('name', sa.String),
                  sa.column('small', sa.Integer), sa.column('plain', sa.String),
                  sa.column('flag', sa.Boolean), sa.column('doc', sa.JSON),
                  sa.column('ratio', sa.Float))
op.bulk_insert(parent, [
    {'id': 1, 'name': 'one', 'small': 1, 'plain': "it's", 'flag': True, 'doc': {'a': [1, 2]}, 'ratio': 0.1},
    {'id': 2, 'name': 'two', 'small': 2, 'plain': None, 'flag': False, 'doc': None, 'ratio': 2.5},
])
op.bulk_insert(sa.table('child', sa.column('parent_id'), sa.column('seq'), sa.column('label')),
               [{'parent_id': 1, 'seq': 1, 'label': 'x'}, {'parent_id': 2, 'seq': 1, 'label': 'y'}])
''', '''
op.drop_index('ix_child_label', table_name='child')
op.drop_table('child')
'''),
    ("add columns and indexes", '''
op.add_column('parent', sa.Column('nick', sa.String(20), nullable=True))
op.add_column('parent', sa.Column('score', sa.Integer(), server_default='5', nullable=False))
op.add_column('parent', sa.Column('seen', sa.DateTime(), server_default=sa.text("'2020-01-01'")))
op.create_index(op.f('ix_parent_nick'), 'parent', ['nick', 'score'], unique=True)
op.create_index('ix_parent_lower', 'parent', [sa.text('lower(name)')])
''', '''
# The batch of a later revision drops expression indexes (SQLAlchemy does not reflect them).
op.execute("DROP INDEX IF EXISTS ix_parent_lower")
op.drop_index(op.f('ix_parent_nick'), table_name='parent')
op.drop_column('parent', 'seen')
op.drop_column('parent', 'score')
op.drop_column('parent', 'nick')
'''),
    ("execute and locals", '''
op.execute("UPDATE parent SET nick = 'n' || id")
op.execute(sa.text("UPDATE parent SET score = 10 WHERE id = 1"))
table = 'extra'
cols = ['a', 'b']
op.create_table(table, sa.Column('id', sa.Integer, primary_key=True),
                *[sa.Column(c, sa.String(10)) for c in cols])
for c in cols:
    op.create_index(f'ix_{table}_{c}', table, [c])
op.execute("INSERT INTO %s (a, b) VALUES ('x', 'y')" % table)
with op.get_context().autocommit_block():
    op.create_index('ix_extra_ab', 'extra', ['a', 'b'])
''', '''
for c in ['a', 'b']:
    op.drop_index('ix_extra_%s' % c, table_name='extra')
op.drop_index('ix_extra_ab', table_name='extra')
op.drop_table('extra')
op.execute("UPDATE parent SET nick = NULL")
'''),
    ("rename a table and a column", '''
op.rename_table('extra', 'extras')
op.alter_column('extras', 'b', new_column_name='bee')
''', '''
op.alter_column('extras', 'bee', new_column_name='b')
op.rename_table('extras', 'extra')
'''),
    ("batch alter parent", '''
with op.batch_alter_table('parent', schema=None) as batch_op:
    batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
    batch_op.alter_column('plain', existing_type=sa.String(), type_=sa.String(length=80), nullable=True)
    batch_op.alter_column('small', existing_type=sa.SmallInteger(), nullable=False, server_default='1')
    batch_op.alter_column('uni', new_column_name='uni_name')
    batch_op.alter_column('price', server_default=None)
    batch_op.create_index(batch_op.f('ix_parent_note'), ['note'], unique=False)
    batch_op.drop_index('ix_parent_nick')
    batch_op.create_unique_constraint('uq_parent_nick', ['nick'])
    batch_op.create_check_constraint('ck_parent_score', 'score > 0')
    batch_op.drop_constraint('ck_parent_count', type_='check')
''', '''
with op.batch_alter_table('parent', schema=None) as batch_op:
    batch_op.create_check_constraint('ck_parent_count', 'count >= 0')
    batch_op.drop_constraint('ck_parent_score', type_='check')
    batch_op.drop_constraint('uq_parent_nick', type_='unique')
    batch_op.create_index('ix_parent_nick', ['nick', 'score'], unique=True)
    batch_op.drop_index(batch_op.f('ix_parent_note'))
    batch_op.alter_column('price', server_default='0')
    batch_op.alter_column('uni_name', new_column_name='uni')
    batch_op.alter_column('small', existing_type=sa.SmallInteger(), nullable=True, server_default=None)
    batch_op.alter_column('plain', existing_type=sa.String(length=80), type_=sa.String(), nullable=True)
    batch_op.drop_column('note')
'''),
    ("batch child foreign keys", '''
with op.batch_alter_table('child') as batch_op:
    batch_op.add_column(sa.Column('extra_id', sa.Integer()))
    batch_op.create_foreign_key('fk_child_extra', 'extras', ['extra_id'], ['id'], ondelete='CASCADE')
    batch_op.drop_constraint('fk_child_third', type_='foreignkey')
    batch_op.alter_column('seq', type_=sa.String(5))
''', '''
with op.batch_alter_table('child') as batch_op:
    batch_op.alter_column('seq', type_=sa.Integer())
    batch_op.create_foreign_key('fk_child_third', 'parent', ['third'], ['id'], ondelete='SET NULL')
    batch_op.drop_constraint('fk_child_extra', type_='foreignkey')
    batch_op.drop_column('extra_id')
'''),
    ("batch add only", '''
with op.batch_alter_table('extras') as batch_op:
    batch_op.add_column(sa.Column('c', sa.Integer(), server_default='3'))
    batch_op.add_column(sa.Column('d', sa.String(4), index=True))
    batch_op.create_index('ix_extras_c', ['c'])
''', '''
with op.batch_alter_table('extras') as batch_op:
    batch_op.drop_index('ix_extras_c')
    batch_op.drop_index('ix_extras_d')
    batch_op.drop_column('d')
    batch_op.drop_column('c')
'''),
    ("batch recreate always and index column", '''
with op.batch_alter_table('extras', recreate='always') as batch_op:
    batch_op.add_column(sa.Column('e', sa.Integer(), index=True))
    batch_op.add_column(sa.Column('f', sa.Boolean(), server_default=sa.true()))
''', '''
with op.batch_alter_table('extras') as batch_op:
    batch_op.drop_index('ix_extras_e')
    batch_op.drop_index('ix__alembic_tmp_extras_e')
    batch_op.drop_column('f')
    batch_op.drop_column('e')
'''),
]


def _norm_space(sql):
    return re.sub(r"\s+", " ", sql or "").strip()


def _split_top(text):
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


_CONSTRAINT_START = re.compile(r"^(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY)\b", re.I)


def normalize_table_sql(sql):
    """CREATE TABLE text: the table name unquoted, whitespace collapsed, columns in
    order, table constraints as a sorted list (batch mode emits them in set order)."""
    sql = _norm_space(sql)
    m = re.match(r'^CREATE TABLE ("(?:[^"]|"")+"|\S+) \((.*)\)$', sql, re.S)
    if not m:
        return [sql]
    name = m.group(1)
    if name.startswith('"'):
        name = name[1:-1].replace('""', '"')
    items = _split_top(m.group(2))
    columns = [i for i in items if not _CONSTRAINT_START.match(i)]
    constraints = sorted(i for i in items if _CONSTRAINT_START.match(i))
    return ["CREATE TABLE " + name] + columns + ["--"] + constraints


# Rows filled by CURRENT_TIMESTAMP defaults differ by when each tool ran: timestamps
# within a day of now (UTC, as SQLite's) read "<now>"; any other date is compared.
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def _now_or_date(match):
    try:
        at = datetime.datetime.strptime(match.group(0), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return match.group(0)
    if abs(at - datetime.datetime.utcnow()) < datetime.timedelta(days=1):
        return "<now>"
    return match.group(0)


def _autoindex(name):
    return "sqlite_autoindex" if name.startswith("sqlite_autoindex") else name


def snapshot(path):
    """The structural schema and the data of an SQLite file, as plain JSON data."""
    con = sqlite3.connect(path)
    try:
        out = {}
        rows = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                           "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
        for kind, name, table, sql in rows:
            if kind == "table":
                q = '"%s"' % name.replace('"', '""')
                entry = {
                    "sql": normalize_table_sql(sql),
                    "columns": [list(r) for r in con.execute("PRAGMA table_info(%s)" % q)],
                    "foreign_keys": sorted(
                        [list(r[2:]) for r in con.execute("PRAGMA foreign_key_list(%s)" % q)]),
                    "indexes": sorted(
                        [[_autoindex(r[1])] + list(r[2:]) +
                         [[list(c[1:]) for c in con.execute(
                             'PRAGMA index_info("%s")' % r[1].replace('"', '""'))]]
                         for r in con.execute("PRAGMA index_list(%s)" % q)]),
                    "rows": sorted(_TIMESTAMP.sub(_now_or_date, repr(r))
                                   for r in con.execute("SELECT * FROM %s" % q)),
                }
                out["table " + name] = entry
            else:
                out[kind + " " + name] = {"table": table, "sql": _norm_space(sql)}
        return out
    finally:
        con.close()


def write_project(root, revisions):
    os.makedirs(os.path.join(root, "alembic", "versions"), exist_ok=True)
    e2e.write_file(os.path.join(root, "alembic.ini"), ALEMBIC_INI)
    e2e.write_file(os.path.join(root, "alembic", "env.py"), ENV_PY)
    down = None
    ids = []
    for i, (message, up, down_body) in enumerate(revisions):
        rev = "%04d%s" % (i + 1, "a" * 8)
        text = HEADER.format(
            message=message, rev=rev, down=repr(down), down_doc=down or "",
            up=textwrap.indent(textwrap.dedent(up).strip("\n"), "    "),
            down_body=textwrap.indent(textwrap.dedent(down_body).strip("\n"), "    "))
        e2e.write_file(os.path.join(root, "alembic", "versions", rev + "_rev.py"), text)
        down = rev
        ids.append(rev)
    return ids


def run_alembic_steps(root, steps):
    proc = subprocess.run(
        [e2e.python_for_alembic(), "-c", DRIVER, os.path.join(root, "alembic.ini"),
         os.path.join(root, "alembic.db"), e2e.HERE, json.dumps(steps)],
        cwd=root, env=e2e.alembic_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        encoding="utf-8", timeout=300)
    if proc.returncode != 0:
        raise RuntimeError("alembic driver failed: " + proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_miglint_steps(root, steps):
    db = os.path.join(root, "miglint.db")
    out = []
    for kind, target in steps:
        proc = e2e.run_miglint(["-C", root, kind, target, "--db", db])
        if proc.returncode != 0:
            out.append({"ok": False, "error": proc.stderr.strip()})
            break
        out.append({"ok": True, "schema": snapshot(db)})
    return out


def describe_difference(expected, actual):
    a = json.dumps(expected, indent=1, sort_keys=True).splitlines()
    b = json.dumps(actual, indent=1, sort_keys=True).splitlines()
    return "\n".join(e2e.unified_diff("\n".join(a), "\n".join(b)).splitlines()[:80])


class OpsParityTest(unittest.TestCase):
    maxDiff = None

    def compare_history(self, root, steps):
        expected = run_alembic_steps(root, steps)
        actual = run_miglint_steps(root, steps)
        for i, step in enumerate(steps):
            label = "step %d (%s %s)" % (i + 1, step[0], step[1])
            self.assertTrue(expected[i]["ok"], "%s: Alembic failed: %s" % (label, expected[i].get("error")))
            self.assertLess(i, len(actual), "%s: miglint stopped earlier" % label)
            self.assertTrue(actual[i]["ok"], "%s: miglint failed: %s" % (label, actual[i].get("error")))
            if expected[i]["schema"] != actual[i]["schema"]:
                self.fail("%s: schemas differ\n%s" % (
                    label, describe_difference(expected[i]["schema"], actual[i]["schema"])))

    def test_generated_revisions_match_alembic_after_every_step(self):
        with e2e.TempDir() as root:
            write_project(root, REVISIONS)
            n = len(REVISIONS)
            self.compare_history(root, [("upgrade", "+1")] * n + [("downgrade", "-1")] * n)

    # Batch cases first seen as differences on generated projects (test_ops_random_parity).
    BATCH_DETAILS = [
        ("tables for batch details", """
            op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True),
                sa.Column('a', sa.Integer()), sa.Column('b', sa.Integer()), sa.Column('c', sa.Integer()))
            op.execute("INSERT INTO t (id, a, b, c) VALUES (1, 10, 20, 30), (2, 11, 21, 31)")
            op.create_table('p', sa.Column('id', sa.Integer(), primary_key=True))
            op.create_table('twice',
                sa.Column('id', sa.Integer(), primary_key=True),
                sa.Column('p_id', sa.Integer(), sa.ForeignKey('p.id')),
                sa.ForeignKeyConstraint(['p_id'], ['p.id'], name='fk_named', ondelete='CASCADE'))
            op.create_table('_audit', sa.Column('id', sa.Integer(), primary_key=True),
                sa.Column('_x', sa.Integer(), index=True),
                sa.Column('kind', sa.Enum('a', 'b', name='ck_audit_kind')),
                sa.CheckConstraint("kind IN ('a', 'b')", name='ck_audit_kind'))
            op.create_index('_ix_audit_kind', '_audit', ['kind'])
            op.create_index('ix_t_a_present', 't', ['a'], unique=True, sqlite_where=sa.text('a IS NOT NULL'))
            op.execute("INSERT INTO _audit (id, _x, kind) VALUES (1, 5, 'a')")
            """, """
            for name in ['_audit', 'twice', 'p', 't']:
                op.drop_table(name)
            """),
        ("typed binds", """
            op.create_table('binds', sa.Column('id', sa.Integer(), primary_key=True),
                sa.Column('label', sa.String(10)), sa.Column('flag', sa.Boolean()),
                sa.Column('amount', sa.Numeric(10, 2)))
            # Numeric and Float bind float(value): a whole number lands in a VARCHAR as '3.0'.
            binds = sa.table('binds', sa.column('id', sa.Integer), sa.column('label', sa.Float),
                             sa.column('flag', sa.Boolean), sa.column('amount', sa.Numeric()))
            op.bulk_insert(binds, [
                {'id': 1, 'label': 3, 'flag': 1, 'amount': '2.50'},
                {'id': 2, 'label': 2.5, 'flag': False, 'amount': True},
                {'id': 3, 'label': '7', 'flag': None, 'amount': 10},
            ])
            op.execute(binds.insert().values(id=4, label=1, amount=4))
            """, "op.drop_table('binds')"),
        ("python values in rows", """
            import datetime
            from decimal import Decimal
            op.create_table('moments', sa.Column('id', sa.Integer(), primary_key=True),
                sa.Column('d', sa.Date()), sa.Column('dt', sa.DateTime()), sa.Column('tm', sa.Time()),
                sa.Column('iv', sa.Interval()), sa.Column('b', sa.LargeBinary()),
                sa.Column('n', sa.Numeric(10, 2)), sa.Column('s', sa.String()), sa.Column('u', sa.Text()))
            moments = sa.table('moments', sa.column('id'), sa.column('d', sa.Date), sa.column('dt', sa.DateTime()),
                sa.column('tm', sa.Time()), sa.column('iv', sa.Interval()), sa.column('b', sa.LargeBinary()),
                sa.column('n', sa.Numeric()), sa.column('s', sa.String()), sa.column('u'))
            op.bulk_insert(moments, [
                {'id': 1, 'd': datetime.date(2020, 2, 29), 'dt': datetime.datetime(2021, 3, 4, 5, 6, 7),
                 'tm': datetime.time(8, 9, 10, 11), 'iv': datetime.timedelta(days=3, seconds=5),
                 'b': b'\\x00\\x01ab', 'n': Decimal('1.50'), 's': datetime.date(1999, 12, 31),
                 'u': datetime.datetime(2000, 1, 2, 3, 4, 5, 6)},
                {'id': 2, 'd': datetime.datetime(2020, 1, 1, 12, 0), 'dt': datetime.date(2022, 1, 1),
                 'tm': None, 'iv': datetime.timedelta(hours=-1), 'b': None, 'n': 3, 's': b'raw',
                 'u': datetime.date(2001, 1, 1)},
            ])
            op.execute(sa.text("UPDATE moments SET s = :v WHERE id = 1").bindparams(v=datetime.date(2024, 5, 6)))
            op.execute(moments.update().where(moments.c.id == 2).values(dt=datetime.datetime(2023, 1, 1, 0, 0, 1)))
            with op.batch_alter_table('moments') as batch_op:
                batch_op.alter_column('n', type_=sa.Float())
            """, "op.drop_table('moments')"),
        ("column checks", """
            # SQLAlchemy writes a column's own CHECK in its definition, also in ADD COLUMN.
            op.create_table('checked', sa.Column('id', sa.Integer(), primary_key=True),
                sa.Column('x', sa.Integer(), sa.CheckConstraint('x > 0'), nullable=False),
                sa.Column('y', sa.Integer(), sa.CheckConstraint('y > 0', name='ck_checked_y')))
            op.execute("INSERT INTO checked (id, x, y) VALUES (1, 2, 3)")
            op.add_column('checked', sa.Column('z', sa.Integer(), sa.CheckConstraint('z > 0')))
            with op.batch_alter_table('checked') as batch_op:
                batch_op.add_column(sa.Column('v', sa.Integer(), sa.CheckConstraint('v > 0', name='ck_v')))
            with op.batch_alter_table('checked') as batch_op:
                batch_op.add_column(sa.Column('w', sa.Integer(), sa.CheckConstraint('w > 0')))
                batch_op.alter_column('x', nullable=True)
            """, """
            op.drop_table('checked')
            """),
        ("batch details", """
            with op.batch_alter_table('t') as batch_op:
                batch_op.add_column(sa.Column('x', sa.Integer(), server_default='7'))
                batch_op.drop_column('c')
            with op.batch_alter_table('t', recreate='always') as batch_op:
                batch_op.add_column(sa.Column('y', sa.Integer()), insert_before='b')
                batch_op.add_column(sa.Column('z', sa.Integer()), insert_after='y')
                batch_op.add_column(sa.Column('w', sa.Integer()), insert_after='id')
            with op.batch_alter_table('t') as batch_op:
                batch_op.add_column(sa.Column('s', sa.String(), server_default=sa.text("'n/a'")))
            with op.batch_alter_table('twice') as batch_op:
                batch_op.add_column(sa.Column('note', sa.Text()))
                batch_op.alter_column('note', nullable=True)
                batch_op.create_index('ix_twice_note', ['note'], sqlite_where=sa.text("note <> ''"))
            with op.batch_alter_table('_audit') as batch_op:
                batch_op.alter_column('kind', new_column_name='sort',
                                      existing_type=sa.Enum('a', 'b', name='ck_audit_kind'))
            """, """
            with op.batch_alter_table('_audit') as batch_op:
                batch_op.alter_column('sort', new_column_name='kind')
            with op.batch_alter_table('twice') as batch_op:
                batch_op.drop_index('ix_twice_note')
                batch_op.drop_column('note')
            with op.batch_alter_table('t') as batch_op:
                batch_op.drop_column('s')
                batch_op.drop_column('w')
                batch_op.drop_column('z')
                batch_op.drop_column('y')
                batch_op.add_column(sa.Column('c', sa.Integer()))
                batch_op.drop_column('x')
            """),
    ]

    def test_batch_column_order_defaults_and_reflection_match_alembic(self):
        with e2e.TempDir() as root:
            write_project(root, self.BATCH_DETAILS)
            n = len(self.BATCH_DETAILS)
            self.compare_history(root, [("upgrade", "+1")] * n + [("downgrade", "-1")] * n)

    def test_check_reflection_after_add_column_is_alembics(self):
        # ALTER TABLE ADD COLUMN appends to the line of the last column; SQLAlchemy finds
        # CHECK constraints with a per-line regular expression, so a named CHECK on that
        # line is read with what follows it. Alembic's batch then builds what it read.
        table = ("t", """
            op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('x', sa.Integer()),
                sa.Column('z', sa.Integer(), sa.CheckConstraint('z > 0', name='ck_z')))
            op.execute("INSERT INTO t (id, x, z) VALUES (1, 2, 3)")
            """, "op.drop_table('t')")
        rebuild = "with op.batch_alter_table('t') as b:\n    b.alter_column('x', nullable=False)"
        cases = [
            # The CHECK text swallows ", w VARCHAR(20"; SQLite refuses the new table.
            ("op.add_column('t', sa.Column('w', sa.String(20)))", rebuild, False),
            # Two named CHECKs on one line come back as two strangely named ones.
            ("op.add_column('t', sa.Column('w', sa.Integer(), sa.CheckConstraint('w > 0', name='ck_w')))",
             rebuild, True),
            # An unnamed CHECK after ck_z takes its place: ck_z is not found.
            ("op.add_column('t', sa.Column('w', sa.Integer(), sa.CheckConstraint('w > 0')))",
             "with op.batch_alter_table('t') as b:\n    b.drop_constraint('ck_z', type_='check')", False),
        ]
        for add, batch, succeeds in cases:
            with self.subTest(add=add), e2e.TempDir() as root:
                write_project(root, [table, ("add", add, "pass"), ("rebuild", batch, "pass")])
                steps = [("upgrade", "+1")] * 3
                if succeeds:
                    self.compare_history(root, steps)
                    continue
                expected = run_alembic_steps(root, steps)
                actual = run_miglint_steps(root, steps)
                self.assertEqual([s["ok"] for s in expected], [True, True, False])
                self.assertEqual([s["ok"] for s in actual], [True, True, False])

    def test_sample_versions_match_alembic_after_every_step(self):
        with e2e.TempDir() as root:
            os.makedirs(os.path.join(root, "alembic"))
            shutil.copytree(os.path.join(e2e.SOURCE_DIR, "versions"),
                            os.path.join(root, "alembic", "versions"))
            e2e.write_file(os.path.join(root, "alembic.ini"), ALEMBIC_INI)
            e2e.write_file(os.path.join(root, "alembic", "env.py"), ENV_PY)
            # The samples contain a branch and a merge: step through the revisions in
            # upgrade order by id, then back down to each of them in reverse.
            history = e2e.run_miglint(["-C", root, "history"]).stdout.strip().splitlines()
            order = [re.search(r"-> (\w+)", line).group(1) for line in reversed(history)]
            steps = [("upgrade", r) for r in order]
            steps += [("downgrade", r) for r in reversed(order[:-1])] + [("downgrade", "base")]
            self.compare_history(root, steps)

    # On a schema of 32 objects or more, miglint adds a column to an empty table by
    # recreating it (cheaper than SQLite's re-read of the whole schema); the stored SQL,
    # indexes, triggers and AUTOINCREMENT counters must come out exactly as after the ALTER.
    BIG_SCHEMA = ("big schema", """
        for i in range(40):
            op.create_table(f'pad{i}', sa.Column('id', sa.Integer(), primary_key=True))
        op.create_table('items',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('name', sa.String(length=20), nullable=True),
            sa.CheckConstraint('length(name) > 0', name='ck_items_name'),
            sa.PrimaryKeyConstraint('id'),
            sa.UniqueConstraint('name', name='uq_items_name'))
        op.create_index('ix_items_name_id', 'items', ['name', 'id'])
        op.create_table('plain', sa.Column('id', sa.Integer(), primary_key=True),
                        sa.Column('n', sa.Integer()))
        op.execute("CREATE TRIGGER plain_ins AFTER INSERT ON plain "
                   "BEGIN UPDATE plain SET n = 1 WHERE id = new.id; END")
        op.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT)")
        op.execute("INSERT INTO counters (label) VALUES ('a'), ('b')")
        op.execute("DELETE FROM counters")
        op.create_table('seeded', sa.Column('id', sa.Integer(), primary_key=True))
        op.execute("INSERT INTO seeded (id) VALUES (7)")
        """, """
        for name in ['seeded', 'counters', 'plain', 'items'] + [f'pad{i}' for i in range(40)]:
            op.drop_table(name)
        """)

    def test_add_column_on_a_big_schema_is_exactly_alembics(self):
        with e2e.TempDir() as root:
            write_project(root, [self.BIG_SCHEMA, ("add columns", """
                op.add_column('items', sa.Column('price', sa.Numeric(10, 2), server_default='0', nullable=False))
                with op.batch_alter_table('plain') as batch_op:
                    batch_op.add_column(sa.Column('note', sa.Text()))
                op.add_column('counters', sa.Column('extra', sa.String(5)))
                op.add_column('seeded', sa.Column('flag', sa.Boolean(), nullable=True))
                op.add_column('pad0', sa.Column('required', sa.Integer(), nullable=False))
                op.execute("INSERT INTO counters (label) VALUES ('c')")
                op.execute("INSERT INTO plain (id) VALUES (5)")
                """, """
                with op.batch_alter_table('pad0') as batch_op:
                    batch_op.drop_column('required')
                with op.batch_alter_table('seeded') as batch_op:
                    batch_op.drop_column('flag')
                with op.batch_alter_table('counters') as batch_op:
                    batch_op.drop_column('extra')
                with op.batch_alter_table('plain') as batch_op:
                    batch_op.drop_column('note')
                with op.batch_alter_table('items') as batch_op:
                    batch_op.drop_column('price')
                """)])
            self.compare_history(root, [("upgrade", "+1"), ("upgrade", "+1")])

            def exact(path):
                con = sqlite3.connect(path)
                try:
                    return (con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                        "ORDER BY type, name").fetchall(),
                            con.execute("SELECT * FROM sqlite_sequence").fetchall(),
                            con.execute("SELECT * FROM plain").fetchall())
                finally:
                    con.close()
            expected = exact(os.path.join(root, "alembic.db"))
            self.assertEqual(expected, exact(os.path.join(root, "miglint.db")))
            self.assertEqual(expected[1], [("counters", 3)])  # the counter went on from 2
            self.assertEqual(expected[2], [(5, 1, None)])  # the trigger survived
            for db in ("alembic.db", "miglint.db"):
                os.remove(os.path.join(root, db))
            self.compare_history(root, [("upgrade", "+1"), ("upgrade", "+1"),
                                        ("downgrade", "-1"), ("downgrade", "-1")])

    def test_add_column_sqlite_refuses_fails_in_both_on_a_big_schema(self):
        bodies = [
            "op.add_column('seeded', sa.Column('at', sa.DateTime(), server_default=sa.func.now()))",
            "op.add_column('items', sa.Column('code', sa.Integer(), unique=True))",
            "op.add_column('seeded', sa.Column('required', sa.Integer(), nullable=False))",
        ]
        for body in bodies:
            with self.subTest(body=body), e2e.TempDir() as root:
                write_project(root, [self.BIG_SCHEMA, ("refused by sqlite", body, "pass")])
                steps = [("upgrade", "+1"), ("upgrade", "+1")]
                expected = run_alembic_steps(root, steps)
                actual = run_miglint_steps(root, steps)
                self.assertTrue(expected[0]["ok"] and actual[0]["ok"])
                self.assertFalse(expected[1]["ok"], "Alembic was expected to fail")
                self.assertEqual(len(actual), 2)
                self.assertFalse(actual[1]["ok"], "miglint was expected to fail like Alembic")
                self.assertIn("failed", actual[1]["error"])

    def test_operations_sqlite_cannot_do_fail_in_both(self):
        bodies = [
            "op.create_foreign_key('fk_x', 't', 't', ['a'], ['id'])",
            "op.create_unique_constraint('uq_x', 't', ['a'])",
            "op.alter_column('t', 'a', nullable=False)",
            "op.alter_column('t', 'a', type_=sa.String(5))",
            "op.drop_constraint('uq_x', 't')",
            "op.add_column('t', sa.Column('b', sa.Integer(), unique=True))",
            "with op.batch_alter_table('t') as b:\n    b.add_column(sa.Column('c', sa.Integer(), unique=True))",
            # Alembic 1.8 reads the name of a SchemaEventTarget existing_type: a
            # TypeDecorator passes that on to its implementation type, which has none.
            "with op.batch_alter_table('t') as b:\n    b.alter_column('a', new_column_name='aa', existing_type=sa.Interval())",
            "with op.batch_alter_table('t') as b:\n    b.drop_column('a', existing_type=sa.PickleType())",
            # SQLAlchemy's SQLite bind processors: date types take date objects only.
            "op.bulk_insert(sa.table('t', sa.column('a', sa.Date())), [{'a': '2020-01-01'}])",
            "op.bulk_insert(sa.table('t', sa.column('a', sa.DateTime)), [{'a': 5}])",
            "op.bulk_insert(sa.table('t', sa.column('a', sa.Boolean())), [{'a': 2}])",
            "op.bulk_insert(sa.table('t', sa.column('a', sa.Numeric())), [{'a': 'x'}])",
            "op.execute(sa.table('t', sa.column('a', sa.Time())).insert().values(a='10:00'))",
            "with op.batch_alter_table('t') as b:\n    b.add_column(sa.Column('c', sa.Integer()), insert_after='a')",
            # SQLAlchemy reads a foreign key's name only when it is not quoted.
            "with op.batch_alter_table('t') as b:\n    b.create_foreign_key('fk_Mixed', 't', ['a'], ['id'])\n"
            "with op.batch_alter_table('t') as b:\n    b.drop_constraint('fk_Mixed', type_='foreignkey')",
            # A new index names the batch's columns by key: a renamed column's old name.
            "with op.batch_alter_table('t') as b:\n    b.alter_column('a', new_column_name='aa')\n    b.create_index('ix_aa', ['aa'])",
        ]
        for body in bodies:
            with self.subTest(body=body), e2e.TempDir() as root:
                write_project(root, [
                    ("base table", "op.create_table('t', sa.Column('id', sa.Integer, primary_key=True), sa.Column('a', sa.Integer))", "op.drop_table('t')"),
                    ("unsupported on sqlite", body, "pass"),
                ])
                steps = [("upgrade", "+1"), ("upgrade", "+1")]
                expected = run_alembic_steps(root, steps)
                actual = run_miglint_steps(root, steps)
                self.assertTrue(expected[0]["ok"] and actual[0]["ok"])
                self.assertEqual(len(expected), 2)
                self.assertFalse(expected[1]["ok"], "Alembic was expected to fail")
                self.assertEqual(len(actual), 2)
                self.assertFalse(actual[1]["ok"], "miglint was expected to fail like Alembic")
                self.assertIn("failed", actual[1]["error"])


if __name__ == "__main__":
    unittest.main()

"""Seeded generator of Alembic projects whose revision bodies use op.* on PostgreSQL.

``generate_project(seed, offline=False)`` returns a deterministic (per seed) ``Project``:
3 to 6 revisions, each a list of operations with their inverses (the downgrade runs the
inverses in reverse order, so every downgrade walks the schema back exactly).

Covered: create_table with PostgreSQL's types (Integer/BigInteger/SmallInteger keys that
SQLAlchemy turns into SERIAL/BIGSERIAL/SMALLSERIAL, sa.Identity, UUID keys, String,
Text, Boolean, DateTime with and without time zone, Date, Time, Float, Numeric, BYTEA,
JSON, JSONB, UUID, ARRAY, INTERVAL, INET, CIDR, TSVECTOR, sa.Enum and postgresql.ENUM
with create_type=False and ENUM.create/drop), server defaults (strings, sa.text,
sa.func.now(), sa.false()), comments, unique/check/foreign key constraints (ondelete),
index=True columns and sa.Index items, tables in another schema; add_column (with an
index, a unique constraint or a comment), drop_column, alter_column (type_ with
postgresql_using, nullable, server_default, comment, new_column_name), create_index
(unique, postgresql_using, postgresql_where, postgresql_include, postgresql_ops) and
drop_index, create_foreign_key / create_unique_constraint / create_check_constraint /
drop_constraint, rename_table, op.execute, op.bulk_insert, and batch_alter_table (plain
ALTER statements on PostgreSQL).

Preconditions are kept in a small model: unique constraints and NOT NULL changes only on
tables without rows, foreign key columns left NULL in rows, only columns nothing depends
on are dropped. ``offline=True`` keeps to what Alembic can render with literal binds
(rows of integers, strings and booleans only).

    python3 pgopsgen.py SEED DIRECTORY   writes project SEED into DIRECTORY
"""

import os
import random
import sys

ENV_PY = '''
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=None,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = engine_from_config(config.get_section(config.config_ini_section),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

HEADER = '''"""{message}

Revision ID: {rev}
Revises: {down_doc}
Create Date: 2026-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '{rev}'
down_revision = {down}
branch_labels = None
depends_on = None


def upgrade():
{up}


def downgrade():
{down_body}
'''

TABLE_NAMES = ["users", "accounts", "orders", "items", "products", "invoices", "payments", "tags",
               "comments", "posts", "audit_log", "sessions", "teams", "projects", "tasks",
               "events", "documents", "Customer", "order", "user_groups"]
COLUMN_NAMES = ["name", "title", "amount", "price", "status", "created_at", "note", "flag",
                "payload", "code", "ref_id", "score", "label", "kind", "Value", "user",
                "starts_on", "opens_at", "data", "level"]

# (code, kind) kind: what rows may hold ("int", "str", "bool", "float", "json", "none")
COLUMN_TYPES = [
    ("sa.Integer()", "int"), ("sa.BigInteger()", "int"), ("sa.SmallInteger()", "int"),
    ("sa.String(length=40)", "str"), ("sa.Text()", "str"), ("sa.Boolean()", "bool"),
    ("sa.DateTime()", "none"), ("sa.DateTime(timezone=True)", "none"), ("sa.Date()", "none"),
    ("sa.Time()", "none"), ("sa.Float()", "float"), ("sa.Numeric(precision=10, scale=2)", "float"),
    ("sa.LargeBinary()", "none"), ("sa.JSON()", "json"), ("postgresql.JSONB(astext_type=sa.Text())", "json"),
    ("postgresql.UUID(as_uuid=True)", "none"), ("postgresql.ARRAY(sa.Integer())", "none"),
    ("postgresql.ARRAY(sa.String(length=10), dimensions=2)", "none"), ("sa.Interval()", "none"),
    ("postgresql.INTERVAL(fields='DAY')", "none"), ("postgresql.INET()", "none"),
    ("postgresql.CIDR()", "none"), ("postgresql.TSVECTOR()", "none"), ("sa.Unicode(length=12)", "str"),
    ("sa.CHAR(length=3)", "none"), ("postgresql.TIMESTAMP(precision=3)", "none"),
    ("postgresql.DOUBLE_PRECISION()", "float"), ("postgresql.MONEY()", "none"),
]

DEFAULTS = {
    "int": ["sa.text('0')", "'7'"], "str": ["'x'", "sa.text(\"'abc'\")"],
    "bool": ["sa.false()", "sa.true()", "sa.text('true')"], "float": ["sa.text('1.5')"],
}
TIME_DEFAULTS = {"sa.DateTime()": "sa.func.now()", "sa.DateTime(timezone=True)": "sa.func.now()",
                 "sa.Date()": "sa.func.current_date()"}


def q(s):
    return repr(s)


class Table:
    def __init__(self, name, schema=None):
        self.name = name
        self.schema = schema
        self.cols = {}  # name -> dict(type, kind, nullable, default, refs)
        self.rows = 0
        self.pk = None  # single integer key column or None

    def sk(self):
        return ", schema=%s" % q(self.schema) if self.schema else ""


class Gen:
    def __init__(self, seed, offline):
        self.r = random.Random(seed)
        self.offline = offline
        self.tables = {}
        self.counter = 0
        self.schema_made = False

    def uid(self, prefix):
        self.counter += 1
        return "%s_%d" % (prefix, self.counter)

    def free_table_name(self):
        for _ in range(50):
            n = self.r.choice(TABLE_NAMES)
            if n not in self.tables:
                return n
        return self.uid("t")

    def column_name(self, t):
        for _ in range(50):
            n = self.r.choice(COLUMN_NAMES)
            if n not in t.cols:
                return n
        return self.uid("c")

    def pick_type(self):
        return self.r.choice(COLUMN_TYPES)

    # ------------------------------------------------------------ operations
    def op_create_table(self):
        r = self.r
        schema = None
        pre_up, pre_down = [], []
        if r.random() < 0.15 and not self.offline:
            schema = "s1"
            if not self.schema_made:
                self.schema_made = True
                pre_up.append('op.execute("CREATE SCHEMA s1")')
                pre_down.append('op.execute("DROP SCHEMA s1")')
        name = self.free_table_name()
        t = Table(name, schema)
        items = []
        post_down = []
        key = r.choice(["int", "int", "big", "small", "identity", "uuid", "composite", "noauto"])
        if key in ("int", "big", "small", "noauto"):
            typ = {"int": "sa.Integer()", "big": "sa.BigInteger()", "small": "sa.SmallInteger()",
                   "noauto": "sa.Integer()"}[key]
            extra = ", autoincrement=False" if key == "noauto" else ""
            items.append("sa.Column('id', %s, nullable=False%s)" % (typ, extra))
            t.cols["id"] = dict(type=typ, kind="key", nullable=False, refs=1)
            t.pk = "id" if key != "noauto" else None
            items_pk = "sa.PrimaryKeyConstraint('id')"
        elif key == "identity":
            items.append("sa.Column('id', sa.Integer(), sa.Identity(always=%s, start=%d, increment=%d), nullable=False)"
                         % (r.choice(["False", "True"]), r.randint(1, 100), r.randint(1, 3)))
            t.cols["id"] = dict(type="sa.Integer()", kind="key", nullable=False, refs=1)
            items_pk = "sa.PrimaryKeyConstraint('id', name=%s)" % q("pk_" + name.lower())
        elif key == "uuid":
            items.append("sa.Column('id', postgresql.UUID(as_uuid=True), server_default=sa.text('gen_random_uuid()'), nullable=False)")
            t.cols["id"] = dict(type="uuid", kind="key", nullable=False, refs=1)
            items_pk = "sa.PrimaryKeyConstraint('id')"
        else:
            items.append("sa.Column('a', sa.Integer(), nullable=False)")
            items.append("sa.Column('b', sa.String(length=5), nullable=False)")
            t.cols["a"] = dict(type="sa.Integer()", kind="key", nullable=False, refs=1)
            t.cols["b"] = dict(type="sa.String(length=5)", kind="key", nullable=False, refs=1)
            items_pk = "sa.PrimaryKeyConstraint('a', 'b')"
        for _ in range(r.randint(1, 5)):
            cname = self.column_name(t)
            typ, kind = self.pick_type()
            nullable = r.random() < 0.7
            opts = ["nullable=%s" % nullable]
            default = None
            if kind in DEFAULTS and r.random() < 0.4:
                default = r.choice(DEFAULTS[kind])
            elif typ in TIME_DEFAULTS and r.random() < 0.5:
                default = TIME_DEFAULTS[typ]
            if default:
                opts.insert(0, "server_default=%s" % default)
            if r.random() < 0.15:
                opts.append("comment=%s" % q("the " + cname))
            refs = 0
            indexed = any(s["refs"] and s["kind"] in ("int", "str") for s in t.cols.values())
            if r.random() < 0.1 and kind in ("int", "str") and not (self.offline and indexed):
                opts.append("index=True")
                refs = 1
            items.append("sa.Column(%s, %s, %s)" % (q(cname), typ, ", ".join(opts)))
            t.cols[cname] = dict(type=typ, kind=kind, nullable=nullable or default is not None,
                                 refs=refs, default=default)
        # An enum column: created with the table (sa.Enum) or beforehand (ENUM.create).
        if r.random() < 0.35:
            ename = self.uid("mood")
            labels = "'happy', 'sad', 'meh'"
            if r.random() < 0.5:
                items.append("sa.Column('mood', sa.Enum(%s, name=%s), nullable=True)" % (labels, q(ename)))
                post_down.append('op.execute("DROP TYPE %s")' % ename)
            else:
                pre_up.append("postgresql.ENUM(%s, name=%s).create(op.get_bind(), checkfirst=False)" % (labels, q(ename)))
                items.append("sa.Column('mood', postgresql.ENUM(%s, name=%s, create_type=False), nullable=True)" % (labels, q(ename)))
                post_down.append("postgresql.ENUM(name=%s).drop(op.get_bind(), checkfirst=False)" % q(ename))
            t.cols["mood"] = dict(type="enum", kind="none", nullable=True, refs=1)
        # A foreign key to a table with an integer key.
        parents = [p for p in self.tables.values() if p.pk and p.schema == schema and p.cols[p.pk]["type"] == "sa.Integer()"]
        if parents and r.random() < 0.5:
            p = r.choice(parents)
            target = "%s.id" % p.name if not p.schema else "%s.%s.id" % (p.schema, p.name)
            ondelete = r.choice(["", ", ondelete='CASCADE'", ", ondelete='SET NULL'"])
            items.append("sa.Column('parent_id', sa.Integer(), sa.ForeignKey(%s%s), nullable=True)" % (q(target), ondelete))
            t.cols["parent_id"] = dict(type="sa.Integer()", kind="fk", nullable=True, refs=1)
        items.append(items_pk)
        ints = [c for c, s in t.cols.items() if s["kind"] == "int"]
        if ints and r.random() < 0.4:
            c = r.choice(ints)
            items.append("sa.CheckConstraint(%s, name=%s)" % (q('"%s" > -1000' % c if c != c.lower() or c == "user" else "%s > -1000" % c), q(self.uid("ck"))))
            t.cols[c]["refs"] += 1
        strs = [c for c, s in t.cols.items() if s["kind"] == "str"]
        if strs and r.random() < 0.4:
            c = r.choice(strs)
            named = r.random() < 0.5
            items.append("sa.UniqueConstraint(%s%s)" % (q(c), ", name=%s" % q(self.uid("uq")) if named else ""))
            t.cols[c]["refs"] += 1
        # Alembic creates a table's indexes in set order: one index a table keeps the
        # offline script deterministic.
        has_index = any(s["refs"] and s["kind"] in ("int", "str") for s in t.cols.values())
        if strs and r.random() < 0.2 and not (self.offline and has_index):
            c = r.choice(strs)
            items.append("sa.Index(%s, %s)" % (q(self.uid("ix")), q(c)))
            t.cols[c]["refs"] += 1
        kw = t.sk()
        if r.random() < 0.15:
            kw += ", comment=%s" % q("table " + name)
        up = pre_up + ["op.create_table(%s,\n        %s%s\n    )" % (q(name), ",\n        ".join(items), kw)]
        down = ["op.drop_table(%s%s)" % (q(name), t.sk())] + post_down + pre_down
        self.tables[name] = t
        return up, down, lambda: self.tables.pop(name)

    def tables_where(self, pred=lambda t: True):
        return [t for t in self.tables.values() if pred(t)]

    def op_add_column(self):
        ts = self.tables_where()
        if not ts:
            return None
        t = self.r.choice(ts)
        cname = self.column_name(t)
        typ, kind = self.pick_type()
        opts = []
        default = None
        nullable = True
        if kind in DEFAULTS and self.r.random() < 0.5:
            default = self.r.choice(DEFAULTS[kind])
            opts.append("server_default=%s" % default)
            nullable = self.r.random() < 0.5
        opts.append("nullable=%s" % nullable)
        refs = 0
        extra = self.r.random()
        if kind in ("int", "str") and extra < 0.15:
            opts.append("index=True")
            refs = 1
        elif kind == "str" and extra < 0.25 and t.rows == 0:
            opts.append("unique=True")
            refs = 1
        elif extra < 0.35:
            opts.append("comment='added'")
        up = "op.add_column(%s, sa.Column(%s, %s, %s)%s)" % (q(t.name), q(cname), typ, ", ".join(opts), t.sk())
        down = "op.drop_column(%s, %s%s)" % (q(t.name), q(cname), t.sk())
        t.cols[cname] = dict(type=typ, kind=kind, nullable=True, refs=refs, default=default)
        return [up], [down], lambda: t.cols.pop(cname)

    def droppable(self, t):
        return [c for c, s in t.cols.items() if s["refs"] == 0 and s["nullable"] and s["kind"] != "key"]

    def op_drop_column(self):
        ts = self.tables_where(lambda t: self.droppable(t))
        if not ts:
            return None
        t = self.r.choice(ts)
        c = self.r.choice(self.droppable(t))
        s = t.cols.pop(c)
        typ = s["type"]
        if typ == "enum":
            t.cols[c] = s
            return None
        up = "op.drop_column(%s, %s%s)" % (q(t.name), q(c), t.sk())
        default = ", server_default=%s" % s["default"] if s.get("default") else ""
        down = "op.add_column(%s, sa.Column(%s, %s%s, nullable=True)%s)" % (q(t.name), q(c), typ, default, t.sk())
        return [up], [down], lambda: t.cols.__setitem__(c, s)

    def op_alter_column(self):
        ts = self.tables_where(lambda t: self.droppable(t))
        if not ts:
            return None
        t = self.r.choice(ts)
        c = self.r.choice(self.droppable(t))
        s = t.cols[c]
        r = self.r
        choice = r.choice(["type", "nullable", "default", "comment", "rename", "several"])
        up_kw, down_kw = [], []
        if choice in ("type", "several") and s["type"] in ("sa.String(length=40)", "sa.Integer()"):
            if s["type"] == "sa.String(length=40)":
                up_kw.append("type_=sa.String(length=80)")
                down_kw.append("type_=sa.String(length=40)")
            else:
                up_kw.append("type_=sa.BigInteger()")
                down_kw.append("type_=sa.Integer()")
                if r.random() < 0.5:
                    # The type changes before a rename (PostgresqlImpl's order): the
                    # expression names the column as it is when the statement runs.
                    using_down = "%s::integer"
                    up_kw.append("postgresql_using=%s" % q("%s::bigint" % self.ident(c)))
                    down_kw.append(("postgresql_using", using_down))
            up_kw.append("existing_type=%s" % s["type"])
        if choice in ("nullable", "several") and t.rows == 0:
            up_kw.append("nullable=False")
            down_kw.append("nullable=True")
        if choice in ("default", "several") and s["kind"] in DEFAULTS and not s.get("default"):
            up_kw.append("server_default=%s" % DEFAULTS[s["kind"]][0])
            down_kw.append("server_default=None")
        if choice in ("comment", "several"):
            up_kw.append("comment='changed'")
            down_kw.append("comment=None")
        new = None
        if choice in ("rename", "several"):
            new = self.column_name(t)
            up_kw.append("new_column_name=%s" % q(new))
        if not up_kw or up_kw == ["existing_type=%s" % s["type"]]:
            return None
        up = "op.alter_column(%s, %s, %s%s)" % (q(t.name), q(c), ", ".join(up_kw), t.sk())
        name_after = new or c
        down_kw = [k if isinstance(k, str) else "%s=%s" % (k[0], q(k[1] % self.ident(name_after))) for k in down_kw]
        if new:
            down_kw.append("new_column_name=%s" % q(c))
        if not down_kw:
            return None
        down = "op.alter_column(%s, %s, %s%s)" % (q(t.name), q(name_after), ", ".join(down_kw), t.sk())

        def undo():
            if new:
                t.cols[c] = t.cols.pop(new)
        if new:
            t.cols[new] = t.cols.pop(c)
        # A column made NOT NULL is no longer dropped or altered.
        if "nullable=False" in up_kw:
            t.cols[name_after]["refs"] += 1
            t.cols[name_after]["nullable"] = False
        return [up], [down], undo

    def ident(self, c):
        return c if c == c.lower() and c not in ("user", "order") else '"%s"' % c

    def op_create_index(self):
        ts = self.tables_where(lambda t: [c for c, s in t.cols.items() if s["kind"] in ("int", "str")])
        if not ts:
            return None
        t = self.r.choice(ts)
        cols = [c for c, s in t.cols.items() if s["kind"] in ("int", "str")]
        c = self.r.choice(cols)
        name = self.uid("ix_" + t.name.lower())
        kw = []
        r = self.r
        if t.rows == 0 and r.random() < 0.3:
            kw.append("unique=True")
        if r.random() < 0.3:
            kw.append("postgresql_using=%s" % q(r.choice(["btree", "hash"])) if "unique=True" not in kw else "postgresql_using='btree'")
        if r.random() < 0.25:
            kw.append("postgresql_where=sa.text(%s)" % q("%s IS NOT NULL" % self.ident(c)))
        if r.random() < 0.2 and "postgresql_using='hash'" not in kw:
            others = [o for o in t.cols if o != c and t.cols[o]["kind"] in ("int", "str", "bool")]
            if others:
                kw.append("postgresql_include=[%s]" % q(r.choice(others)))
        if r.random() < 0.15 and t.cols[c]["kind"] == "str" and "postgresql_using='hash'" not in kw:
            kw.append("postgresql_ops={%s: 'text_pattern_ops'}" % q(c))
            if t.cols[c]["type"] not in ("sa.Text()",):
                kw[-1] = "postgresql_ops={%s: 'varchar_pattern_ops'}" % q(c)
                if t.cols[c]["type"] == "sa.Unicode(length=12)":
                    kw[-1] = "postgresql_ops={%s: 'varchar_pattern_ops'}" % q(c)
        cols_code = "[%s]" % q(c)
        if r.random() < 0.1 and t.cols[c]["kind"] == "str":
            cols_code = "[sa.text(%s)]" % q("lower(%s)" % self.ident(c))
            kw = [k for k in kw if not k.startswith("postgresql_ops")]
        up = "op.create_index(%s, %s, %s%s%s)" % (q(name), q(t.name), cols_code,
                                                 "".join(", " + k for k in kw), t.sk())
        down = "op.drop_index(%s, table_name=%s%s)" % (q(name), q(t.name), t.sk())
        t.cols[c]["refs"] += 1

        def undo():
            t.cols[c]["refs"] -= 1
        return [up], [down], undo

    def op_constraint(self):
        r = self.r
        kind = r.choice(["fk", "unique", "check"])
        if kind == "fk":
            pairs = [(a, b) for a in self.tables.values() for b in self.tables.values()
                     if b.pk and b.cols[b.pk]["type"] == "sa.Integer()" and a.schema == b.schema
                     and b.schema is None]
            if not pairs:
                return None
            a, b = r.choice(pairs)
            col = self.uid("fk_col")
            name = self.uid("fk")
            ondelete = r.choice(["", ", ondelete='CASCADE'", ", ondelete='SET NULL'"])
            up = ["op.add_column(%s, sa.Column(%s, sa.Integer(), nullable=True))" % (q(a.name), q(col)),
                  "op.create_foreign_key(%s, %s, %s, [%s], ['id']%s)" % (q(name), q(a.name), q(b.name), q(col), ondelete)]
            down = ["op.drop_constraint(%s, %s, type_='foreignkey')" % (q(name), q(a.name)),
                    "op.drop_column(%s, %s)" % (q(a.name), q(col))]
            a.cols[col] = dict(type="sa.Integer()", kind="fk", nullable=True, refs=1)
            return up, down, lambda: a.cols.pop(col)
        if kind == "unique":
            ts = self.tables_where(lambda t: t.rows == 0 and [c for c, s in t.cols.items() if s["kind"] in ("int", "str")])
            if not ts:
                return None
            t = r.choice(ts)
            c = r.choice([c for c, s in t.cols.items() if s["kind"] in ("int", "str")])
            name = self.uid("uq")
            up = "op.create_unique_constraint(%s, %s, [%s]%s)" % (q(name), q(t.name), q(c), t.sk())
        else:
            ts = self.tables_where(lambda t: [c for c, s in t.cols.items() if s["kind"] == "int"])
            if not ts:
                return None
            t = r.choice(ts)
            c = r.choice([c for c, s in t.cols.items() if s["kind"] == "int"])
            name = self.uid("ck")
            up = "op.create_check_constraint(%s, %s, %s%s)" % (q(name), q(t.name), q("%s > -5000" % self.ident(c)), t.sk())
        down = "op.drop_constraint(%s, %s, type_=%s%s)" % (q(name), q(t.name), q(kind if kind == "unique" else "check"), t.sk())
        t.cols[c]["refs"] += 1

        def undo():
            t.cols[c]["refs"] -= 1
        return [up], [down], undo

    def op_rename_table(self):
        ts = self.tables_where()
        if not ts:
            return None
        t = self.r.choice(ts)
        new = self.free_table_name()
        old = t.name
        up = "op.rename_table(%s, %s%s)" % (q(old), q(new), t.sk())
        down = "op.rename_table(%s, %s%s)" % (q(new), q(old), t.sk())
        self.tables[new] = self.tables.pop(old)
        t.name = new

        def undo():
            self.tables[old] = self.tables.pop(new)
            t.name = old
        return [up], [down], undo

    def value(self, kind):
        r = self.r
        if kind == "int":
            return repr(r.randint(0, 500))
        if kind == "str":
            return repr(r.choice(["a", "it's", "Zoë", "x y", "", "42"]))
        if kind == "bool":
            return repr(r.choice([True, False]))
        if kind == "float" and not self.offline:
            return repr(r.choice([0.5, 1.25, -3.0, 100.0]))
        if kind == "json" and not self.offline:
            return repr(r.choice([{"a": 1}, [1, 2], "s", None, {"n": {"m": [True]}}]))
        return None

    def op_bulk_insert(self):
        ts = self.tables_where(lambda t: t.rows == 0 and t.pk and t.schema is None
                               and all(s["nullable"] or s["kind"] in ("int", "str", "bool", "key") for s in t.cols.values()))
        if not ts:
            return None
        t = self.r.choice(ts)
        cols = [(c, s) for c, s in t.cols.items() if c != t.pk and self.value(s["kind"]) is not None]
        if any(c == "id" for c, _ in cols):
            return None
        required = [c for c, s in t.cols.items() if not s["nullable"] and s["kind"] != "key" and not s.get("default")]
        if any(c not in dict(cols) for c in required):
            return None
        explicit_key = t.cols[t.pk]["type"] in ("sa.Integer()", "sa.BigInteger()", "sa.SmallInteger()") and self.r.random() < 0.3
        rows = []
        for i in range(self.r.randint(1, 4)):
            row = {}
            for c, s in cols:
                if s["nullable"] and c not in required and self.r.random() < 0.2:
                    continue
                row[c] = self.value(s["kind"])
            if explicit_key:
                row[t.pk] = repr(1000 + i)
            rows.append(row)
        keys = [c for c in t.cols if any(c in row for row in rows)]
        # Every row names the same columns (executemany binds the first row's keys).
        for row in rows:
            for c in keys:
                if c not in row:
                    v = self.value(t.cols[c]["kind"])
                    row[c] = v
        ttypes = {c: ("sa.Integer()" if t.cols[c]["kind"] == "key" else t.cols[c]["type"]) for c in keys}
        up = ["%s = sa.table(%s, %s)" % ("tbl", q(t.name), ", ".join("sa.column(%s, %s)" % (q(c), ttypes[c]) for c in keys)),
              "op.bulk_insert(tbl, [%s])" % ", ".join("{%s}" % ", ".join("%s: %s" % (q(c), row[c]) for c in keys) for row in rows)]
        if not keys:
            return None
        down = ["op.execute(%s)" % q("DELETE FROM %s" % self.ident(t.name))]
        t.rows = len(rows)

        def undo():
            t.rows = 0
        return up, down, undo

    def op_execute(self):
        ts = self.tables_where(lambda t: t.rows > 0 and t.schema is None
                               and [c for c, s in t.cols.items() if s["kind"] == "int" and s["refs"] == 0])
        if not ts:
            return None
        t = self.r.choice(ts)
        c = self.r.choice([c for c, s in t.cols.items() if s["kind"] == "int" and s["refs"] == 0])
        up = "op.execute(%s)" % q("UPDATE %s SET %s = %s + 1" % (self.ident(t.name), self.ident(c), self.ident(c)))
        down = "op.execute(%s)" % q("UPDATE %s SET %s = %s - 1" % (self.ident(t.name), self.ident(c), self.ident(c)))
        return [up], [down], lambda: None

    def op_batch(self):
        ts = self.tables_where(lambda t: t.schema is None)
        if not ts:
            return None
        t = self.r.choice(ts)
        c1 = self.column_name(t)
        ix = self.uid("ix_b")
        up = ["with op.batch_alter_table(%s) as batch_op:" % q(t.name),
              "    batch_op.add_column(sa.Column(%s, sa.Integer(), nullable=True))" % q(c1),
              "    batch_op.create_index(%s, [%s], unique=False)" % (q(ix), q(c1))]
        down = ["with op.batch_alter_table(%s) as batch_op:" % q(t.name),
                "    batch_op.drop_index(%s)" % q(ix),
                "    batch_op.drop_column(%s)" % q(c1)]
        t.cols[c1] = dict(type="sa.Integer()", kind="int", nullable=True, refs=1)
        return up, down, lambda: t.cols.pop(c1)

    OPS = [("op_create_table", 4), ("op_add_column", 3), ("op_drop_column", 1), ("op_alter_column", 3),
           ("op_create_index", 2), ("op_constraint", 2), ("op_rename_table", 1), ("op_bulk_insert", 2),
           ("op_execute", 1), ("op_batch", 1)]

    def revision_ops(self, first):
        ups, downs = [], []
        n = self.r.randint(2, 5)
        for i in range(n):
            if first and i == 0 or not self.tables:
                name = "op_create_table"
            else:
                names = [o for o, w in self.OPS for _ in range(w)]
                name = self.r.choice(names)
            made = getattr(self, name)()
            if made is None:
                continue
            up, down, _undo = made
            ups.extend(up)
            downs = down + downs
        return ups, downs


class Project:
    def __init__(self, seed, revisions):
        self.seed = seed
        self.revisions = revisions  # [(rev, down, up_code, down_code)]

    def write(self, directory, url):
        os.makedirs(os.path.join(directory, "alembic", "versions"), exist_ok=True)
        with open(os.path.join(directory, "alembic.ini"), "w") as f:
            f.write("[alembic]\nscript_location = %%(here)s/alembic\nsqlalchemy.url = %s\n" % url.replace("%", "%%"))
        with open(os.path.join(directory, "alembic", "env.py"), "w") as f:
            f.write(ENV_PY)
        for rev, down, up, dn in self.revisions:
            text = HEADER.format(message="step %s of project %d" % (rev, self.seed), rev=rev,
                                 down_doc=down or "", down=repr(down), up=indent(up), down_body=indent(dn))
            with open(os.path.join(directory, "alembic", "versions", "%s_step.py" % rev), "w") as f:
                f.write(text)


def indent(lines):
    if not lines:
        return "    pass"
    out = []
    for line in lines:
        for sub in line.split("\n"):
            out.append("    " + sub)
    return "\n".join(out)


def generate_project(seed, offline=False):
    g = Gen(seed, offline)
    revisions = []
    down = None
    for i in range(g.r.randint(3, 6)):
        rev = "%04x%08x" % (seed % 0xFFFF, i + 1)
        up, dn = g.revision_ops(i == 0)
        revisions.append((rev, down, up, dn))
        down = rev
    return Project(seed, revisions)


if __name__ == "__main__":
    generate_project(int(sys.argv[1])).write(sys.argv[2], "postgresql://u:p@localhost/x")

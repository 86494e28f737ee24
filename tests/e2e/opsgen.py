"""Seeded generator of Alembic projects whose revision bodies use op.* on SQLite.

``generate_project(seed)`` returns a deterministic (per seed) ``Project``: 4 to 12
revisions written the way ``alembic revision --autogenerate`` writes them in the
classic template (``render_as_batch`` style: ``with op.batch_alter_table(...)``
wherever SQLite needs the move-and-copy), each with an upgrade and a downgrade that
walks the history back to base.

The bodies mix create_table (every SQLAlchemy 1.4 type SQLite can render, column
options, column-level and table constraints named or not, ``op.f``, ``sa.Index``
items), drop_table, add_column, drop_column, alter_column (rename), create_index /
drop_index (plain, unique, partial, on an expression), rename_table, op.execute
(strings, ``sa.text`` with and without bindparams, insert()/update()/delete()
constructs, loops over local lists), op.bulk_insert (into a ``sa.table`` defined in the
body or the Table op.create_table returned), and batch_alter_table with add_column
(also insert_before/insert_after), drop_column, alter_column (type_, nullable,
new_column_name, server_default, existing_*), create_index, drop_index,
create_foreign_key, create_unique_constraint, create_check_constraint and
drop_constraint. Rows are inserted before batch operations so that they must survive
the table rebuilds. A third of the projects (seeds divisible by 3) also create 32 plain
tables in their first revision, so that miglint's add-column recreation (which only
pays on schemas of 32 objects or more) is compared with Alembic too.

Preconditions are tracked in a model of the schema and of the rows: a NOT NULL
column never meets a NULL, a unique constraint or index is only created over
distinct values, a CHECK only over values that satisfy it, a dropped column is
neither indexed nor constrained where SQLite refuses that, batch mode is not asked
for what Alembic 1.8 cannot do (unnamed constraints, indexes on a column renamed in
the same batch, ...). After every revision the whole walk back to base is simulated
on the model, so every generated downgrade is valid too. A few projects end with a
revision whose first statement Alembic cannot run on SQLite (``expect_failure``: a
constraint change outside batch mode, ALTER COLUMN, a non-constant default added by
ALTER, an unnamed constraint in batch mode, insert_after without a rebuild, an
existing_type Alembic 1.8 trips over, a string bound to a Date column); both tools
must then refuse it, before anything changed.

Left out, because the tools differ by design or Alembic's own result is not
deterministic: types SQLAlchemy 1.4 cannot render on SQLite (postgresql.UUID: miglint
declares such types by name instead of failing), statements after a failure (Alembic
runs SQLite DDL outside a transaction and keeps half a revision; miglint rolls the
revision back), two constraints of one signature on a table that batch mode rebuilds
(SQLAlchemy reflects one of them, chosen by the order of the lines, which batch mode
writes in set order), and Python date/bytes objects in rows (not interpreted).

    python3 opsgen.py SEED DIRECTORY   writes project SEED into DIRECTORY
"""

import copy
import json
import os
import random
import sys

# ---------------------------------------------------------------- names

TABLE_NAMES = [
    "users", "accounts", "orders", "order_items", "products", "invoices", "payments",
    "tags", "categories", "comments", "posts", "audit_log", "sessions", "addresses",
    "teams", "projects", "tasks", "events", "settings", "documents", "Customer",
    "group", "_audit",
]

COLUMN_NAMES = {
    "int": ["quantity", "position", "score", "attempts", "version", "priority", "level",
            "views", "order", "Rank"],
    "bigint": ["external_id", "bytes_used", "big_counter"],
    "smallint": ["age", "rating", "weight"],
    "str": ["name", "email", "title", "status", "code", "slug", "label", "city", "phone",
            "username", "sku", "key", "Type", "_legacy_code"],
    "text": ["description", "notes", "body", "summary", "bio"],
    "unicode": ["display_name", "nickname", "headline"],
    "bool": ["is_active", "is_admin", "archived", "verified", "enabled"],
    "date": ["birthday", "due_date", "starts_on", "ends_on"],
    "datetime": ["created_at", "updated_at", "deleted_at", "last_login", "published_at"],
    "time": ["opens_at", "closes_at", "reminder_time"],
    "float": ["latitude", "longitude", "ratio", "weight_kg"],
    "numeric": ["price", "amount", "total", "balance", "tax_rate"],
    "json": ["payload", "settings_json", "extra", "meta"],
    "blob": ["avatar", "thumbnail", "signature"],
    "enum": ["state", "kind", "visibility"],
    "uuid": ["uuid", "public_id", "token"],
    "interval": ["duration", "timeout"],
}

KINDS = list(COLUMN_NAMES)
ENUM_VALUES = [("draft", "sent", "paid"), ("low", "medium", "high"), ("public", "private"),
               ("a", "bb", "ccc")]

# The standard CHECK the generator puts on a column of a kind, satisfied by every
# generated value and every server default of that kind.
CHECKS = {
    "int": "{0} >= 0", "bigint": "{0} >= 0", "smallint": "{0} >= 0",
    "float": "{0} >= 0", "numeric": "{0} >= 0",
    "str": "length({0}) > 0", "text": "length({0}) > 0", "unicode": "length({0}) > 0",
}

# Kinds whose values are distinct when generated (bool and enum have few values).
DISTINCT_KINDS = set(KINDS) - {"bool", "enum", "blob"}

# Type changes alter_column makes: from kind -> [to kind].
TYPE_CHANGES = {
    "int": ["bigint", "str", "numeric", "float", "bool"],
    "bigint": ["int"],
    "smallint": ["int"],
    "str": ["text", "str", "unicode", "int", "enum"],
    "text": ["str"],
    "unicode": ["str", "text"],
    "float": ["numeric"],
    "numeric": ["float", "numeric", "str"],
    "bool": ["int", "smallint"],
    "date": ["datetime", "str"],
    "datetime": ["date", "str"],
    "time": ["str"],
    "json": ["text"],
    "enum": ["str"],
    "uuid": ["str"],
}

SQL_RESERVED = {"order", "key", "group", "index", "table", "values", "default", "check",
                "select", "from", "where", "type"}


def sql_quote(name):
    """An identifier in hand-written SQL: quoted when SQLite could misread it."""
    if name.lower() in SQL_RESERVED or name != name.lower():
        return '"%s"' % name
    return name


# ---------------------------------------------------------------- values

class Unknown:
    """A value the model cannot predict (after a CAST): not NULL, nothing else known."""

    def __repr__(self):
        return "UNKNOWN"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


UNKNOWN = Unknown()


NUMERIC_KINDS = {"int", "bigint", "smallint", "float", "numeric", "bool"}


class V:
    """A stored value: its SQL literal (None when unpredictable, as CURRENT_TIMESTAMP),
    its identity for distinctness (equal values are equal in SQLite: 1 and '1' in an
    INTEGER column), and whether the column's standard CHECK holds for it. Immutable."""
    __slots__ = ("ident", "sql", "check_ok")

    def __deepcopy__(self, memo):
        return self

    def __init__(self, ident, sql=None, check_ok=True):
        self.ident = ident
        self.sql = sql
        self.check_ok = check_ok

    @staticmethod
    def of(kind, sql):
        """The value a column of `kind` stores for the SQL literal `sql`."""
        if kind in NUMERIC_KINDS:
            text = sql.strip("'")
            return V(("n", float(text)), sql)
        return V(("s", sql), sql)

    def key(self):
        """As a primary key (ints only)."""
        return int(self.sql)

    def __repr__(self):
        return "V(%r)" % (self.ident,)


def fresh_sql(kind, n, type_info=None):
    """SQL literal of generated value n of a kind."""
    if kind in ("int", "bigint", "smallint"):
        return str(n)
    if kind in ("str", "unicode"):
        return "'%s'" % fresh_str(kind, n).replace("'", "''")
    if kind == "text":
        return "'%s'" % fresh_str(kind, n).replace("'", "''")
    if kind == "bool":
        return "1" if n % 2 else "0"
    if kind == "date":
        return "'%s'" % fresh_date(n)
    if kind == "datetime":
        return "'%s 10:%02d:00.000000'" % (fresh_date(n), n % 60)
    if kind == "time":
        return "'%02d:%02d:%02d.000000'" % (n // 3600 % 24, n // 60 % 60, n % 60)
    if kind == "float":
        return "%s" % fresh_number(kind, n)
    if kind == "numeric":
        return "%s" % fresh_number(kind, n)
    if kind == "json":
        return "'%s'" % json.dumps({"n": n, "tags": ["x", "y"]})
    if kind == "blob":
        return "X'%04x'" % n
    if kind == "enum":
        values = type_info or ENUM_VALUES[0]
        return "'%s'" % values[n % len(values)]
    if kind == "uuid":
        return "'%032x'" % (n * 7919)
    if kind == "interval":
        return "'1970-01-01 00:%02d:%02d.000000'" % (n // 60 % 60, n % 60)
    raise ValueError(kind)


def fresh_number(kind, n):
    """Every third one a whole number (a typed bulk_insert binds it as a float)."""
    if n % 3 == 0:
        return n
    return n + (0.25 if kind == "float" else 0.5)


def fresh_str(kind, n):
    if kind == "text":
        return ["A longer note, number %d." % n, "It's #%d" % n, "line one\nline two %d" % n][n % 3]
    return ["item %d" % n, "o'brien %d" % n, "café %d" % n, "x%d" % n][n % 4]


def fresh_date(n):
    months = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    day = n % 365
    month = 0
    while day >= months[month]:
        day -= months[month]
        month += 1
    return "%04d-%02d-%02d" % (2000 + n // 365 % 20, month + 1, day + 1)


# How a generated value is written in a bulk_insert row, or None when bulk_insert
# cannot carry it (the interpreter takes Python literals only).
def fresh_py(kind, n, type_info=None):
    if kind in ("int", "bigint", "smallint"):
        return str(n)
    if kind in ("str", "unicode", "text"):
        return repr(fresh_str(kind, n))
    if kind == "bool":
        return "True" if n % 2 else "False"
    if kind in ("date", "datetime", "time", "interval", "blob"):
        # Python objects, bound by the column type's processor to fresh_sql's text.
        return py_from_sql(kind, fresh_sql(kind, n), True)
    if kind == "uuid":
        return fresh_sql(kind, n)
    if kind in ("float", "numeric"):
        return repr(fresh_number(kind, n))
    if kind == "json":
        return repr({"n": n, "tags": ["x", "y"]})
    if kind == "enum":
        values = type_info or ENUM_VALUES[0]
        return repr(values[n % len(values)])
    return None


# sa.column(...) type argument in a bulk_insert table, by kind ("" = untyped).
BULK_TYPES = {
    "int": "sa.Integer", "bigint": "sa.BigInteger()", "smallint": "sa.SmallInteger",
    "str": "sa.String", "text": "sa.Text()", "unicode": "sa.Unicode()", "bool": "sa.Boolean",
    "float": "sa.Float()", "numeric": "sa.Numeric()", "json": "sa.JSON", "enum": "sa.String",
    "uuid": "sa.String", "date": "sa.Date()", "datetime": "sa.DateTime()", "time": "sa.Time",
    "interval": "sa.Interval()", "blob": "sa.LargeBinary()",
}


def fresh_value(kind, n, info=None):
    return V.of(kind, fresh_sql(kind, n, info))


# ---------------------------------------------------------------- types and defaults

def type_code(rng, kind, table, column):
    """(python expression, extra info) of a type of the kind."""
    if kind == "int":
        return rng.choice(["sa.Integer()", "sa.Integer()", "sa.INTEGER()"]), None
    if kind == "bigint":
        return "sa.BigInteger()", None
    if kind == "smallint":
        return "sa.SmallInteger()", None
    if kind == "str":
        n = rng.choice([20, 50, 64, 100, 255])
        return rng.choice(["sa.String(length=%d)" % n, "sa.String(length=%d)" % n,
                           "sa.String()", "sa.VARCHAR(length=%d)" % n]), None
    if kind == "text":
        return rng.choice(["sa.Text()", "sa.UnicodeText()"]), None
    if kind == "unicode":
        return "sa.Unicode(length=%d)" % rng.choice([40, 120]), None
    if kind == "bool":
        return "sa.Boolean()", None
    if kind == "date":
        return "sa.Date()", None
    if kind == "datetime":
        return rng.choice(["sa.DateTime()", "sa.DateTime(timezone=True)", "sa.TIMESTAMP()"]), None
    if kind == "time":
        return "sa.Time()", None
    if kind == "float":
        return rng.choice(["sa.Float()", "sa.Float(precision=53)", "sa.REAL()"]), None
    if kind == "numeric":
        p = rng.choice([8, 10, 12])
        return rng.choice(["sa.Numeric(precision=%d, scale=2)" % p, "sa.Numeric()",
                           "sa.DECIMAL(precision=%d, scale=3)" % p]), None
    if kind == "json":
        return "sa.JSON()", None
    if kind == "blob":
        return "sa.LargeBinary()", None
    if kind == "enum":
        values = rng.choice(ENUM_VALUES)
        return "sa.Enum(%s, name='%s')" % (", ".join(repr(v) for v in values),
                                           ("%s_%s" % (table, column)).lower()), values
    if kind == "uuid":
        # sa.Uuid is SQLAlchemy 2.0; what a GUID type renders on SQLite.
        return rng.choice(["sa.CHAR(length=32)", "sa.String(length=36)"]), None
    if kind == "interval":
        return "sa.Interval()", None
    raise ValueError(kind)


def reflected_code(col):
    """The type as autogenerate writes existing_type= after reflecting SQLite (upper case)."""
    import re
    nums = [int(x) for x in re.findall(r"\d+", col.code)]
    kind = col.kind
    if kind in ("str", "unicode", "enum", "uuid"):
        if col.code.startswith("sa.CHAR"):
            return "sa.CHAR(length=%d)" % nums[0]
        if kind == "enum":
            return "sa.VARCHAR(length=%d)" % max(len(v) for v in col.info)
        return "sa.VARCHAR(length=%d)" % nums[0] if nums else "sa.VARCHAR()"
    if kind == "numeric":
        base = "sa.DECIMAL" if "DECIMAL" in col.code else "sa.NUMERIC"
        return "%s(precision=%d, scale=%d)" % (base, nums[0], nums[1]) if len(nums) == 2 else base + "()"
    if kind == "datetime" and "TIMESTAMP" in col.code:
        return "sa.TIMESTAMP()"
    if kind == "float" and "REAL" in col.code:
        return "sa.REAL()"
    return {"int": "sa.INTEGER()", "bigint": "sa.BIGINT()", "smallint": "sa.SMALLINT()",
            "text": "sa.TEXT()", "bool": "sa.BOOLEAN()", "date": "sa.DATE()",
            "datetime": "sa.DATETIME()", "time": "sa.TIME()", "interval": "sa.DATETIME()",
            "float": "sa.FLOAT()", "json": "sa.JSON()", "blob": "sa.BLOB()"}[kind]


class Default:
    """A server_default: its Python expression, the value rows get, whether SQLite's
    ADD COLUMN accepts it (a constant), whether Alembic's batch treats it as an SQL
    expression (which makes the batch recreate the table)."""

    def __init__(self, code, stored, constant, expression):
        self.code = code
        self.stored = stored  # the SQL literal rows get; None: CURRENT_TIMESTAMP
        self.constant = constant
        self.expression = expression

    def __deepcopy__(self, memo):
        return self

    def value(self):
        if self.stored is None:
            return V(("now",), None)
        return V.of(self.kind, self.stored)


def defaults_for(kind, type_info=None):
    """The server defaults the generator uses for a kind; each satisfies CHECKS."""
    if kind in ("int", "bigint", "smallint"):
        out = [Default("'0'", "0", True, False), Default("sa.text('0')", "0", True, True),
               Default("sa.text('1')", "1", True, True)]
    if kind in ("str", "unicode"):
        out = [Default("'new'", "'new'", True, False),
               Default("sa.text(\"'n/a'\")", "'n/a'", True, True),
               Default("\"it's\"", "'it''s'", True, False)]
    if kind == "text":
        out = [Default("'none'", "'none'", True, False)]
    if kind == "bool":
        out = [Default("sa.false()", "0", True, True), Default("sa.text('1')", "1", True, True),
               Default("'0'", "0", True, False), Default("sa.true()", "1", True, True),
               Default("sa.text('false')", "0", True, True)]
    if kind == "datetime":
        out = [Default("sa.func.now()", None, False, True),
               Default("sa.text('CURRENT_TIMESTAMP')", None, False, True),
               Default("sa.text(\"(datetime('now'))\")", None, False, True),
               Default("sa.text(\"'2020-01-01 00:00:00'\")", "'2020-01-01 00:00:00'", True, True)]
    if kind == "date":
        out = [Default("'2000-01-01'", "'2000-01-01'", True, False)]
    if kind == "time":
        out = [Default("'00:00:00'", "'00:00:00'", True, False)]
    if kind in ("float", "numeric"):
        out = [Default("'0'", "0", True, False), Default("sa.text('0.0')", "0.0", True, True)]
    if kind == "json":
        out = [Default("'{}'", "'{}'", True, False), Default("sa.text(\"'[]'\")", "'[]'", True, True)]
    if kind == "enum":
        out = [Default(repr(type_info[0]), "'%s'" % type_info[0], True, False)]
    if kind == "uuid":
        out = [Default("'%s'" % ("0" * 32), "'%s'" % ("0" * 32), True, False)]
    else:
        return []
    for d in out:
        d.kind = kind
    return out


# ---------------------------------------------------------------- the model

class Invalid(Exception):
    """The operation's precondition does not hold: Alembic or SQLite would refuse it."""


class Column:
    def __init__(self, name, kind, code, info=None, nullable=True, default=None, pk=False):
        self.name = name
        self.kind = kind
        self.code = code
        self.info = info
        self.nullable = nullable
        self.default = default
        self.pk = pk

    def __deepcopy__(self, memo):
        c = Column.__new__(Column)
        c.__dict__.update(self.__dict__)
        return c

    def render(self, fk=None, unique=False, index=False, pk_inline=False, autoincrement=None,
               extra_nullable=True, check=None):
        args = [repr(self.name), self.code]
        if fk:
            args.append(fk)
        if check is not None:
            # A column-level CHECK: SQLAlchemy writes it in the column definition.
            name = ", name=%r" % check.name if check.name else ""
            args.append("sa.CheckConstraint(%s%s)" % (pyrepr(check.sqltext()), name))
        if pk_inline:
            args.append("primary_key=True")
        if autoincrement is not None:
            args.append("autoincrement=%s" % autoincrement)
        if extra_nullable or not self.nullable:
            args.append("nullable=%s" % self.nullable)
        if self.default is not None:
            args.append("server_default=%s" % self.default.code)
        if unique:
            args.append("unique=True")
        if index:
            args.append("index=True")
        return "sa.Column(%s)" % ", ".join(args)


class Constraint:
    def __init__(self, kind, name, cols, ref_table=None, ref_cols=None, ondelete=None,
                 onupdate=None, template=None):
        self.kind = kind  # unique | check | fk
        self.name = name
        self.cols = list(cols)
        self.ref_table = ref_table
        self.ref_cols = list(ref_cols or [])
        self.ondelete = ondelete
        self.onupdate = onupdate
        self.template = template
        # A column-level CHECK written in its column's definition. SQLAlchemy finds CHECKs
        # with a per-line regular expression, and ALTER TABLE ADD COLUMN appends to the
        # line of the last column: a named CHECK there, followed by more columns, is
        # reflected garbled (both tools then fail alike, but the rebuilt tables' line
        # order, hence which line is last, is a set order in Alembic).
        self.inline = False

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        c = Constraint.__new__(Constraint)
        c.__dict__.update(self.__dict__)
        c.cols = list(self.cols)
        c.ref_cols = list(self.ref_cols)
        memo[id(self)] = c
        return c

    def sqltext(self):
        return self.template.format(*[sql_quote(c) for c in self.cols])


class Index:
    """kind: plain; expr (on lower(col): SQLAlchemy does not reflect it, so a batch
    rebuild loses it); partial (sqlite_where=..., reflected with its predicate)."""

    def __init__(self, name, cols, unique=False, kind="plain", where=None):
        self.name = name
        self.cols = list(cols)
        self.unique = unique
        self.kind = kind
        self.where = where

    def __deepcopy__(self, memo):
        return Index(self.name, self.cols, self.unique, self.kind, self.where)


class Table:
    def __init__(self, name):
        self.name = name
        self.columns = []
        self.pk = []
        self.pk_name = None
        self.constraints = []
        self.indexes = {}
        self.rows = []
        self.autoincrement = False

    def __deepcopy__(self, memo):
        t = Table.__new__(Table)
        t.name = self.name
        t.columns = [copy.deepcopy(c, memo) for c in self.columns]
        t.pk = list(self.pk)
        t.pk_name = self.pk_name
        t.constraints = [copy.deepcopy(c, memo) for c in self.constraints]
        t.indexes = {k: copy.deepcopy(v, memo) for k, v in self.indexes.items()}
        t.rows = [dict(r) for r in self.rows]  # values are immutable
        t.autoincrement = self.autoincrement
        return t

    def col(self, name):
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def names(self):
        return [c.name for c in self.columns]

    def key_of(self, row):
        return tuple(row[c] for c in self.pk)

    def referenced_cols(self):
        out = set(self.pk)
        for c in self.constraints:
            out.update(c.cols)
        for ix in self.indexes.values():
            out.update(ix.cols)
        return out


class Schema:
    def __init__(self):
        self.tables = {}

    def table(self, name):
        t = self.tables.get(name)
        if t is None:
            raise Invalid("no table %s" % name)
        return t

    def index_names(self):
        """Index names in use, lower case (SQLite compares names without case)."""
        return {n.lower() for t in self.tables.values() for n in t.indexes}

    def inbound_fks(self, name):
        return [(t, c) for t in self.tables.values() for c in t.constraints
                if c.kind == "fk" and c.ref_table == name and t.name != name]


def distinct(rows, cols):
    """Whether the rows' tuples over cols are distinct where no member is NULL."""
    seen = set()
    for r in rows:
        vals = [r.get(c) for c in cols]
        if any(v is None for v in vals):
            continue
        if any(v is UNKNOWN for v in vals):
            return False
        key = tuple(v.ident for v in vals)
        if key in seen:
            return False
        seen.add(key)
    return True


def validate_table(t):
    """What SQLite checks when rows are copied into a table like t."""
    for c in t.columns:
        if not c.nullable or c.name in t.pk:
            if any(r.get(c.name) is None for r in t.rows):
                raise Invalid("NULL in NOT NULL %s.%s" % (t.name, c.name))
    if t.pk and not distinct(t.rows, t.pk):
        raise Invalid("duplicate primary key in %s" % t.name)
    for con in t.constraints:
        if any(t.col(c) is None for c in con.cols):
            raise Invalid("constraint on a missing column")
        if con.kind == "unique" and not distinct(t.rows, con.cols):
            raise Invalid("duplicate values under a unique constraint")
        if con.kind == "check":
            for r in t.rows:
                v = r.get(con.cols[0])
                if v is UNKNOWN or (v is not None and not v.check_ok):
                    raise Invalid("check may fail")
    # Two constraints of one signature: SQLAlchemy reflects one of them, which one
    # depending on the order of the lines batch mode writes (a set order).
    sigs = [(c.kind, tuple(c.cols), c.ref_table, tuple(c.ref_cols)) for c in t.constraints
            if c.kind in ("unique", "fk")]
    if len(set(sigs)) != len(sigs):
        raise Invalid("two constraints of one signature")
    for ix in t.indexes.values():
        if any(t.col(c) is None for c in ix.cols):
            raise Invalid("index on a missing column")
        if ix.unique and not distinct(t.rows, ix.cols):
            raise Invalid("duplicate values under a unique index")


# ---------------------------------------------------------------- operations
#
# Each operation checks its precondition and changes the model (apply), and writes
# itself as Python lines (render). Names of variables in a body come from `ctx`.

class Op:
    batch_kind = None

    def apply(self, schema):
        raise NotImplementedError

    def render(self, ctx):
        raise NotImplementedError


class RawStatements(Op):
    """op.execute of statements about tables the model does not track."""

    def __init__(self, statements):
        self.statements = statements

    def apply(self, schema):
        pass

    def render(self, ctx):
        return ["op.execute(%r)" % sql for sql in self.statements]


# Tables a third of the projects add in their first revision, beyond the size at which
# miglint adds a column by recreating the table (src/ops/add_column.cpp: 32 objects).
PADDING_TABLES = 32


def render_fk_target(con):
    return "%s.%s" % (con.ref_table, con.ref_cols[0])


class CreateTable(Op):
    """op.create_table with everything a Table in the model has (no rows)."""

    def __init__(self, table, style):
        # Copied together so that the style still points at the table's constraints.
        self.table, self.style = copy.deepcopy((table, style))  # style: how it is written
        self.table.rows = []

    def apply(self, schema):
        if self.table.name in schema.tables:
            raise Invalid("table exists")
        taken = schema.index_names()
        for ix in self.table.indexes:
            if ix.lower() in taken:
                raise Invalid("index name taken")
        for con in self.table.constraints:
            if con.kind == "fk" and con.ref_table != self.table.name and con.ref_table not in schema.tables:
                raise Invalid("fk to a missing table")
        t = copy.deepcopy(self.table)
        # The Table object: CHECKs of SQLAlchemy types would go here (none in 1.4).
        schema.tables[t.name] = t

    def render(self, ctx):
        t = self.table
        s = self.style
        lines = ["op.create_table(%r," % t.name]
        if s.get("assign"):
            var = ctx.var(t.name.strip("_") + "_table")
            ctx.assigned[t.name] = var
            lines[0] = "%s = %s" % (var, lines[0])
        inline_fk = s.get("inline_fk", {})
        inline_unique = s.get("inline_unique", set())
        inline_index = s.get("inline_index", set())
        for c in t.columns:
            fk = inline_fk.get(c.name)
            fk_code = None
            if fk is not None:
                kw = ""
                if fk.name:
                    kw += ", name=op.f(%r)" % fk.name
                if fk.ondelete:
                    kw += ", ondelete=%r" % fk.ondelete
                if fk.onupdate:
                    kw += ", onupdate=%r" % fk.onupdate
                fk_code = "sa.ForeignKey(%r%s)" % (render_fk_target(fk), kw)
            pk_inline = s.get("pk_inline") and c.name in t.pk
            lines.append("    %s," % c.render(
                fk=fk_code, unique=c.name in inline_unique, index=c.name in inline_index,
                pk_inline=pk_inline, autoincrement=s.get("autoincrement", {}).get(c.name),
                check=s.get("inline_check", {}).get(c.name)))
        if not s.get("pk_inline") and t.pk:
            name = ", name=op.f(%r)" % t.pk_name if t.pk_name else ""
            lines.append("    sa.PrimaryKeyConstraint(%s%s)," % (", ".join(repr(c) for c in t.pk), name))
        for con in t.constraints:
            if con.kind == "fk" and inline_fk.get(con.cols[0]) is con:
                continue
            if con.kind == "unique" and con.name is None and con.cols[0] in inline_unique and len(con.cols) == 1:
                continue
            if con.kind == "check" and s.get("inline_check", {}).get(con.cols[0]) is con:
                continue
            name = ", name=op.f(%r)" % con.name if con.name else ""
            if con.kind == "unique":
                lines.append("    sa.UniqueConstraint(%s%s)," % (", ".join(repr(c) for c in con.cols), name))
            elif con.kind == "check":
                lines.append("    sa.CheckConstraint(%r%s)," % (con.sqltext(), name))
            elif con.kind == "fk":
                kw = name
                if con.ondelete:
                    kw += ", ondelete=%r" % con.ondelete
                if con.onupdate:
                    kw += ", onupdate=%r" % con.onupdate
                lines.append("    sa.ForeignKeyConstraint([%s], [%s]%s)," % (
                    ", ".join(repr(c) for c in con.cols),
                    ", ".join(repr("%s.%s" % (con.ref_table, r)) for r in con.ref_cols), kw))
        for name in sorted(s.get("index_items", ())):
            ix = t.indexes[name]
            lines.append("    sa.Index(%r, %s%s)," % (name, ", ".join(repr(c) for c in ix.cols),
                                                    ", unique=True" if ix.unique else ""))
        if t.autoincrement:
            lines.append("    sqlite_autoincrement=True,")
        lines.append(")")
        for name, ix in t.indexes.items():
            if name in s.get("inline_index_names", set()) or name in s.get("index_items", ()):
                continue
            lines += CreateIndex(t.name, name, ix.cols, ix.unique, kind=ix.kind, where=ix.where).render(ctx)
        return lines


class DropTable(Op):
    def __init__(self, name, indexes):
        self.name = name
        self.indexes = indexes  # dropped first, as autogenerate writes it

    def apply(self, schema):
        t = schema.table(self.name)
        if schema.inbound_fks(self.name):
            raise Invalid("table is referenced")
        del schema.tables[t.name]

    def render(self, ctx):
        lines = ["op.drop_index(op.f(%r), table_name=%r)" % (ix, self.name) for ix in self.indexes]
        return lines + ["op.drop_table(%r)" % self.name]


class AddColumn(Op):
    """op.add_column outside batch mode: SQLite's ALTER TABLE ADD COLUMN."""

    def __init__(self, table, column, index=False, check=None):
        self.table = table
        self.column = copy.deepcopy(column)
        self.index = index
        self.check = check  # a column-level CHECK Constraint

    def apply(self, schema):
        t = schema.table(self.table)
        c = self.column
        if t.col(c.name):
            raise Invalid("column exists")
        if c.default is not None and not c.default.constant and t.rows:
            raise Invalid("non-constant default on a table with rows")
        if not c.nullable and c.default is None and t.rows:
            raise Invalid("NOT NULL without default on a table with rows")
        if any(x.inline and x.name for x in t.constraints) or (self.check is not None and self.check.name):
            raise Invalid("ALTER ADD COLUMN next to a named column-level CHECK")
        t.columns.append(copy.deepcopy(c))
        for r in t.rows:
            r[c.name] = c.default.value() if c.default else None
        if self.check is not None:
            check = copy.deepcopy(self.check)
            check.inline = True
            t.constraints.append(check)
        if self.index:
            name = "ix_%s_%s" % (self.table, c.name)
            if name.lower() in schema.index_names():
                raise Invalid("index name taken")
            t.indexes[name] = Index(name, [c.name])

    def render(self, ctx):
        return ["op.add_column(%r, %s)" % (self.table, self.column.render(index=self.index, check=self.check))]


class DropColumn(Op):
    """op.drop_column outside batch mode: SQLite's ALTER TABLE DROP COLUMN."""

    def __init__(self, table, name):
        self.table = table
        self.name = name

    def apply(self, schema):
        t = schema.table(self.table)
        if t.col(self.name) is None:
            raise Invalid("no column")
        if self.name in t.referenced_cols() or len(t.columns) == 1:
            raise Invalid("SQLite cannot drop an indexed or constrained column")
        for other, con in schema.inbound_fks(self.table):
            if self.name in con.ref_cols:
                raise Invalid("column is referenced")
        t.columns = [c for c in t.columns if c.name != self.name]
        for r in t.rows:
            r.pop(self.name, None)

    def render(self, ctx):
        return ["op.drop_column(%r, %r)" % (self.table, self.name)]


class RenameColumn(Op):
    """op.alter_column(new_column_name=...) outside batch: ALTER TABLE RENAME COLUMN."""

    def __init__(self, table, old, new, existing_code):
        self.table = table
        self.old = old
        self.new = new
        self.existing_code = existing_code

    def apply(self, schema):
        t = schema.table(self.table)
        c = t.col(self.old)
        if c is None or t.col(self.new):
            raise Invalid("bad rename")
        c.name = self.new
        t.pk = [self.new if n == self.old else n for n in t.pk]
        for con in t.constraints:
            con.cols = [self.new if n == self.old else n for n in con.cols]
        for ix in t.indexes.values():
            ix.cols = [self.new if n == self.old else n for n in ix.cols]
        for other in schema.tables.values():
            for con in other.constraints:
                if con.kind == "fk" and con.ref_table == self.table:
                    con.ref_cols = [self.new if n == self.old else n for n in con.ref_cols]
        for r in t.rows:
            r[self.new] = r.pop(self.old)

    def render(self, ctx):
        return ["op.alter_column(%r, %r, new_column_name=%r, existing_type=%s)" % (
            self.table, self.old, self.new, self.existing_code)]


class CreateIndex(Op):
    def __init__(self, table, name, cols, unique, batch=False, kind="plain", where=None):
        self.table = table
        self.name = name
        self.cols = list(cols)
        self.unique = unique
        self.batch = batch
        self.kind = kind
        self.where = where

    def apply(self, schema):
        t = schema.table(self.table)
        if self.name.lower() in schema.index_names():
            raise Invalid("index name taken")
        if any(t.col(c) is None for c in self.cols):
            raise Invalid("no column")
        if self.unique and not distinct(t.rows, self.cols):
            raise Invalid("not distinct")
        t.indexes[self.name] = Index(self.name, self.cols, self.unique, self.kind, self.where)

    def render(self, ctx):
        cols = ", ".join(repr(c) for c in self.cols)
        if self.kind == "expr":
            return ["op.create_index(%r, %r, [sa.text(%r)], unique=False)" % (
                self.name, self.table, "lower(%s)" % sql_quote(self.cols[0]))]
        if self.kind == "partial":
            where = self.where.format(sql_quote(self.cols[0]))
            if self.batch:
                return ["batch_op.create_index(batch_op.f(%r), [%s], unique=%s, sqlite_where=sa.text(%s))" % (
                    self.name, cols, self.unique, pyrepr(where))]
            return ["op.create_index(op.f(%r), %r, [%s], unique=%s, sqlite_where=sa.text(%s))" % (
                self.name, self.table, cols, self.unique, pyrepr(where))]
        if self.batch:
            return ["batch_op.create_index(batch_op.f(%r), [%s], unique=%s)" % (self.name, cols, self.unique)]
        return ["op.create_index(op.f(%r), %r, [%s], unique=%s)" % (self.name, self.table, cols, self.unique)]


class DropIndex(Op):
    def __init__(self, table, name, batch=False, if_exists=False):
        self.table = table
        self.name = name
        self.batch = batch
        self.if_exists = if_exists

    def apply(self, schema):
        t = schema.table(self.table)
        if self.if_exists:
            t.indexes.pop(self.name, None)
            return
        if self.name not in t.indexes:
            raise Invalid("no index")
        del t.indexes[self.name]

    def render(self, ctx):
        if self.if_exists:
            # A batch rebuild drops expression indexes (SQLAlchemy does not reflect them).
            return ["op.execute(%r)" % ("DROP INDEX IF EXISTS %s" % sql_quote(self.name))]
        if self.batch:
            return ["batch_op.drop_index(batch_op.f(%r))" % self.name]
        return ["op.drop_index(op.f(%r), table_name=%r)" % (self.name, self.table)]


class RenameTable(Op):
    def __init__(self, old, new):
        self.old = old
        self.new = new

    def apply(self, schema):
        t = schema.table(self.old)
        if self.new in schema.tables:
            raise Invalid("table exists")
        del schema.tables[self.old]
        t.name = self.new
        schema.tables[self.new] = t
        for other in schema.tables.values():
            for con in other.constraints:
                if con.kind == "fk" and con.ref_table == self.old:
                    con.ref_table = self.new

    def render(self, ctx):
        return ["op.rename_table(%r, %r)" % (self.old, self.new)]


class InsertRows(Op):
    """Rows given as {column: (value V, sql literal, python literal or None)}."""

    def __init__(self, table, rows, style):
        self.table = table
        self.rows = rows
        self.style = style  # bulk | execute | text | text_multi

    def apply(self, schema):
        t = schema.table(self.table)
        new_rows = []
        for row in self.rows:
            r = {}
            for c in t.columns:
                if c.name in row and row[c.name][0] is None and c.kind == "json" and \
                        self.style in ("bulk", "created", "core"):
                    r[c.name] = V.of("json", "'null'")  # sa.JSON binds None as JSON null
                elif c.name in row:
                    r[c.name] = row[c.name][0]
                elif c.default is not None:
                    r[c.name] = c.default.value()
                else:
                    r[c.name] = None
            if set(row) - set(t.names()):
                raise Invalid("unknown column in insert")
            new_rows.append(r)
        t.rows.extend(new_rows)
        try:
            validate_table(t)
        except Invalid:
            del t.rows[-len(new_rows):]
            raise
        # Checks on values that are not fresh make the insert fail in SQLite.
        for con in t.constraints:
            if con.kind == "check":
                for r in new_rows:
                    v = r.get(con.cols[0])
                    if v is not None and (v is UNKNOWN or not v.check_ok):
                        raise Invalid("check")

    def render(self, ctx):
        cols = []
        for row in self.rows:
            for c in row:
                if c not in cols:
                    cols.append(c)
        if self.style == "created":
            # Into the Table op.create_table returned: its columns' own types bind.
            lines = ["op.bulk_insert(%s, [" % ctx.assigned[self.table]]
            for row in self.rows:
                lines.append("    {%s}," % ", ".join("%r: %s" % (c, row[c][2]) for c in cols if c in row))
            lines.append("])")
            return lines
        if self.style == "core":
            var = ctx.var(self.table.strip("_").lower() + "_t")
            lines = sa_table_lines(var, self.table, cols, ctx.kinds[self.table])
            for row in self.rows:
                lines.append("op.execute(%s.insert().values(%s))" % (
                    var, ", ".join("%s=%s" % (c, row[c][2]) for c in cols if c in row)))
            return lines
        if self.style == "bulk":
            var = ctx.var(self.table.strip("_") + "_table")
            kinds = ctx.kinds[self.table]
            lines = ["%s = sa.table(%r," % (var, self.table)]
            for c in cols:
                typ = BULK_TYPES.get(kinds[c], "")
                lines.append("    sa.column(%r%s)," % (c, ", " + typ if typ else ""))
            lines.append(")")
            lines.append("op.bulk_insert(%s, [" % var)
            for row in self.rows:
                items = ", ".join("%r: %s" % (c, row[c][2]) for c in cols if c in row)
                lines.append("    {%s}," % items)
            lines.append("])")
            return lines
        names = ", ".join(sql_quote(c) for c in cols)
        tuples = []
        for row in self.rows:
            tuples.append("(%s)" % ", ".join(row[c][1] if c in row else "NULL" for c in cols))
        if self.style == "execute":
            return ["op.execute(%s)" % pyrepr("INSERT INTO %s (%s) VALUES %s" % (
                sql_quote(self.table), names, ", ".join(tuples)))]
        if self.style == "text_multi":
            var = ctx.var("rows")
            lines = ["%s = [" % var]
            for t in tuples:
                lines.append("    %s," % pyrepr(t))
            lines.append("]")
            loopvar = ctx.var("row")
            lines.append("for %s in %s:" % (loopvar, var))
            lines.append("    op.execute(sa.text(%s %% %s))" % (
                pyrepr("INSERT INTO %s (%s) VALUES %%s" % (sql_quote(self.table), names)), loopvar))
            return lines
        return ["op.execute(sa.text(%s))" % pyrepr("INSERT INTO %s (%s) VALUES %s" % (
            sql_quote(self.table), names, ", ".join(tuples)))]


def py_from_sql(kind, sql, typed):
    """The Python literal a data migration would bind for a stored SQL literal, or None
    when there is none (blobs): typed for the sa.column type BULK_TYPES gives the kind."""
    if sql == "NULL":
        return "None"
    if sql.startswith("X'"):
        return repr(bytes.fromhex(sql[2:-1])) if typed else None
    if sql.startswith("'"):
        text = sql[1:-1].replace("''", "'")
        if kind == "json" and typed:
            return repr(json.loads(text))
        if typed and kind in ("date", "datetime", "time", "interval"):
            return temporal_code(kind, text)
        return repr(text)
    if kind == "bool" and typed:
        return "True" if sql == "1" else "False"
    return sql


def temporal_code(kind, text):
    """The datetime object a typed column binds to `text` (its bind processor's output)."""
    import datetime
    if kind == "date":
        d = datetime.date.fromisoformat(text[:10])
        return "datetime.date(%d, %d, %d)" % (d.year, d.month, d.day)
    if kind == "time":
        t = datetime.time.fromisoformat(text)
        return "datetime.time(%d, %d, %d%s)" % (t.hour, t.minute, t.second,
                                               ", %d" % t.microsecond if t.microsecond else "")
    at = datetime.datetime.fromisoformat(text)
    if kind == "interval":
        delta = at - datetime.datetime(1970, 1, 1)
        return "datetime.timedelta(days=%d, seconds=%d)" % (delta.days, delta.seconds) if delta.days \
            else "datetime.timedelta(seconds=%d)" % delta.seconds
    return "datetime.datetime(%d, %d, %d, %d, %d%s)" % (
        at.year, at.month, at.day, at.hour, at.minute, ", %d" % at.second if at.second else "")


def sa_table_lines(var, table, cols, kinds):
    lines = ["%s = sa.table(%r," % (var, table)]
    for c in cols:
        typ = BULK_TYPES.get(kinds[c], "")
        lines.append("    sa.column(%r%s)," % (c, ", " + typ if typ else ""))
    lines.append(")")
    return lines


def column_ref(var, name):
    if name in ("key", "keys", "values", "items") or not name.isidentifier():
        return "%s.c[%r]" % (var, name)
    return "%s.c.%s" % (var, name)


def pyrepr(s):
    """A Python string literal, double-quoted when it holds single quotes (as people write)."""
    if "'" in s and '"' not in s and "\\" not in s and "\n" not in s:
        return '"%s"' % s
    return repr(s)


def where_keys(t, keys):
    if len(t.pk) == 1:
        return "%s IN (%s)" % (sql_quote(t.pk[0]), ", ".join(str(k[0]) for k in keys))
    return " OR ".join("(%s)" % " AND ".join("%s = %s" % (sql_quote(c), k[i]) for i, c in enumerate(t.pk))
                       for k in keys)


class DeleteRows(Op):
    """Deletes rows by primary key (ints)."""

    def __init__(self, table, keys, pk):
        self.table = table
        self.keys = keys  # list of tuples of ints
        self.pk = pk

    def apply(self, schema):
        t = schema.table(self.table)
        drop = set(self.keys)
        t.rows = [r for r in t.rows if tuple(r[c].key() for c in t.pk) not in drop]

    def render(self, ctx):
        t = Table(self.table)
        t.pk = self.pk
        if len(self.pk) == 1 and len(self.keys) % 2 == 0:
            var = ctx.var(self.table.strip("_").lower() + "_t")
            lines = sa_table_lines(var, self.table, self.pk, ctx.kinds[self.table])
            lines.append("op.execute(%s.delete().where(%s.in_([%s])))" % (
                var, column_ref(var, self.pk[0]), ", ".join(str(k[0]) for k in self.keys)))
            return lines
        return ["op.execute(%s)" % pyrepr("DELETE FROM %s WHERE %s" % (sql_quote(self.table), where_keys(t, self.keys)))]


class UpdateRows(Op):
    """Sets column to values for rows by key: [(key tuple, V or None, sql literal)]."""

    def __init__(self, table, column, changes, pk, style):
        self.table = table
        self.column = column
        self.changes = changes
        self.pk = pk
        self.style = style

    def apply(self, schema):
        t = schema.table(self.table)
        if t.col(self.column) is None:
            raise Invalid("no column")
        by_key = {k: (v, lit) for k, v, lit in self.changes}
        if self.style == "core" and t.col(self.column).kind == "json":
            # sa.JSON binds None as the JSON null.
            by_key = {k: (V.of("json", "'null'") if v is None else v, lit) for k, (v, lit) in by_key.items()}
        for r in t.rows:
            k = tuple(r[c].key() for c in t.pk)
            if k in by_key:
                r[self.column] = by_key[k][0]
        validate_table(t)
        for con in t.constraints:
            if con.kind == "check" and con.cols[0] == self.column:
                for k, v, lit in self.changes:
                    if v is not None and (v is UNKNOWN or not v.check_ok):
                        raise Invalid("check")

    def render(self, ctx):
        t = Table(self.table)
        t.pk = self.pk
        groups = {}
        for k, v, lit in self.changes:
            groups.setdefault(lit, []).append(k)
        kind = ctx.kinds[self.table][self.column]
        if self.style == "bind":
            out = []
            for k, v, lit in self.changes:
                out.append("op.execute(sa.text(%s).bindparams(value=%s, key=%d))" % (
                    pyrepr("UPDATE %s SET %s = :value WHERE %s = :key" % (
                        sql_quote(self.table), sql_quote(self.column), sql_quote(self.pk[0]))),
                    py_from_sql(kind, lit, False), k[0]))
            return out
        if self.style == "core":
            var = ctx.var(self.table.strip("_").lower() + "_t")
            cols = [self.pk[0], self.column]
            lines = sa_table_lines(var, self.table, cols, ctx.kinds[self.table])
            for k, v, lit in self.changes:
                lines.append("op.execute(%s.update().where(%s == %d).values(%s=%s))" % (
                    var, column_ref(var, self.pk[0]), k[0], self.column, py_from_sql(kind, lit, True)))
            return lines
        stmts = ["UPDATE %s SET %s = %s WHERE %s" % (sql_quote(self.table), sql_quote(self.column), lit,
                                                     where_keys(t, keys))
                 for lit, keys in groups.items()]
        if self.style == "text":
            return ["op.execute(sa.text(%s))" % pyrepr(s) for s in stmts]
        return ["op.execute(%s)" % pyrepr(s) for s in stmts]


# ------------------------------------------------------------- batch mode

class BatchOp:
    pass


class BAdd(BatchOp):
    def __init__(self, column, fk=None, index=False, after=None, check=None):
        self.column = copy.deepcopy(column)
        self.fk = fk  # a named fk Constraint
        self.index = index
        self.after = after
        self.check = check  # a column-level CHECK Constraint

    def render(self):
        fk = None
        if self.fk:
            kw = ", name=%r" % self.fk.name
            if self.fk.ondelete:
                kw += ", ondelete=%r" % self.fk.ondelete
            fk = "sa.ForeignKey(%r%s)" % (render_fk_target(self.fk), kw)
        extra = ""
        if self.after:
            extra = ", insert_%s=%r" % self.after
        return "batch_op.add_column(%s%s)" % (
            self.column.render(fk=fk, index=self.index, check=self.check), extra)


class BDrop(BatchOp):
    def __init__(self, name, existing_code=None):
        self.name = name
        self.existing_code = existing_code

    def render(self):
        return "batch_op.drop_column(%r)" % self.name


class BAlter(BatchOp):
    def __init__(self, name, existing, new_name=None, type_=None, nullable=None,
                 default="keep", reflected=False):
        self.name = name
        self.existing = copy.deepcopy(existing)  # Column before the change
        # existing_type= as autogenerate writes it (the reflected type), or as declared.
        # sa.Interval() there makes Alembic 1.8 fail on a rename (see act_doomed).
        self.existing_code = reflected_code(existing) if reflected or existing.kind == "interval" \
            else existing.code
        self.new_name = new_name
        self.type_ = type_  # (kind, code, info)
        self.nullable = nullable
        self.default = default  # "keep", None (drop) or a Default

    def enum_name(self):
        """The name of an Enum written as existing_type, which Alembic's batch pops
        from the named constraints on a rename."""
        import re
        m = re.match(r"sa\.Enum\(.*name='([^']*)'\)$", self.existing_code)
        return m.group(1) if m else None

    def render(self):
        e = self.existing
        args = [repr(self.name)]
        args.append("existing_type=%s" % self.existing_code)
        if self.type_:
            args.append("type_=%s" % self.type_[1])
        if self.nullable is not None:
            args.append("nullable=%s" % self.nullable)
        else:
            args.append("existing_nullable=%s" % e.nullable)
        if self.default != "keep":
            args.append("server_default=%s" % (self.default.code if self.default else "None"))
            if e.default is not None:
                args.append("existing_server_default=%s" % e.default.code)
        elif e.default is not None:
            args.append("existing_server_default=%s" % e.default.code)
        if self.new_name:
            args.append("new_column_name=%r" % self.new_name)
        return "batch_op.alter_column(%s)" % ", ".join(args)


class BCreateIndex(BatchOp):
    def __init__(self, name, cols, unique, where=None):
        self.name = name
        self.cols = cols
        self.unique = unique
        self.where = where  # template of a partial index's predicate

    def render(self):
        return CreateIndex(None, self.name, self.cols, self.unique, batch=True,
                           kind="partial" if self.where else "plain", where=self.where).render(None)[0]


class BDropIndex(BatchOp):
    def __init__(self, name):
        self.name = name

    def render(self):
        return "batch_op.drop_index(batch_op.f(%r))" % self.name


class BAddConstraint(BatchOp):
    def __init__(self, con):
        self.con = copy.deepcopy(con)

    def render(self):
        c = self.con
        if c.kind == "unique":
            return "batch_op.create_unique_constraint(batch_op.f(%r), [%s])" % (
                c.name, ", ".join(repr(x) for x in c.cols))
        if c.kind == "check":
            return "batch_op.create_check_constraint(%r, %s)" % (c.name, pyrepr(c.sqltext()))
        kw = ""
        if c.ondelete:
            kw += ", ondelete=%r" % c.ondelete
        if c.onupdate:
            kw += ", onupdate=%r" % c.onupdate
        return "batch_op.create_foreign_key(batch_op.f(%r), %r, [%s], [%s]%s)" % (
            c.name, c.ref_table, ", ".join(repr(x) for x in c.cols),
            ", ".join(repr(x) for x in c.ref_cols), kw)


class BDropConstraint(BatchOp):
    def __init__(self, name, kind):
        self.name = name
        self.kind = kind

    def render(self):
        type_ = {"unique": "unique", "check": "check", "fk": "foreignkey"}[self.kind]
        return "batch_op.drop_constraint(batch_op.f(%r), type_=%r)" % (self.name, type_)


class Batch(Op):
    """with op.batch_alter_table(table) as batch_op: ... as Alembic 1.8 applies it."""

    def __init__(self, table, ops, recreate="auto"):
        self.table = table
        self.ops = ops
        self.recreate = recreate

    def recreates(self):
        if self.recreate == "always":
            return True
        for op in self.ops:
            if isinstance(op, BAdd):
                if op.fk is not None or (op.column.default is not None and op.column.default.expression):
                    return True
            elif not isinstance(op, (BCreateIndex, BDropIndex)):
                return True
        return False

    def apply(self, schema):
        t = schema.table(self.table)
        if not self.recreates():
            for op in self.ops:
                if isinstance(op, BAdd):
                    AddColumn(self.table, op.column, index=op.index, check=op.check).apply(schema)
                elif isinstance(op, BCreateIndex):
                    CreateIndex(self.table, op.name, op.cols, op.unique,
                                kind="partial" if op.where else "plain", where=op.where).apply(schema)
                elif isinstance(op, BDropIndex):
                    DropIndex(self.table, op.name).apply(schema)
            return
        # Reflection keeps everything but unnamed CHECK constraints.
        new = copy.deepcopy(t)
        new.autoincrement = False
        new.constraints = [c for c in new.constraints if c.name or c.kind != "check"]
        for c in new.constraints:
            c.inline = False  # reflected: written as table constraints
        new.indexes = {n: ix for n, ix in new.indexes.items() if ix.kind != "expr"}
        key = {c.name: c.name for c in new.columns}  # key (old name) -> current name
        renamed = set()
        added = set()
        altered = set()
        new_indexes = {}
        temp_indexes = {}
        for op in self.ops:
            if isinstance(op, BAdd):
                c = op.column
                if new.col(c.name) or c.name in key:
                    raise Invalid("column exists")
                if op.after and (op.after[1] not in key or op.after[1] in altered or op.after[1] in added):
                    raise Invalid("placed next to a column the batch changes")
                new.columns.append(copy.deepcopy(c))  # (the model does not track order)
                key[c.name] = c.name
                added.add(c.name)
                for r in new.rows:
                    r[c.name] = c.default.value() if c.default else None
                if op.check is not None:
                    check = copy.deepcopy(op.check)
                    check.inline = True
                    new.constraints.append(check)
                if op.fk:
                    if op.fk.ref_table not in schema.tables and op.fk.ref_table != self.table:
                        raise Invalid("fk to a missing table")
                    new.constraints = [x for x in new.constraints if x.name != op.fk.name]
                    new.constraints.append(copy.deepcopy(op.fk))
                if op.index:
                    new_indexes["ix_%s_%s" % (self.table, c.name)] = Index("ix_%s_%s" % (self.table, c.name), [c.name])
                    tmp = ("ix__alembic_tmp_%s_%s" % (self.table, c.name))
                    temp_indexes[tmp] = Index(tmp, [c.name])
            elif isinstance(op, BDrop):
                if op.name not in key or op.name in altered or op.name in added:
                    raise Invalid("drop of a missing or touched column")
                if op.name in t.pk:
                    raise Invalid("drop of a primary key column")
                current = key.pop(op.name)
                new.columns = [c for c in new.columns if c.name != current]
                for r in new.rows:
                    r.pop(current, None)
                altered.add(op.name)
            elif isinstance(op, BAlter):
                if op.name not in key or op.name in altered:
                    raise Invalid("alter of a missing or touched column")
                altered.add(op.name)
                c = new.col(key[op.name])
                if op.name in t.pk and (op.type_ or op.new_name or op.nullable):
                    raise Invalid("primary key change")
                if op.type_:
                    kind, code, info = op.type_
                    if c.kind != kind or c.code.split("(")[0] != code.split("(")[0]:
                        for r in new.rows:
                            if r.get(c.name) is not None:
                                r[c.name] = UNKNOWN
                    c.kind, c.code, c.info = kind, code, info
                if op.nullable is not None:
                    c.nullable = op.nullable
                if op.default != "keep":
                    c.default = op.default
                if op.new_name:
                    if new.col(op.new_name):
                        raise Invalid("rename onto an existing column")
                    popped = op.enum_name()
                    if popped:
                        new.constraints = [x for x in new.constraints if x.name != popped]
                    for con in new.constraints:
                        if con.kind == "check" and key[op.name] in con.cols:
                            raise Invalid("a reflected CHECK names the old column")
                    for other, con in schema.inbound_fks(self.table):
                        if key[op.name] in con.ref_cols:
                            raise Invalid("referenced column")
                    old = c.name
                    c.name = op.new_name
                    key[op.name] = op.new_name
                    renamed.add(op.name)
                    new.pk = [op.new_name if n == old else n for n in new.pk]
                    for con in new.constraints:
                        con.cols = [op.new_name if n == old else n for n in con.cols]
                    for ix in new.indexes.values():
                        if old in ix.cols and ix.kind == "partial":
                            raise Invalid("a reflected index predicate names the old column")
                        ix.cols = [op.new_name if n == old else n for n in ix.cols]
                    for r in new.rows:
                        if old in r:
                            r[op.new_name] = r.pop(old)
            elif isinstance(op, BCreateIndex):
                if any(c not in key or c in renamed for c in op.cols):
                    raise Invalid("index on a column unknown to the batch (renamed?)")
                new_indexes[op.name] = Index(op.name, [key[c] for c in op.cols], op.unique,
                                             "partial" if op.where else "plain", op.where)
            elif isinstance(op, BDropIndex):
                if op.name not in new.indexes:
                    raise Invalid("no such index")
                del new.indexes[op.name]
            elif isinstance(op, BAddConstraint):
                con = copy.deepcopy(op.con)
                if any(c not in key or c in renamed for c in con.cols):
                    raise Invalid("constraint on a column unknown to the batch")
                if con.kind == "fk" and con.ref_table not in schema.tables and con.ref_table != self.table:
                    raise Invalid("fk to a missing table")
                con.cols = [key[c] for c in con.cols]
                new.constraints = [x for x in new.constraints if x.name != con.name]
                new.constraints.append(con)
            elif isinstance(op, BDropConstraint):
                found = [x for x in new.constraints if x.name == op.name]
                if not found:
                    raise Invalid("no such constraint")
                new.constraints = [x for x in new.constraints if x.name != op.name]
        # Constraints over a dropped column are left out; indexes over one make
        # Alembic fail (it recreates them after the copy).
        present = set(new.names())
        for c in new.constraints:
            if c.kind == "check" and not set(c.cols) <= present:
                # Alembic does not know which columns a CHECK names: it keeps it, and
                # SQLite refuses the new table ("no such column").
                raise Invalid("a CHECK on a dropped column")
        new.constraints = [c for c in new.constraints if set(c.cols) <= present]
        for ix in new.indexes.values():
            if not set(ix.cols) <= present:
                raise Invalid("index over a dropped column")
        taken = schema.index_names() - {n.lower() for n in t.indexes}
        kept = {n.lower() for n in new.indexes}
        names = [n.lower() for n in list(new_indexes) + list(temp_indexes)]
        if len(set(names)) != len(names):
            raise Invalid("index name used twice")
        for name in names:
            if name in taken or name in kept:
                raise Invalid("index name taken")
        new.indexes.update(temp_indexes)
        new.indexes.update(new_indexes)
        validate_table(new)
        schema.tables[self.table] = new

    def render(self, ctx):
        extra = ", recreate='always'" if self.recreate == "always" else ""
        lines = ["with op.batch_alter_table(%r, schema=None%s) as batch_op:" % (self.table, extra)]
        for op in self.ops:
            lines.append("    " + op.render())
        return lines


class Doomed(Op):
    """A first statement that Alembic cannot run on SQLite (before changing anything)."""

    def __init__(self, lines):
        self.lines = lines

    def apply(self, schema):
        pass

    def render(self, ctx):
        return list(self.lines)


# ---------------------------------------------------------------- generation

class RenderContext:
    def __init__(self, schema_kinds):
        self.used = set()
        self.kinds = schema_kinds
        self.assigned = {}  # table name -> the variable op.create_table's result went to

    def var(self, base):
        base = base.lower()
        name = base
        n = 2
        while name in self.used:
            name = "%s_%d" % (base, n)
            n += 1
        self.used.add(name)
        return name


class Revision:
    def __init__(self, rev, down, message):
        self.rev = rev
        self.down = down
        self.message = message
        self.up = []    # Op list
        self.down_ops = []
        self.expect_failure = False
        self.up_kinds = {}  # table -> {col: kind} before each insert (for sa.column types)
        self.down_kinds = {}


class Project:
    def __init__(self, seed):
        self.seed = seed
        self.revisions = []


class Generator:
    def __init__(self, seed):
        self.seed = seed
        self.rng = random.Random(seed)
        self.schema = Schema()
        self.counter = 0  # fresh value numbers, unique in the project
        self.ident = 0    # names

    def n(self):
        self.counter += 1
        return self.counter

    # -- pieces --------------------------------------------------------
    def new_table_name(self):
        for _ in range(50):
            name = self.rng.choice(TABLE_NAMES)
            if name not in self.schema.tables:
                return name
        self.ident += 1
        return "table_%d" % self.ident

    def new_column(self, t, kind=None, pk=False):
        rng = self.rng
        kind = kind or rng.choice(KINDS)
        taken = set(t.names()) if t else set()
        name = None
        for _ in range(20):
            cand = rng.choice(COLUMN_NAMES[kind])
            if cand not in taken and cand.lower() not in {x.lower() for x in taken}:
                name = cand
                break
        if name is None:
            self.ident += 1
            name = "%s_%d" % (COLUMN_NAMES[kind][0], self.ident)
        code, info = type_code(rng, kind, t.name if t else "t", name)
        col = Column(name, kind, code, info, nullable=rng.random() < 0.7)
        defaults = defaults_for(kind, info)
        if defaults and rng.random() < 0.35:
            col.default = rng.choice(defaults)
        if not col.nullable and col.default is None and rng.random() < 0.5 and defaults:
            col.default = rng.choice(defaults)
        return col

    def row_values(self, t, cols, n=None):
        """A fresh row over cols of t: {col: (V, sql, py)}."""
        n = n if n is not None else self.n()
        row = {}
        for c in cols:
            col = t.col(c)
            v = fresh_value(col.kind, n, col.info)
            row[c] = (v, fresh_sql(col.kind, n, col.info), fresh_py(col.kind, n, col.info))
        return row

    def make_rows(self, t, count):
        """Rows for t with fresh primary keys, every NOT NULL column without default
        filled, others sometimes; None when the table cannot take rows."""
        rows = []
        cols = []
        for c in t.columns:
            must = c.name in t.pk or (not c.nullable and c.default is None)
            if must or self.rng.random() < 0.7:
                cols.append(c.name)
        for _ in range(count):
            row = self.row_values(t, cols)
            for c in cols:
                col = t.col(c)
                if col.nullable and c not in t.pk and self.rng.random() < 0.15:
                    row[c] = (None, "NULL", "None")
            # Composite keys of association tables: fresh per column, so distinct.
            rows.append(row)
        # A unique column receiving its default in every row would not be distinct.
        return rows

    # -- actions: each returns (up ops, down ops) or raises Invalid ------
    def act_create_table(self):
        rng = self.rng
        t = Table(self.new_table_name())
        style = {"inline_fk": {}, "inline_unique": set(), "inline_index": set(),
                 "inline_index_names": set(), "autoincrement": {}}
        shape = rng.random()
        candidates = [x for x in self.schema.tables.values() if x.pk == ["id"] and x.col("id").kind == "int"]
        if shape < 0.15 and len(candidates) >= 2:
            # An association table: composite primary key of two foreign keys.
            a, b = rng.sample(candidates, 2)
            for ref in (a, b):
                col = Column("%s_id" % ref.name.lower(), "int", "sa.Integer()", nullable=False)
                t.columns.append(col)
                t.pk.append(col.name)
                fk = Constraint("fk", None if rng.random() < 0.5 else "fk_%s_%s" % (t.name.lower(), col.name),
                                [col.name], ref.name, ["id"], ondelete=rng.choice([None, "CASCADE"]))
                t.constraints.append(fk)
                if rng.random() < 0.5:
                    style["inline_fk"][col.name] = fk
        else:
            pk_kind = "int" if rng.random() < 0.85 else "bigint"
            idcol = Column("id", pk_kind, "sa.Integer()" if pk_kind == "int" else "sa.BigInteger()",
                           nullable=False)
            t.columns.append(idcol)
            t.pk = ["id"]
            style["pk_inline"] = rng.random() < 0.3
            if rng.random() < 0.3:
                style["autoincrement"]["id"] = rng.choice(["True", "False"])
            if pk_kind == "int" and rng.random() < 0.08:
                t.autoincrement = True
                style["pk_inline"] = True
            if rng.random() < 0.3 and not style["pk_inline"]:
                t.pk_name = "pk_%s" % t.name.lower()
        for _ in range(rng.randint(1, 6)):
            t.columns.append(self.new_column(t))
        # Foreign keys to existing tables (or to itself).
        if candidates and rng.random() < 0.5:
            ref = rng.choice(candidates)
            col = Column("%s_id" % ref.name.lower().rstrip("s"), "int", "sa.Integer()",
                         nullable=rng.random() < 0.8)
            if not t.col(col.name):
                t.columns.append(col)
                name = "fk_%s_%s_%s" % (t.name.lower(), col.name, ref.name.lower()) if rng.random() < 0.6 else None
                fk = Constraint("fk", name, [col.name], ref.name, ["id"],
                                ondelete=rng.choice([None, None, "CASCADE", "SET NULL"]),
                                onupdate=rng.choice([None, None, "CASCADE"]))
                t.constraints.append(fk)
                if rng.random() < 0.5:
                    style["inline_fk"][col.name] = fk
        if t.pk == ["id"] and t.col("id").kind == "int" and rng.random() < 0.1:
            col = Column("parent_id", "int", "sa.Integer()")
            t.columns.append(col)
            t.constraints.append(Constraint("fk", "fk_%s_parent" % t.name.lower(), ["parent_id"], t.name, ["id"],
                                            ondelete="CASCADE"))
        plain = [c for c in t.columns if c.name not in t.pk and not c.name.endswith("_id")]
        for c in plain:
            r = rng.random()
            if r < 0.12 and c.kind in DISTINCT_KINDS and c.default is None:
                con = Constraint("unique", None, [c.name])
                t.constraints.append(con)
                style["inline_unique"].add(c.name)
            elif r < 0.22:
                name = "ix_%s_%s" % (t.name.lower(), c.name.lower())
                unique = c.kind in DISTINCT_KINDS and c.default is None and rng.random() < 0.3
                t.indexes[name] = Index(name, [c.name], unique)
                if rng.random() < 0.25:
                    style.setdefault("index_items", set()).add(name)
                elif rng.random() < 0.5 and name == "ix_%s_%s" % (t.name, c.name):
                    style["inline_index"].add(c.name)
                    style["inline_index_names"].add(name)
                    if unique:
                        style["inline_unique"].add(c.name)
        distinct_cols = [c for c in plain if c.kind in DISTINCT_KINDS and c.default is None]
        if len(distinct_cols) >= 2 and rng.random() < 0.3:
            a, b = rng.sample(distinct_cols, 2)
            t.constraints.append(Constraint("unique", "uq_%s_%s_%s" % (t.name.lower(), a.name.lower(), b.name.lower())
                                            if rng.random() < 0.7 else None, [a.name, b.name]))
        for c in plain:
            if c.kind == "enum" and rng.random() < 0.3:
                # The CHECK SQLAlchemy's create_constraint=True would make, named after
                # the Enum: Alembic's batch discards it when the column is renamed with
                # that Enum as existing_type.
                ename = "ck_%s_%s" % (t.name.lower(), c.name.lower())
                c.code = "sa.Enum(%s, name=%r)" % (", ".join(repr(v) for v in c.info), ename)
                t.constraints.append(Constraint("check", ename, [c.name], template="{0} IN (%s)" % (
                    ", ".join("'%s'" % v for v in c.info))))
            elif c.kind in CHECKS and rng.random() < 0.15:
                con = Constraint("check", "ck_%s_%s" % (t.name.lower(), c.name.lower())
                                 if rng.random() < 0.6 else None, [c.name], template=CHECKS[c.kind])
                t.constraints.append(con)
                if rng.random() < 0.4:
                    style.setdefault("inline_check", {})[c.name] = con
                    con.inline = True
        up = [CreateTable(t, style)]
        down = [DropTable(t.name, list(t.indexes))]
        if rng.random() < 0.6:
            rows = self.make_rows(t, rng.randint(1, 5))
            safe = {"int", "bigint", "smallint", "str", "text", "unicode", "bool", "float", "numeric",
                    "json", "enum", "uuid", "date", "datetime", "time", "interval", "blob"}
            if rng.random() < 0.35 and all(t.col(c).kind in safe for c in rows[0]):
                style["assign"] = True
                up[0] = CreateTable(t, style)
                up.append(InsertRows(t.name, rows, "created"))
            else:
                up.append(InsertRows(t.name, rows, self.insert_style(t, rows)))
        return up, down

    def insert_style(self, t, rows):
        bulk_ok = all(row[c][2] is not None for row in rows for c in row)
        styles = ["execute", "text", "text_multi"]
        if bulk_ok:
            styles += ["bulk", "bulk", "bulk"]
            if all(c.isidentifier() for c in rows[0]):
                styles.append("core")
        return self.rng.choice(styles)

    def pick_table(self, pred=None):
        tables = [t for t in self.schema.tables.values() if pred is None or pred(t)]
        if not tables:
            raise Invalid("no table")
        return self.rng.choice(tables)

    def act_insert(self):
        t = self.pick_table(lambda t: t.pk and all(t.col(c).kind in ("int", "bigint") for c in t.pk))
        rows = self.make_rows(t, self.rng.randint(1, 4))
        keys = [tuple(r[c][0].key() for c in t.pk) for r in rows]
        return [InsertRows(t.name, rows, self.insert_style(t, rows))], [DeleteRows(t.name, keys, list(t.pk))]

    def act_update(self):
        t = self.pick_table(lambda t: t.rows and t.pk and all(t.col(c).kind in ("int", "bigint") for c in t.pk))
        cols = [c for c in t.columns if c.name not in t.pk and c.kind not in ("blob",)]
        if not cols:
            raise Invalid("nothing to update")
        c = self.rng.choice(cols)
        rows = self.rng.sample(t.rows, min(len(t.rows), self.rng.randint(1, 3)))
        up_changes, down_changes = [], []
        backfill = self.rng.random() < 0.5
        shared_n = self.n()
        for r in rows:
            key = tuple(r[k].key() for k in t.pk)
            old = r.get(c.name)
            if old is UNKNOWN:
                raise Invalid("cannot restore an unknown value")
            n = shared_n if backfill and c.kind not in DISTINCT_KINDS else self.n()
            v = self.row_values(t, [c.name], n)[c.name]
            up_changes.append((key, v[0], v[1]))
            if old is None:
                down_changes.append((key, None, "NULL"))
            else:
                down_changes.append((key, old, self.literal_of(c, old)))
        styles = ["execute", "text"]
        if len(t.pk) == 1 and c.kind != "blob" and c.name.isidentifier():
            styles += ["bind", "core"]
        style = self.rng.choice(styles)
        return ([UpdateRows(t.name, c.name, up_changes, list(t.pk), style)],
                [UpdateRows(t.name, c.name, down_changes, list(t.pk), style)])

    def literal_of(self, col, v):
        if v.sql is None:
            raise Invalid("an unpredictable value cannot be restored")
        return v.sql

    def act_add_column(self):
        t = self.pick_table()
        c = self.new_column(t)
        if c.default is not None and not c.default.constant and t.rows:
            c.default = None
        if not c.nullable and c.default is None and t.rows:
            c.nullable = True
        index = self.rng.random() < 0.2
        check = None
        if c.kind in CHECKS and self.rng.random() < 0.2:
            check = Constraint("check", None if self.rng.random() < 0.5 else "ck_%s_%s" % (
                t.name.lower(), c.name.lower()), [c.name], template=CHECKS[c.kind])
        up = [AddColumn(t.name, c, index=index, check=check)]
        down = []
        if index:
            down.append(DropIndex(t.name, "ix_%s_%s" % (t.name, c.name)))
        if check is not None and check.name:
            # A reflected CHECK stays in the rebuilt table whatever it names: drop it first.
            down.append(Batch(t.name, [BDropConstraint(check.name, "check"), BDrop(c.name)]))
        elif index or check is not None or self.rng.random() < 0.5:
            down.append(Batch(t.name, [BDrop(c.name)]))
        else:
            down.append(DropColumn(t.name, c.name))
        return up, down

    def restore_column_ops(self, t, c):
        """Re-adding a dropped column in a downgrade: its rows come back as the default
        or NULL, so a NOT NULL column without default comes back nullable."""
        back = copy.deepcopy(c)
        if not back.nullable and back.default is None:
            back.nullable = True
        return back

    def act_drop_column(self):
        t = self.pick_table(lambda t: len(t.columns) > 2)
        refs = t.referenced_cols()
        cols = [c for c in t.columns if c.name not in refs]
        if not cols:
            raise Invalid("nothing to drop")
        c = self.rng.choice(cols)
        back = self.restore_column_ops(t, c)
        if back.default is not None and not back.default.constant:
            back.default = None
        if self.rng.random() < 0.5:
            return [DropColumn(t.name, c.name)], [AddColumn(t.name, back)]
        return [Batch(t.name, [BDrop(c.name)])], [Batch(t.name, [BAdd(back)])]

    def act_rename_column(self):
        t = self.pick_table()
        cols = [c for c in t.columns if c.name not in t.pk]
        if not cols:
            raise Invalid("nothing")
        c = self.rng.choice(cols)
        new = "%s_%s" % (c.name.lower(), self.rng.choice(["new", "v2", "old", "renamed"]))
        if t.col(new):
            raise Invalid("taken")
        return [RenameColumn(t.name, c.name, new, c.code)], [RenameColumn(t.name, new, c.name, c.code)]

    def act_index(self):
        t = self.pick_table()
        if t.indexes and self.rng.random() < 0.4:
            name = self.rng.choice(sorted(t.indexes))
            ix = t.indexes[name]
            return [DropIndex(t.name, name)], [CreateIndex(t.name, name, ix.cols, ix.unique, kind=ix.kind,
                                                           where=ix.where)]
        cols = [c for c in t.columns if c.kind != "blob"]
        texts = [c for c in cols if c.kind in ("str", "text", "unicode")]
        r = self.rng.random()
        if texts and r < 0.15:
            c = self.rng.choice(texts)
            name = "ix_%s_lower_%s" % (t.name.lower(), c.name.lower())
            return ([CreateIndex(t.name, name, [c.name], False, kind="expr")],
                    [DropIndex(t.name, name, if_exists=True)])
        if r < 0.3:
            c = self.rng.choice(cols)
            name = "ix_%s_%s_present" % (t.name.lower(), c.name.lower())
            where = "{0} IS NOT NULL"
            unique = c.kind in DISTINCT_KINDS and distinct(t.rows, [c.name]) and self.rng.random() < 0.3
            return ([CreateIndex(t.name, name, [c.name], unique, kind="partial", where=where)],
                    [DropIndex(t.name, name)])
        picked = self.rng.sample(cols, min(len(cols), self.rng.choice([1, 1, 2])))
        names = [c.name for c in picked]
        name = "ix_%s_%s" % (t.name.lower(), "_".join(n.lower() for n in names))
        unique = self.rng.random() < 0.3 and distinct(t.rows, names) and \
            all(c.kind in DISTINCT_KINDS for c in picked)
        return [CreateIndex(t.name, name, names, unique)], [DropIndex(t.name, name)]

    def act_rename_table(self):
        t = self.pick_table()
        new = self.new_table_name()
        if new in self.schema.tables:
            raise Invalid("taken")
        if self.rng.random() < 0.5:
            new = "%s_%s" % (t.name.lower(), self.rng.choice(["archive", "v2", "old"]))
        return [RenameTable(t.name, new)], [RenameTable(new, t.name)]

    def act_drop_table(self):
        t = self.pick_table(lambda t: not self.schema.inbound_fks(t.name))
        style = {"inline_fk": {}, "inline_unique": set(), "inline_index": set(),
                 "inline_index_names": set()}
        recreated = copy.deepcopy(t)
        recreated.rows = []
        for c in recreated.columns:
            c.pk = False
        return [DropTable(t.name, list(t.indexes))], [CreateTable(recreated, style)]

    def act_batch(self):
        rng = self.rng
        t = self.pick_table()
        up, down = [], []
        touched = set()
        refl = rng.random() < 0.5
        recreate = "always" if rng.random() < 0.08 else "auto"
        for _ in range(rng.randint(1, 4)):
            choice = rng.random()
            free = [c for c in t.columns if c.name not in touched and c.name not in t.pk]
            if choice < 0.22:
                c = self.new_column(t, kind=None)
                if c.name in touched:
                    continue
                if not c.nullable and c.default is None and t.rows:
                    c.nullable = True
                fk = None
                candidates = [x for x in self.schema.tables.values() if x.pk == ["id"] and x.col("id").kind == "int"]
                if candidates and rng.random() < 0.25:
                    ref = rng.choice(candidates)
                    c = Column("%s_ref_id" % ref.name.lower(), "int", "sa.Integer()")
                    if t.col(c.name) or c.name in touched:
                        continue
                    fk = Constraint("fk", "fk_%s_%s" % (t.name.lower(), c.name), [c.name], ref.name, ["id"],
                                    ondelete=rng.choice([None, "SET NULL", "CASCADE"]))
                index = rng.random() < 0.15
                touched.add(c.name)
                place = None
                # insert_before / insert_after need a batch that already rebuilds the
                # table (Alembic refuses them on the ALTER path).
                if rng.random() < 0.25 and Batch(t.name, up, recreate).recreates():
                    anchors = [x.name for x in t.columns if x.name not in touched]
                    if anchors:
                        place = (rng.choice(["before", "after"]), rng.choice(anchors))
                check = None
                if fk is None and c.kind in CHECKS and rng.random() < 0.15:
                    check = Constraint("check", None if rng.random() < 0.5 else "ck_%s_%s" % (
                        t.name.lower(), c.name.lower()), [c.name], template=CHECKS[c.kind])
                up.append(BAdd(c, fk=fk, index=index, after=place, check=check))
                drops = []
                if index:
                    down_names = ["ix_%s_%s" % (t.name, c.name)]
                    drops = [BDropIndex(n) for n in down_names]
                    down.append(("index-temp", t.name, c.name))
                if check is not None and check.name:
                    drops.append(BDropConstraint(check.name, "check"))
                down.append([*drops, BDrop(c.name)] if not fk else
                            [*drops, BDropConstraint(fk.name, "fk"), BDrop(c.name)])
            elif choice < 0.34 and free:
                c = rng.choice(free)
                if c.name in t.referenced_cols():
                    continue
                touched.add(c.name)
                back = self.restore_column_ops(t, c)
                up.append(BDrop(c.name))
                down.append([BAdd(back)])
            elif choice < 0.62 and free:
                c = rng.choice(free)
                touched.add(c.name)
                what = rng.random()
                if what < 0.3 and c.kind in TYPE_CHANGES:
                    kind = rng.choice(TYPE_CHANGES[c.kind])
                    code, info = type_code(rng, kind, t.name, c.name)
                    if code == c.code:
                        continue
                    if kind != c.kind and any(x.kind in ("unique", "check") and c.name in x.cols
                                              for x in t.constraints):
                        continue
                    if kind != c.kind and any(ix.unique and c.name in ix.cols for ix in t.indexes.values()):
                        continue
                    after = copy.deepcopy(c)
                    after.kind, after.code, after.info = kind, code, info
                    up.append(BAlter(c.name, c, type_=(kind, code, info), reflected=refl))
                    down.append([BAlter(c.name, after, type_=(c.kind, c.code, c.info), reflected=refl)])
                elif what < 0.55:
                    if c.nullable and any(r.get(c.name) is None for r in t.rows):
                        continue
                    after = copy.deepcopy(c)
                    after.nullable = not c.nullable
                    up.append(BAlter(c.name, c, nullable=not c.nullable, reflected=refl))
                    down.append([BAlter(c.name, after, nullable=c.nullable, reflected=refl)])
                elif what < 0.75:
                    defaults = defaults_for(c.kind, c.info)
                    new_default = rng.choice(defaults + [None]) if defaults else None
                    if new_default is None and c.default is None:
                        continue
                    after = copy.deepcopy(c)
                    after.default = new_default
                    up.append(BAlter(c.name, c, default=new_default, reflected=refl))
                    down.append([BAlter(c.name, after, default=c.default, reflected=refl)])
                else:
                    new = "%s_%s" % (c.name.lower(), rng.choice(["new", "v2", "renamed"]))
                    if t.col(new) or new in touched:
                        continue
                    touched.add(new)
                    after = copy.deepcopy(c)
                    after.name = new
                    up.append(BAlter(c.name, c, new_name=new, reflected=refl))
                    down.append([BAlter(new, after, new_name=c.name, reflected=refl)])
            elif choice < 0.72:
                if t.indexes and rng.random() < 0.4:
                    name = rng.choice(sorted(t.indexes))
                    ix = t.indexes[name]
                    if any(c in touched for c in ix.cols) or name in touched:
                        continue
                    touched.add(name)
                    up.append(BDropIndex(name))
                    down.append([BCreateIndex(name, ix.cols, ix.unique, where=ix.where)])
                else:
                    cols = [c for c in t.columns if c.name not in touched and c.kind != "blob"]
                    if not cols:
                        continue
                    c = rng.choice(cols)
                    name = "ix_%s_%s" % (t.name.lower(), c.name.lower())
                    if name in touched:
                        continue
                    unique = c.kind in DISTINCT_KINDS and rng.random() < 0.3 and distinct(t.rows, [c.name])
                    touched.add(name)
                    up.append(BCreateIndex(name, [c.name], unique))
                    down.append([BDropIndex(name)])
            elif choice < 0.84:
                named = [x for x in t.constraints if x.name and x.name not in touched
                         and not (set(x.cols) & touched)]
                if named and rng.random() < 0.4:
                    con = rng.choice(named)
                    touched.add(con.name)
                    up.append(BDropConstraint(con.name, con.kind))
                    down.append([BAddConstraint(con)])
                    continue
                cols = [c for c in t.columns if c.name not in touched]
                if not cols:
                    continue
                c = rng.choice(cols)
                kind = rng.choice(["unique", "check", "fk"])
                if kind == "unique" and c.kind in DISTINCT_KINDS and distinct(t.rows, [c.name]):
                    con = Constraint("unique", "uq_%s_%s" % (t.name.lower(), c.name.lower()), [c.name])
                elif kind == "check" and c.kind in CHECKS:
                    con = Constraint("check", "ck_%s_%s" % (t.name.lower(), c.name.lower()), [c.name],
                                     template=CHECKS[c.kind])
                elif kind == "fk" and c.kind == "int":
                    refs = [x for x in self.schema.tables.values() if x.pk == ["id"] and x.col("id").kind == "int"]
                    if not refs:
                        continue
                    ref = rng.choice(refs)
                    con = Constraint("fk", "fk_%s_%s_%s" % (t.name.lower(), c.name.lower(), ref.name.lower()),
                                     [c.name], ref.name, ["id"], ondelete=rng.choice([None, "CASCADE"]))
                else:
                    continue
                if con.name in touched or any(x.name == con.name for x in t.constraints):
                    continue
                touched.add(con.name)
                up.append(BAddConstraint(con))
                down.append([BDropConstraint(con.name, con.kind)])
        if not up:
            raise Invalid("empty batch")
        # Downgrade: the inverses in reverse order, in one batch.
        down_ops = []
        temp_cols = []
        for item in reversed(down):
            if isinstance(item, tuple):
                temp_cols.append(item[2])
                continue
            down_ops.extend(item)
        up_batch = Batch(t.name, up, recreate)
        # An index=True column added by a recreating batch also leaves an index named
        # after the temporary table; the downgrade drops it too.
        if temp_cols and up_batch.recreates():
            extra = [BDropIndex("ix__alembic_tmp_%s_%s" % (t.name, c)) for c in temp_cols]
            down_ops = extra + down_ops
        return [up_batch], [Batch(t.name, down_ops)]

    def act_with_data_then_batch(self):
        """Rows first, then a batch on the same table: the rows must survive."""
        up1, down1 = self.act_insert()
        # Apply the insert on a copy to plan the batch against the new rows.
        saved = copy.deepcopy(self.schema)
        try:
            for op in up1:
                op.apply(self.schema)
            up2, down2 = self.act_batch_on(up1[0].table)
        finally:
            self.schema = saved
        return up1 + up2, down2 + down1

    def act_batch_on(self, table):
        pick = self.pick_table
        self.pick_table = lambda pred=None: self.schema.table(table)
        try:
            return self.act_batch()
        finally:
            self.pick_table = pick

    def act_doomed(self):
        rng = self.rng
        t = self.pick_table(lambda t: len(t.columns) > 1)
        c = rng.choice([x for x in t.columns if x.name not in t.pk] or t.columns)
        choices = [
            ["op.create_unique_constraint('uq_doomed', %r, [%r])" % (t.name, c.name)],
            ["op.create_foreign_key('fk_doomed', %r, %r, [%r], ['id'])" % (t.name, t.name, c.name)],
            ["op.drop_constraint('whatever', %r, type_='unique')" % t.name],
            ["op.alter_column(%r, %r, existing_type=%s, nullable=False)" % (t.name, c.name, c.code)],
            ["op.alter_column(%r, %r, type_=sa.Text())" % (t.name, c.name)],
            ["with op.batch_alter_table(%r, schema=None) as batch_op:" % t.name,
             "    batch_op.create_unique_constraint(None, [%r])" % c.name],
            ["with op.batch_alter_table(%r, schema=None) as batch_op:" % t.name,
             "    batch_op.alter_column(%r, existing_type=sa.Interval(), new_column_name='renamed')" % c.name],
            ["with op.batch_alter_table(%r, schema=None) as batch_op:" % t.name,
             "    batch_op.drop_column(%r, existing_type=sa.PickleType())" % c.name],
            ["with op.batch_alter_table(%r, schema=None) as batch_op:" % t.name,
             "    batch_op.add_column(sa.Column('extra_x', sa.Integer()), insert_after=%r)" % c.name],
            ["op.bulk_insert(sa.table(%r, sa.column('d', sa.Date())), [{'d': '2020-01-01'}])" % t.name],
        ]
        choices.append(["op.bulk_insert(sa.table(%r, sa.column('id'), sa.column(%r)), "
                        "[{'id': 9999, %r: None}, {'id': 9998}])" % (t.name, c.name, c.name)])
        if t.rows:
            # SQLite refuses a non-constant default only when there are rows to fill.
            choices.append(["op.add_column(%r, sa.Column('stamp', sa.DateTime(), server_default=sa.func.now()))"
                            % t.name])
        return [Doomed(rng.choice(choices))], []

    ACTIONS = [
        ("create_table", 14), ("insert", 8), ("update", 4), ("add_column", 8),
        ("drop_column", 5), ("rename_column", 3), ("index", 6), ("rename_table", 3),
        ("drop_table", 2), ("batch", 20), ("with_data_then_batch", 12),
    ]

    def choose_action(self):
        total = sum(w for _, w in self.ACTIONS)
        r = self.rng.uniform(0, total)
        for name, w in self.ACTIONS:
            r -= w
            if r <= 0:
                return name
        return self.ACTIONS[-1][0]

    def generate(self, count=None):
        rng = self.rng
        project = Project(self.seed)
        count = count or rng.randint(4, 12)
        down = None
        history = []
        for i in range(count):
            rev = "%02d%s" % (i + 1, "%010x" % rng.getrandbits(40))
            r = None
            for attempt in range(30):
                saved = (copy.deepcopy(self.schema), self.counter)
                try:
                    r = self.make_revision(rev, down, first=(i == 0))
                    self.check_walk_down(history + [r])
                    break
                except Invalid:
                    self.schema, self.counter = saved
                    r = None
            if r is None:
                continue
            history.append(r)
            down = rev
        if history and rng.random() < 0.05:
            rev = "%02d%s" % (len(history) + 1, "%010x" % rng.getrandbits(40))
            r = Revision(rev, down, "a change sqlite cannot make")
            try:
                r.up, r.down_ops = self.act_doomed()
                r.up_kinds = self.kinds_snapshot()
                r.expect_failure = True
                history.append(r)
            except Invalid:
                pass
        if history:
            self.check_walk_down([r for r in history if not r.expect_failure])
        if history and self.seed % 3 == 0:
            self.pad_schema(history[0])
        project.revisions = history
        return project

    def pad_schema(self, first):
        # Decided by the seed and added last, so the rest of the project stays as it was.
        names = ["zz_pad_%02d" % i for i in range(PADDING_TABLES)]
        first.up.insert(0, RawStatements(["CREATE TABLE %s (id INTEGER PRIMARY KEY)" % n for n in names]))
        if getattr(first, "up_kinds_list", None):
            first.up_kinds_list.insert(0, {})
        kinds = list(getattr(first, "down_kinds_list", []))
        kinds += [{}] * (len(first.down_ops) - len(kinds))
        first.down_ops.append(RawStatements(["DROP TABLE %s" % n for n in reversed(names)]))
        first.down_kinds_list = kinds + [{}]

    def kinds_snapshot(self):
        return {t.name: {c.name: c.kind for c in t.columns} for t in self.schema.tables.values()}

    def make_revision(self, rev, down, first):
        rng = self.rng
        r = Revision(rev, down, "")
        n_actions = rng.randint(1, 4)
        messages = []
        kinds_by_op = []
        up_all, down_all = [], []
        for k in range(n_actions):
            action = "create_table" if (first and k == 0) or not self.schema.tables else self.choose_action()
            for _ in range(10):
                saved = (copy.deepcopy(self.schema), self.counter)
                try:
                    up, down_ops = getattr(self, "act_" + action)()
                    for op in up:
                        kinds_by_op.append(self.kinds_snapshot())
                        op.apply(self.schema)
                    up_all.extend(up)
                    down_all = down_ops + down_all
                    messages.append(action.replace("_", " "))
                    break
                except Invalid:
                    self.schema, self.counter = saved
                    del kinds_by_op[len(up_all):]
                    action = self.choose_action()
        if not up_all:
            raise Invalid("empty revision")
        r.up = up_all
        r.down_ops = down_all
        r.up_kinds_list = kinds_by_op
        r.message = ", ".join(messages)
        return r

    def check_walk_down(self, history):
        """Applies every downgrade from the head to base on a copy of the model."""
        schema = copy.deepcopy(self.schema)
        for r in reversed(history):
            kinds = []
            for op in r.down_ops:
                kinds.append({t.name: {c.name: c.kind for c in t.columns} for t in schema.tables.values()})
                op.apply(schema)
            r.down_kinds_list = kinds
        if schema.tables:
            raise Invalid("the walk down leaves tables behind: %s" % sorted(schema.tables))


# ---------------------------------------------------------------- writing

HEADER = '''"""{message}

Revision ID: {rev}
Revises: {down_doc}
Create Date: 2026-01-{day:02d} 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


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


def render_body(ops, kinds_list):
    lines = []
    used = set()
    assigned = {}
    for op, kinds in zip(ops, kinds_list):
        ctx = RenderContext(kinds)
        ctx.used = used
        ctx.assigned = assigned
        lines.extend(op.render(ctx))
    return lines


def render_revision(r, index):
    up = ["# ### commands auto generated by Alembic - please adjust! ###"]
    up += render_body(r.up, getattr(r, "up_kinds_list", None) or [r.up_kinds] * len(r.up))
    up.append("# ### end Alembic commands ###")
    down = ["# ### commands auto generated by Alembic - please adjust! ###"]
    body = render_body(r.down_ops, getattr(r, "down_kinds_list", []))
    down += body or ["pass"]
    down.append("# ### end Alembic commands ###")
    text = HEADER.format(
        message=r.message, rev=r.rev, down_doc=r.down or "", day=index + 1,
        down=repr(r.down), up="\n".join("    " + l if l else "" for l in up),
        down_body="\n".join("    " + l if l else "" for l in down))
    if "datetime." in text:
        text = text.replace("import sqlalchemy as sa\n", "import sqlalchemy as sa\nimport datetime\n", 1)
    return text


def generate_project(seed):
    return Generator(seed).generate()


def write_project(project, versions_dir):
    """Writes the revision files; returns [(revision id, file name, expect_failure)]."""
    os.makedirs(versions_dir, exist_ok=True)
    out = []
    for i, r in enumerate(project.revisions):
        slug = r.message.replace(", ", "_").replace(" ", "_")[:40]
        name = "%s_%s.py" % (r.rev, slug)
        with open(os.path.join(versions_dir, name), "w", encoding="utf-8") as f:
            f.write(render_revision(r, i))
        out.append((r.rev, name, r.expect_failure))
    return out


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    project = generate_project(int(argv[1]))
    for rev, name, fails in write_project(project, argv[2]):
        print(name + ("  (expected to fail)" if fails else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

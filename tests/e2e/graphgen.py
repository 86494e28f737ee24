"""Seeded generator of Alembic revision graphs and of the files Alembic writes.

``generate_graph(seed)`` returns a deterministic (per seed) list of
``Revision`` objects: linear runs, branches from mid-chain revisions, merges of
two and three heads, several bases, branch labels on bases and on mid-chain
revisions, ``depends_on`` by id and by label, messages of one or two lines,
docstrings with several paragraphs and files without a module docstring.
``write_versions(graph, directory)`` writes them as ``alembic revision`` does,
in the classic template (``revision = 'abc'``) or the typed one
(``revision: str = "abc"``).

Also a command line for the benchmark:

    python3 graphgen.py bench COUNT DIRECTORY [SEED]

writes a mostly linear project of COUNT revisions (with a few branches and
merges and realistic upgrade/downgrade bodies) into DIRECTORY/versions plus an
``alembic.ini`` and ``env.py`` so that ``alembic heads`` runs there.
"""

import datetime
import os
import random
import re
import sys

LABEL_POOL = [
    "core", "networking", "expand", "contract", "billing", "audit", "reports",
    "tenant", "search", "feature_x", "analytics", "auth", "storage", "legacy",
]

ODD_IDS = [
    "0001", "0002_r", "a1", "v3_users", "deadbeef", "release_2", "ab12",
    "1975ea83b712", "f00", "x9", "initial", "9f",
]

WORDS = [
    "add", "users", "table", "drop", "index", "on", "orders", "email",
    "column", "rename", "invoices", "backfill", "total", "create", "audit",
    "log", "make", "nullable", "constraint", "unique", "foreign", "key",
    "to", "accounts", "split", "address", "into", "lines", "remove", "legacy",
    "flags", "seed", "permissions", "tenant", "id", "widen", "status",
]

ODD_MESSAGES = [
    "100% of rows: set default",
    "use \"quoted\" names",
    "don't drop, just hide",
    "add café and résumé columns",
    "add index on users.email",
    "merge heads",
    "empty message",
    "'Add summary to recipe instructions'",
    "fix: a, b, c",
    "(wip) add column",
    "trailing spaces   ",
]

EXTRA_PARAGRAPHS = [
    "This migration is reversible: the downgrade restores the old column.",
    "Backfills the new column in batches of 1000 rows\nso that the table is never locked for long.",
    "See ticket OPS-1234.",
    "Notes:\n  - run during a maintenance window\n  - takes about 3 minutes on production",
]


class Revision:
    def __init__(self, rev, down, index):
        self.rev = rev
        self.down = down            # None | str | tuple of str (merge)
        self.down_as_list = False   # write a merge as a list instead of a tuple
        self.index = index          # creation order
        self.labels = []            # declared branch_labels
        self.labels_form = "tuple"  # tuple | list | str
        self.depends = []           # depends_on entries as written (ids or labels)
        self.depends_form = "str"   # str | list | tuple
        self.message = ""
        self.extra = []             # extra docstring paragraphs
        self.docstyle = "plain"     # plain | newline | single | raw | none | licence | oneline | spacesep
        self.template = "classic"   # classic | typed
        self.quote = "'"
        self.filename = None
        self.create_date = None
        self.body_tables = []
        self.crlf = False           # Windows line endings
        self.bom = False            # UTF-8 byte order mark
        self.comments = False       # trailing comments on the identifier lines

    @property
    def parents(self):
        if self.down is None:
            return ()
        if isinstance(self.down, tuple):
            return self.down
        return (self.down,)


def _slug(message):
    slug = "_".join(re.sub(r"\W", " ", message or "").split()).lower()
    return slug[:40].rstrip("_")


def _new_id(rng, used, odd_ok=True):
    while True:
        if odd_ok and rng.random() < 0.07:
            rev = rng.choice(ODD_IDS)
        else:
            rev = "%012x" % rng.getrandbits(48)
        if rev not in used:
            used.add(rev)
            return rev


def _message(rng):
    r = rng.random()
    if r < 0.12:
        return rng.choice(ODD_MESSAGES)
    n = rng.randint(2, 6)
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    if r > 0.9:  # a first paragraph over two lines
        text += "\n" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    return text


def _ancestors(by_id, rev):
    seen = set()
    todo = list(by_id[rev].parents)
    while todo:
        r = todo.pop()
        if r in seen:
            continue
        seen.add(r)
        todo.extend(by_id[r].parents)
    return seen


def generate_graph(seed, size=None):
    """A random revision graph, deterministic per seed (list in creation order)."""
    rng = random.Random(seed)
    n = size if size is not None else rng.randint(4, 36)
    used_ids = set()
    labels_free = list(LABEL_POOL)
    rng.shuffle(labels_free)
    revs = []
    by_id = {}
    heads = []  # versioned heads, in creation order
    typed_project = rng.random() < 0.4
    date_prefix = rng.random() < 0.2
    start = datetime.datetime(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, 700))
    bases = 0

    for i in range(n):
        rev = _new_id(rng, used_ids)
        r = rng.random()
        if i == 0 or (bases < 3 and r < 0.05):
            down = None
        else:
            r = rng.random()
            if len(heads) >= 3 and r < 0.05:
                down = tuple(rng.sample(heads, 3))
            elif len(heads) >= 2 and r < 0.17:
                down = tuple(rng.sample(heads, 2))
            elif r < 0.30:
                non_heads = [x.rev for x in revs if x.rev not in heads]
                down = rng.choice(non_heads) if non_heads else rng.choice(heads)
            elif r < 0.42:
                down = rng.choice(heads)
            else:
                down = heads[-1]
        obj = Revision(rev, down, i)
        if down is None:
            bases += 1
        if isinstance(down, tuple):
            for p in down:
                heads.remove(p)
            obj.down_as_list = rng.random() < 0.1
        elif down is not None and down in heads:
            heads.remove(down)
        heads.append(rev)

        # branch labels: often on a base, sometimes mid-chain
        p_label = 0.35 if down is None else 0.07
        if labels_free and rng.random() < p_label:
            count = 2 if (len(labels_free) >= 2 and rng.random() < 0.15) else 1
            obj.labels = [labels_free.pop() for _ in range(count)]
            obj.labels_form = rng.choice(["tuple", "tuple", "list", "str"]) if count == 1 else "tuple"

        # depends_on on earlier revisions, by id or by the label they declare
        if revs and rng.random() < (0.12 if down is not None else 0.2) and i > 1:
            ancestors = _ancestors(by_id, down) | {down} if isinstance(down, str) else set()
            if isinstance(down, tuple):
                for p in down:
                    ancestors |= _ancestors(by_id, p) | {p}
            candidates = [x for x in revs if x.rev not in ancestors]
            if not candidates:
                candidates = list(revs)
            ndeps = 2 if (len(candidates) >= 2 and rng.random() < 0.12) else 1
            targets = rng.sample(candidates, ndeps)
            for t in targets:
                if t.labels and rng.random() < 0.6:
                    obj.depends.append(rng.choice(t.labels))
                else:
                    obj.depends.append(t.rev)
            obj.depends_form = rng.choice(["str", "list", "tuple"]) if ndeps == 1 else rng.choice(["list", "tuple"])

        obj.message = _message(rng)
        if isinstance(down, tuple) and rng.random() < 0.5:
            obj.message = "merge heads"
        if rng.random() < 0.25:
            obj.extra = rng.sample(EXTRA_PARAGRAPHS, rng.randint(1, 2))
        d = rng.random()
        if d < 0.07:
            obj.docstyle = "none"
        elif d < 0.12:
            obj.docstyle = "licence"
        elif d < 0.17:
            obj.docstyle = "newline"
        elif d < 0.20:
            obj.docstyle = "single"
        elif d < 0.22:
            obj.docstyle = "raw"
        elif d < 0.25:
            obj.docstyle = "oneline"
        elif d < 0.27:
            obj.docstyle = "spacesep"
        if typed_project != (rng.random() < 0.1):
            obj.template = "typed"
            obj.quote = '"' if rng.random() < 0.8 else "'"
        else:
            obj.template = "classic"
            obj.quote = "'" if rng.random() < 0.9 else '"'
        obj.create_date = start + datetime.timedelta(minutes=37 * i + rng.randint(0, 30),
                                                     seconds=rng.randint(0, 59),
                                                     microseconds=rng.randint(0, 999999))
        slug = _slug(obj.message.split("\n")[0])
        if date_prefix:
            c = obj.create_date
            obj.filename = "%04d_%02d_%02d_%02d%02d-%s_%s.py" % (
                c.year, c.month, c.day, c.hour, c.minute, rev, slug)
        else:
            obj.filename = "%s_%s.py" % (rev, slug)
        obj.body_tables = ["t_%s_%d" % (rng.choice(WORDS), rng.randint(1, 99))
                           for _ in range(rng.randint(0, 2))]
        revs.append(obj)
        by_id[rev] = obj
    # file-level quirks, from their own stream so the graph shapes stay stable
    quirks = random.Random(seed * 1000003 + 17)
    for obj in revs:
        obj.crlf = quirks.random() < 0.04
        obj.bom = quirks.random() < 0.02
        obj.comments = quirks.random() < 0.06
        q = quirks.random()
        if q < 0.03:
            obj.docstyle = "escapes"
        elif q < 0.045:
            obj.docstyle = "empty"
    return revs


def _literal(value, q):
    return "%s%s%s" % (q, value, q)


def _value(items, form, q):
    if not items:
        return "None"
    if form == "str" and len(items) == 1:
        return _literal(items[0], q)
    inner = ", ".join(_literal(x, q) for x in items)
    if form == "list":
        return "[%s]" % inner
    if len(items) == 1:
        return "(%s,)" % inner
    return "(%s)" % inner


def _down_value(rev):
    q = rev.quote
    if rev.down is None:
        return "None"
    if isinstance(rev.down, tuple):
        inner = ", ".join(_literal(x, q) for x in rev.down)
        return "[%s]" % inner if rev.down_as_list else "(%s)" % inner
    return _literal(rev.down, q)


def _docstring_text(rev):
    revises = ", ".join(rev.parents)
    parts = [rev.message] + list(rev.extra)
    header = "Revision ID: %s\nRevises: %s\nCreate Date: %s" % (
        rev.rev, revises, rev.create_date.strftime("%Y-%m-%d %H:%M:%S.%f"))
    return "\n\n".join(parts) + "\n\n" + header + "\n\n"


def _escape_for(text, quote):
    # keep the literal legal: escape backslashes and a quote run that would close it
    text = text.replace("\\", "\\\\")
    return text.replace(quote * 3, "\\" + quote + quote + quote)


def _bodies(rev, q):
    if not rev.body_tables:
        return ["    pass"], ["    pass"]
    up, down = [], []
    for t in rev.body_tables:
        up += [
            "    op.create_table(",
            "        %s," % _literal(t, q),
            "        sa.Column(%s, sa.Integer(), nullable=False)," % _literal("id", q),
            "        sa.Column(%s, sa.String(length=255), nullable=True)," % _literal("name", q),
            "        sa.PrimaryKeyConstraint(%s)," % _literal("id", q),
            "    )",
            "    op.create_index(op.f(%s), %s, [%s], unique=False)" % (
                _literal("ix_%s_name" % t, q), _literal(t, q), _literal("name", q)),
        ]
        down = [
            "    op.drop_index(op.f(%s), table_name=%s)" % (_literal("ix_%s_name" % t, q), _literal(t, q)),
            "    op.drop_table(%s)" % _literal(t, q),
        ] + down
    return up, down


def render(rev):
    """The text of the revision file, as `alembic revision` writes it (+ variants)."""
    q = rev.quote
    doc = _docstring_text(rev)
    if rev.docstyle == "spacesep" and rev.extra:
        # a whitespace-only line does not end the first paragraph
        doc = doc.replace("\n\n", "\n   \n", 1)
    lines = []
    docq = "'''" if rev.docstyle == "single" else '"""'
    doc_lit = _escape_for(doc, docq[0])
    if rev.docstyle == "raw":
        doc_lit = doc.replace('"""', "'''")
    if rev.docstyle in ("plain", "spacesep", "single"):
        lines.append(docq + doc_lit + docq)
    elif rev.docstyle == "raw":
        lines.append('r"""' + doc_lit + '"""')
    elif rev.docstyle == "newline":
        lines.append('"""\n' + doc_lit + '"""')
    elif rev.docstyle == "escapes":
        # escape sequences in a (non-raw) docstring: Python decodes them
        lines.append('"""' + _escape_for(rev.message, '"') + " \\u00e9t\\xe9 \\x41\\tB \\\\ ok\\\n"
                     + _escape_for(doc[len(rev.message):], '"') + '"""')
    elif rev.docstyle == "empty":
        lines.append('""""""')
    elif rev.docstyle == "oneline":
        lines.append('"""' + _escape_for(rev.message.split("\n")[0], '"') + '"""')
    elif rev.docstyle == "licence":
        lines.append("# Copyright 2024 Example Corp.\n#\n#    Licensed under the Apache License, Version 2.0")
        lines.append("")
        lines.append('"""' + doc_lit + '"""')
    if rev.docstyle == "none":
        lines.append("# Copyright 2024 Example Corp.")
        lines.append("#")
        lines.append("")
    if rev.template == "typed":
        lines.append("from typing import Sequence, Union")
        lines.append("")
    lines.append("from alembic import op")
    lines.append("import sqlalchemy as sa")
    lines.append("")
    if rev.docstyle == "none":
        lines.append('"""' + _escape_for(doc, '"') + '"""')
        lines.append("")
    lines.append("")
    lines.append("# revision identifiers, used by Alembic.")
    labels = _value(rev.labels, rev.labels_form, q)
    depends = _value(rev.depends, rev.depends_form, q)
    if rev.template == "typed":
        lines.append("revision: str = %s" % _literal(rev.rev, q))
        if isinstance(rev.down, tuple):
            lines.append("down_revision: Union[str, Sequence[str], None] = %s" % _down_value(rev))
        else:
            lines.append("down_revision: Union[str, None] = %s" % _down_value(rev))
        lines.append("branch_labels: Union[str, Sequence[str], None] = %s" % labels)
        lines.append("depends_on: Union[str, Sequence[str], None] = %s" % depends)
    else:
        lines.append("revision = %s" % _literal(rev.rev, q))
        lines.append("down_revision = %s" % _down_value(rev))
        lines.append("branch_labels = %s" % labels)
        lines.append("depends_on = %s" % depends)
    if rev.comments:
        for i, line in enumerate(lines):
            if line.startswith(("revision", "down_revision", "branch_labels", "depends_on")):
                lines[i] = line + "  # %s" % line.split("=")[0].split(":")[0].strip()
    up, down = _bodies(rev, q)
    lines += ["", "", "def upgrade() -> None:"] + up
    lines += ["", "", "def downgrade() -> None:"] + down
    text = "\n".join(lines) + "\n"
    if rev.crlf:
        text = text.replace("\n", "\r\n")
    if rev.bom:
        text = "\ufeff" + text
    return text


ENV_PY = '''"""Minimal env.py: the commands used here never connect to a database."""
from alembic import context

config = context.config


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_offline()
'''

ALEMBIC_INI = """[alembic]
script_location = %(here)s/{location}
sqlalchemy.url = sqlite:///app.db
"""


def write_versions(graph, directory):
    os.makedirs(directory, exist_ok=True)
    for rev in graph:
        with open(os.path.join(directory, rev.filename), "w", encoding="utf-8", newline="") as f:
            f.write(render(rev))


def write_project(graph, root, location="alembic"):
    """root/alembic.ini + root/<location>/env.py + root/<location>/versions/*.py"""
    script_dir = os.path.join(root, location)
    os.makedirs(script_dir, exist_ok=True)
    with open(os.path.join(root, "alembic.ini"), "w", encoding="utf-8") as f:
        f.write(ALEMBIC_INI.format(location=location))
    with open(os.path.join(script_dir, "env.py"), "w", encoding="utf-8") as f:
        f.write(ENV_PY)
    write_versions(graph, os.path.join(script_dir, "versions"))
    return os.path.join(script_dir, "versions")


# ---------------------------------------------------------------- benchmark

def _bench_body(rng, q, ntables):
    up, down = [], []
    for _ in range(ntables):
        t = "t_%s_%d" % (rng.choice(WORDS), rng.randint(1, 9999))
        cols = rng.randint(4, 9)
        up += ["    op.create_table(", "        %s," % _literal(t, q),
               "        sa.Column('id', sa.Integer(), nullable=False),"]
        for c in range(cols):
            kind = rng.choice(["sa.String(length=255)", "sa.Integer()", "sa.DateTime()",
                               "sa.Boolean()", "sa.Numeric(10, 2)", "sa.Text()"])
            up.append("        sa.Column('%s_%d', %s, nullable=%s)," % (
                rng.choice(WORDS), c, kind, rng.choice(["True", "False"])))
        up += ["        sa.PrimaryKeyConstraint('id'),", "    )",
               "    op.create_index(op.f('ix_%s_id'), %s, ['id'], unique=False)" % (t, _literal(t, q))]
        col = "%s_extra" % rng.choice(WORDS)
        up += ["    with op.batch_alter_table(%s, schema=None) as batch_op:" % _literal(t, q),
               "        batch_op.add_column(sa.Column('%s', sa.String(length=64), nullable=True))" % col]
        down = ["    with op.batch_alter_table(%s, schema=None) as batch_op:" % _literal(t, q),
                "        batch_op.drop_column('%s')" % col,
                "",
                "    op.drop_index(op.f('ix_%s_id'), table_name=%s)" % (t, _literal(t, q)),
                "    op.drop_table(%s)" % _literal(t, q)] + down
    return up, down


def generate_bench(count, seed=1):
    """Mostly linear: every ~50 revisions a short side branch merged back."""
    rng = random.Random(seed)
    used = set()
    revs = []
    start = datetime.datetime(2020, 1, 1)
    head = None
    pending_branch = None  # (branch head, merge after this index)
    for i in range(count):
        rev = _new_id(rng, used, odd_ok=False)
        if head is None:
            down = None
        elif pending_branch and i >= pending_branch[1]:
            down = (head, pending_branch[0])
            pending_branch = None
        elif pending_branch is None and i % 50 == 25 and i + 10 < count:
            # start a side branch from the current head; the main line goes on
            side = Revision(rev, head, i)
            side.message = "side branch " + " ".join(rng.choice(WORDS) for _ in range(3))
            revs.append(side)
            pending_branch = (rev, i + rng.randint(3, 8))
            continue
        else:
            down = head
        obj = Revision(rev, down, i)
        obj.message = ("merge heads" if isinstance(down, tuple)
                       else " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))))
        revs.append(obj)
        head = rev
    for obj in revs:
        obj.create_date = start + datetime.timedelta(hours=obj.index, seconds=rng.randint(0, 3599))
        obj.filename = "%s_%s.py" % (obj.rev, _slug(obj.message))
        obj.template = "classic"
        obj.quote = "'"
    return revs, rng


def write_bench_project(count, root, seed=1):
    revs, rng = generate_bench(count, seed)
    versions = write_project([], root)
    for obj in revs:
        up, down = _bench_body(rng, "'", rng.randint(1, 3)) if not isinstance(obj.down, tuple) else (["    pass"], ["    pass"])
        text = render(obj)
        text = text.replace("def upgrade() -> None:\n    pass", "def upgrade() -> None:\n" + "\n".join(up), 1)
        text = text.replace("def downgrade() -> None:\n    pass", "def downgrade() -> None:\n" + "\n".join(down), 1)
        with open(os.path.join(versions, obj.filename), "w", encoding="utf-8") as f:
            f.write(text)
    return versions


def main(argv):
    if len(argv) >= 3 and argv[0] == "bench":
        count = int(argv[1])
        seed = int(argv[2 + 1]) if len(argv) > 3 else 1
        versions = write_bench_project(count, argv[2], seed)
        print(versions)
        return 0
    if len(argv) >= 2 and argv[0] == "graph":
        # graph SEED DIRECTORY: write one generated parity graph (for reproducing)
        write_project(generate_graph(int(argv[1])), argv[2])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Writes a `git fast-import` stream for the git benchmark (bench/bench_git.sh):

- main: COMMITS commits by a handful of authors; the root commit holds 1,000 source files,
  every commit changes one of src/modNN.py, and every (COMMITS // REVISIONS)-th commit adds
  one Alembic revision to versions/ on top of the previous one (a linear chain);
- feature: forks FORK_BACK commits before main's tip and adds FEATURE revisions on top of
  the revision that was main's head there, while main went on adding its own: merging it
  leaves two heads (diverges-from-base).

Usage: gen_git_history.py [COMMITS] [REVISIONS] | git fast-import --done --quiet
"""
import sys

COMMITS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
REVISIONS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
FORK_BACK = 50
FEATURE = 3
EVERY = max(1, COMMITS // REVISIONS)
AUTHORS = [("Ann Founder", "ann"), ("Ben Basesmith", "ben"), ("Cleo Coder", "cleo"),
           ("Dev Ops", "dev"), ("Eve Editor", "eve")]
T0 = 1700000000

out = sys.stdout.buffer


def w(text):
    out.write(text.encode() if isinstance(text, str) else text)


def data(payload):
    if isinstance(payload, str):
        payload = payload.encode()
    w("data %d\n" % len(payload))
    w(payload)
    w("\n")


def rev_id(n):
    return "%012x" % (0xa00000000000 + n * 7919)


def revision(n, down, prefix="r"):
    rid = rev_id(n) if prefix == "r" else prefix
    down_repr = repr(down) if down else "None"
    text = '''"""create table {prefix}{n} for the benchmark

Revision ID: {rid}
Revises: {down}
Create Date: 2026-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '{rid}'
down_revision = {down_repr}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        '{prefix}{n}',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_{prefix}{n}_name', '{prefix}{n}', ['name'])


def downgrade() -> None:
    op.drop_index('ix_{prefix}{n}_name', table_name='{prefix}{n}')
    op.drop_table('{prefix}{n}')
'''.format(prefix=prefix if prefix == "r" else "f", n=n, rid=rid, down=down or "",
           down_repr=down_repr)
    return "versions/%s_create_table_%d.py" % (rid, n), text, rid


def header(ref, mark, i, author, subject, parent):
    name, email = author
    w("commit %s\nmark :%d\n" % (ref, mark))
    w("author %s <%s@example.com> %d +0000\n" % (name, email, T0 + i * 600))
    w("committer %s <%s@example.com> %d +0000\n" % (name, email, T0 + i * 600))
    data(subject + "\n")
    if parent:
        w("from :%d\n" % parent)


fork_at = COMMITS - FORK_BACK
head_at_fork = None
revs = 0
last = None
for i in range(1, COMMITS + 1):
    author = AUTHORS[i % len(AUTHORS)]
    adds_revision = i % EVERY == 0 and revs < REVISIONS
    subject = "Add migration %d" % (revs + 1) if adds_revision else "Change module %d" % (i % 40)
    header("refs/heads/main", i, i, author, subject, i - 1 if i > 1 else None)
    if i == 1:
        for k in range(1000):
            w("M 100644 inline src/pkg%02d/file%04d.py\n" % (k % 20, k))
            data("# module %d\n" % k + "VALUE = %d\n" % k * 20)
        w("M 100644 inline alembic.ini\n")
        data("[alembic]\nscript_location = .\n")
    w("M 100644 inline src/mod%02d.py\n" % (i % 40))
    data("REVISION = %d\n" % i)
    if adds_revision:
        revs += 1
        path, text, rid = revision(revs, last)
        w("M 100644 inline %s\n" % path)
        data(text)
        last = rid
    if i == fork_at:
        head_at_fork = last

# feature: forks at main~FORK_BACK and builds on main's head there.
parent = fork_at
down = head_at_fork
for k in range(1, FEATURE + 1):
    mark = COMMITS + k
    header("refs/heads/feature", mark, COMMITS + k, ("Fay Featurewright", "fay"),
           "Feature migration %d" % k, parent)
    path, text, rid = revision(k, down, prefix="fe%010d" % k)
    w("M 100644 inline %s\n" % path)
    data(text)
    parent = mark
    down = rid
w("done\n")

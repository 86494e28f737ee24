"""Writes a generated history twice (native SQL for miglint, op.execute for Alembic):
mostly linear, a one-revision side branch merged back every 50 revisions; revisions create
tables (a third at head), add columns, and create indexes, each with its downgrade.

    python3 gen_engine_history.py DIR COUNT
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

from engine_project import Project, Rev  # noqa: E402


def history(count):
    revs = []
    table = None
    prev = None
    i = 0
    while len(revs) < count:
        i += 1
        rid = "%012x" % (0xA00000000000 + i)
        down = () if prev is None else (prev,)
        if table is None or i % 3 == 0:
            table = "t%04d" % i
            up = ["CREATE TABLE %s (id INTEGER PRIMARY KEY, name TEXT NOT NULL)" % table]
            dn = ["DROP TABLE %s" % table]
        elif i % 3 == 1:
            up = ["ALTER TABLE %s ADD COLUMN c%04d VARCHAR(40)" % (table, i)]
            dn = ["ALTER TABLE %s DROP COLUMN c%04d" % (table, i)]
        else:
            up = ["CREATE INDEX ix_%s_%04d ON %s (name)" % (table, i, table)]
            dn = ["DROP INDEX ix_%s_%04d" % (table, i)]
        revs.append(Rev(rid, down, up, dn, "generated revision %d" % i))
        prev = rid
        if i % 50 == 0 and len(revs) + 2 <= count:
            side = "%012x" % (0xB00000000000 + i)
            base = revs[-2].rev
            revs.append(Rev(side, (base,), ["CREATE TABLE side%04d (id INTEGER)" % i],
                            ["DROP TABLE side%04d" % i], "side branch %d" % i))
            merge = "%012x" % (0xC00000000000 + i)
            revs.append(Rev(merge, (prev, side), [], [], "merge side branch %d" % i))
            prev = merge
    return revs[:count]


if __name__ == "__main__":
    Project(sys.argv[1], history(int(sys.argv[2])))

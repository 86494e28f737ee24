"""Writes a generated linear history of Alembic revisions whose bodies op.execute
PostgreSQL DDL (SERIAL and JSONB tables, enum types, added columns, GIN and B-tree
indexes, each with its downgrade), so that miglint and Alembic run the same statements.

    python3 gen_pg_history.py DIR COUNT URL
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

from engine_project import ENV_PY, Rev, py_text  # noqa: E402
from miglint_e2e import write_file  # noqa: E402


def history(count):
    revs = []
    table = None
    for i in range(1, count + 1):
        rid = "%012x" % (0xC00000000000 + i)
        down = (revs[-1].rev,) if revs else ()
        kind = i % 4
        if table is None or kind == 0:
            table = "t%04d" % i
            up = ["CREATE TABLE %s (id SERIAL PRIMARY KEY, name VARCHAR(80) NOT NULL, "
                  "attrs JSONB NOT NULL DEFAULT '{}'::jsonb, created TIMESTAMPTZ NOT NULL "
                  "DEFAULT now())" % table]
            dn = ["DROP TABLE %s" % table]
        elif kind == 1:
            up = ["CREATE TYPE e%04d AS ENUM ('new', 'active', 'gone')" % i,
                  "ALTER TABLE %s ADD COLUMN s%04d e%04d NOT NULL DEFAULT 'new'" % (table, i, i)]
            dn = ["ALTER TABLE %s DROP COLUMN s%04d" % (table, i), "DROP TYPE e%04d" % i]
        elif kind == 2:
            up = ["CREATE INDEX ix_%s_attrs_%04d ON %s USING gin (attrs)" % (table, i, table)]
            dn = ["DROP INDEX ix_%s_attrs_%04d" % (table, i)]
        else:
            up = ["ALTER TABLE %s ADD COLUMN c%04d NUMERIC(12, 2) CHECK (c%04d >= 0)"
                  % (table, i, i),
                  "CREATE INDEX ix_%s_c%04d ON %s (c%04d)" % (table, i, table, i)]
            dn = ["DROP INDEX ix_%s_c%04d" % (table, i),
                  "ALTER TABLE %s DROP COLUMN c%04d" % (table, i)]
        revs.append(Rev(rid, down, up, dn, "generated revision %d" % i))
    return revs


def main():
    root, count, url = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    for i, r in enumerate(history(count)):
        write_file(os.path.join(root, "alembic", "versions", "%s_rev%d.py" % (r.rev, i)),
                   py_text(r))
    write_file(os.path.join(root, "alembic", "env.py"), ENV_PY)
    write_file(os.path.join(root, "alembic.ini"),
               "[alembic]\nscript_location = %%(here)s/alembic\nsqlalchemy.url = %s\n"
               % url.replace("%", "%%"))
    print(history(count)[-1].rev)


if __name__ == "__main__":
    main()

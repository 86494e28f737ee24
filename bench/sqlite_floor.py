"""What SQLite alone takes to run the statements `verify` must run on the generated history
of gen_engine_history.py: for each revision in order its upgrade, then (in a savepoint that
is rolled back) its downgrade and its upgrade again, and finally every downgrade back to
base; in memory, through Python's sqlite3, with no comparison at all. A lower bound for
`miglint verify` on that history: printed next to its time by bench_engine.sh.

    python3 sqlite_floor.py COUNT        prints the seconds
"""
import sqlite3
import sys
import time

from gen_engine_history import history


def run(db, statements):
    for sql in statements:
        db.execute(sql)


def main(count):
    revs = history(count)
    db = sqlite3.connect(":memory:", isolation_level=None)
    started = time.perf_counter()
    db.execute("BEGIN")
    for rev in revs:
        run(db, rev.up)
        db.execute("SAVEPOINT round_trip")
        run(db, rev.down_sql or [])
        run(db, rev.up)
        db.execute("ROLLBACK TO round_trip")
        db.execute("RELEASE round_trip")
    for rev in reversed(revs):
        run(db, rev.down_sql or [])
    db.execute("COMMIT")
    print("%.3f" % (time.perf_counter() - started))


if __name__ == "__main__":
    main(int(sys.argv[1]))

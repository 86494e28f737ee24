"""Projects for the engine tests: one history written twice, as native SQL revisions for
miglint and as an equivalent Alembic directory (same ids, same graph, `op.execute` of the
same SQL) for the real Alembic; plus a structural schema dump to compare databases."""

import os
import re
import sqlite3

from miglint_e2e import run_alembic, run_alembic_batch, run_miglint, write_file

ALEMBIC_INI = """[alembic]
script_location = %(here)s/alembic
sqlalchemy.url = {url}
"""

# Logs "Running ..." lines through whatever sys.stderr is at the time (the batch runner
# swaps it per command), in Alembic's own format.
ENV_PY = '''import logging
import sys

from alembic import context
from sqlalchemy import engine_from_config, pool


class _StderrHandler(logging.Handler):
    def emit(self, record):
        sys.stderr.write("%-5.5s [%s] %s\\n" % (record.levelname, record.name, record.getMessage()))


_log = logging.getLogger("alembic.runtime.migration")
if not getattr(_log, "_miglint_handler", False):
    _log.addHandler(_StderrHandler())
    _log.setLevel(logging.INFO)
    _log.propagate = False
    _log._miglint_handler = True

config = context.config
if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = engine_from_config(config.get_section(config.config_ini_section),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
'''


class Rev:
    """One revision: id, parents, SQL statements up and down (None: no down section)."""

    def __init__(self, rev, down=(), up=(), down_sql=(), message=None, labels=(),
                 depends_on=()):
        self.rev = rev
        self.down = tuple(down) if not isinstance(down, str) else (down,)
        self.up = list(up)
        self.down_sql = None if down_sql is None else list(down_sql)
        self.message = message or "revision %s" % rev
        self.labels = tuple(labels)
        self.depends_on = tuple(depends_on)


def sql_text(r):
    lines = ["-- %s" % r.message, "--", "-- Revision ID: %s" % r.rev,
             "-- Revises: %s" % ", ".join(r.down), "-- Create Date: 2026-01-01 00:00:00"]
    if r.labels:
        lines.append("-- Branch Labels: %s" % ", ".join(r.labels))
    if r.depends_on:
        lines.append("-- Depends On: %s" % ", ".join(r.depends_on))
    lines += ["", "-- migrate:up"]
    lines += ["%s;" % s for s in r.up]
    if r.down_sql is not None:
        lines += ["", "-- migrate:down"]
        lines += ["%s;" % s for s in r.down_sql]
    return "\n".join(lines) + "\n"


def py_text(r):
    def tup(values):
        if not values:
            return "None"
        if len(values) == 1:
            return repr(values[0])
        return "(%s)" % ", ".join(repr(v) for v in values)

    body_up = "".join("    op.execute(%r)\n" % s for s in r.up) or "    pass\n"
    text = ['"""%s\n\nRevision ID: %s\n"""' % (r.message, r.rev), "from alembic import op", "",
            "revision = %r" % r.rev, "down_revision = %s" % tup(r.down),
            "branch_labels = %s" % (repr(r.labels) if r.labels else "None"),
            "depends_on = %s" % (repr(r.depends_on) if r.depends_on else "None"), "", "",
            "def upgrade():", body_up]
    if r.down_sql is not None:
        body_down = "".join("    op.execute(%r)\n" % s for s in r.down_sql) or "    pass\n"
        text += ["", "def downgrade():", body_down]
    return "\n".join(text)


class Project:
    """A directory holding `sqlversions/` (miglint) and `alembic/` (Alembic) for one history."""

    def __init__(self, root, revs, db_name="app.db"):
        self.root = root
        self.revs = revs
        self.db = os.path.join(root, db_name)
        self.ini = os.path.join(root, "alembic.ini")
        for i, r in enumerate(revs):
            write_file(os.path.join(root, "sqlversions", "%s_rev%d.sql" % (r.rev, i)), sql_text(r))
            write_file(os.path.join(root, "alembic", "versions", "%s_rev%d.py" % (r.rev, i)),
                       py_text(r))
        write_file(os.path.join(root, "alembic", "env.py"), ENV_PY)
        write_file(self.ini, ALEMBIC_INI.format(url="sqlite:///" + self.db))

    def miglint(self, *args, db=None, timeout=60):
        return run_miglint(["-C", self.root, "--versions", "sqlversions"] + list(args)
                           + ["--db", db or self.db], timeout=timeout)

    def miglint_nodb(self, *args):
        return run_miglint(["-C", self.root, "--versions", "sqlversions"] + list(args))

    def alembic(self, *args):
        return run_alembic(["-c", self.ini] + list(args), cwd=self.root)

    def alembic_job(self, *args):
        return ["-c", self.ini] + list(args)


def alembic_batch(jobs):
    return run_alembic_batch(jobs)


_RUNNING = re.compile(r"^INFO\s+\[[^\]]+\] (Running .*)$")


def running_lines(stderr):
    """The `Running upgrade/downgrade/stamp_revision ...` lines of a log."""
    out = []
    for line in stderr.splitlines():
        m = _RUNNING.match(line)
        if m:
            out.append(m.group(1))
    return out


def current_set(stdout):
    return sorted(line.split()[0] for line in stdout.splitlines() if line.strip())


def version_rows(db):
    con = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in con.execute("SELECT version_num FROM alembic_version"))
    except sqlite3.OperationalError:
        return None
    finally:
        con.close()


def schema(db):
    """Tables (columns as a set, ignoring order), indexes, foreign keys, views, triggers."""
    con = sqlite3.connect(db)
    try:
        out = {}
        for kind, name, tbl in con.execute(
                "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                "AND name != 'alembic_version' ORDER BY name"):
            if kind == "table":
                cols = sorted(tuple(r[1:6]) for r in con.execute('PRAGMA table_info("%s")' % name))
                idx = sorted((r[1] if not r[1].startswith("sqlite_autoindex") else "auto", r[2],
                              tuple(c[2] for c in con.execute('PRAGMA index_info("%s")' % r[1])))
                             for r in con.execute('PRAGMA index_list("%s")' % name))
                fks = sorted(tuple(r[2:]) for r in con.execute(
                    'PRAGMA foreign_key_list("%s")' % name))
                out["table " + name] = (cols, idx, fks)
            elif kind in ("view", "trigger"):
                sql = con.execute("SELECT sql FROM sqlite_master WHERE name = ?",
                                  (name,)).fetchone()[0]
                out[kind + " " + name] = " ".join(sql.split())
        return out
    finally:
        con.close()

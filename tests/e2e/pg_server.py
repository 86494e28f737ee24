"""A real PostgreSQL 15 server for the end-to-end tests: Debian's postgresql package,
`initdb` in a temporary directory as the `postgres` user, listening on a free loopback
port, password authentication over TCP, stopped and removed at the end."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid

SUPERUSER = "postgres"
PASSWORD = "miglint-secret"


def _bin(name):
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/" + name))
    if not found:
        raise RuntimeError("PostgreSQL's %s is missing: run .ci/install-deps" % name)
    return found[-1]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """start() / stop(); url(db) gives a SQLAlchemy URL for a database on it."""

    def __init__(self):
        self.dir = None
        self.port = None
        self._as_user = []

    def _run(self, args, **kw):
        return subprocess.run(self._as_user + args, check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, **kw)

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="miglint-pg-")
        if os.geteuid() == 0:
            # initdb refuses to run as root: the cluster belongs to the postgres user.
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        data = os.path.join(self.dir, "data")
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        if os.geteuid() == 0:
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        self._run([_bin("initdb"), "-D", data, "-U", SUPERUSER, "--pwfile", pwfile,
                   "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"])
        self.port = _free_port()
        # Durability is not what these tests check; fsync off keeps them fast.
        options = ("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
                   % (self.port, self.dir))
        self._run([_bin("pg_ctl"), "-D", data, "-o", options, "-l",
                   os.path.join(self.dir, "log"), "-w", "start"])
        return self

    def stop(self):
        if self.dir is None:
            return
        try:
            self._run([_bin("pg_ctl"), "-D", os.path.join(self.dir, "data"), "-m", "immediate",
                       "-w", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def url(self, database="postgres", scheme="postgresql", password=PASSWORD):
        return "%s://%s:%s@127.0.0.1:%d/%s" % (scheme, SUPERUSER, password, self.port, database)

    def psql(self, sql, database="postgres"):
        """Runs SQL through psql; returns its unaligned, tuples-only output."""
        env = dict(os.environ, PGPASSWORD=PASSWORD)
        out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
                              "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", database,
                              "-c", sql], check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
        return out.stdout

    def create_database(self, prefix="t"):
        name = "%s_%s" % (prefix, uuid.uuid4().hex[:10])
        self.psql('CREATE DATABASE "%s"' % name)
        return name

    def databases(self):
        return set(self.psql("SELECT datname FROM pg_database").split())


def catalog(server, database):
    """The schema of `database` as comparable text: tables, columns, constraints, indexes,
    enum types, sequences (public schema)."""
    queries = [
        "SELECT 'column', table_name, column_name, data_type, coalesce(character_maximum_length::text,''),"
        " is_nullable, coalesce(column_default,'') FROM information_schema.columns"
        " WHERE table_schema='public' ORDER BY 2,3",
        "SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE connamespace='public'::regnamespace ORDER BY 2,3",
        "SELECT 'index', tablename, indexname, indexdef FROM pg_indexes"
        " WHERE schemaname='public' ORDER BY 2,3",
        "SELECT 'enum', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)"
        " FROM pg_type t JOIN pg_enum e ON e.enumtypid=t.oid GROUP BY 2 ORDER BY 2",
        "SELECT 'sequence', sequence_name FROM information_schema.sequences"
        " WHERE sequence_schema='public' ORDER BY 2",
    ]
    return "".join(server.psql(q, database) for q in queries)

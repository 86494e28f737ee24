"""Fault injection against the migration commands: a full disk, a read-only database, a
database locked by another process, a version table naming an unknown revision, and a
corrupt file. Each must give a clear message on stderr, the documented exit code, and
leave the database file byte for byte as it was. A write that fails half way through a
migration must name the revision, its file and where the database is left.

Runs on the SQL-format fixture history (tests/fixtures/sql/library). A full disk and a
read-only filesystem use a small tmpfs when the tests may mount one (root); otherwise
they fall back to RLIMIT_FSIZE and file permissions, which need no privileges.
"""

import hashlib
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

from engine_project import Project, Rev, version_rows
from miglint_e2e import SOURCE_DIR, TempDir, miglint_path, run_miglint

HISTORY = os.path.join(SOURCE_DIR, "tests", "fixtures", "sql", "library", "versions")
FIRST = "4c1d8e2f9a07"  # create authors table
SECOND = "7e3a5b90c1d2"  # create books table


def digest(path):
    """The file's bytes and its side files: what 'unchanged' means here."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    for suffix in ("-journal", "-wal", "-shm"):
        h.update(b"1" if os.path.exists(path + suffix) else b"0")
    return h.hexdigest()


def try_mount_tmpfs(path, size):
    """Mounts a tmpfs of `size` at `path`; False when this process may not mount."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", path],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return done.returncode == 0


def umount(path):
    subprocess.run(["umount", "-l", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fill(directory):
    """Writes a file until the filesystem has no space left."""
    with open(os.path.join(directory, "filler"), "wb", buffering=0) as f:
        block = b"\0" * 4096
        try:
            while True:
                f.write(block)
                f.flush()
        except OSError:
            pass


class FaultsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.root = self.tmp.path
        self.project = os.path.join(self.root, "project")
        shutil.copytree(HISTORY, os.path.join(self.project, "versions"))
        self.mounts = []

    def tearDown(self):
        for m in reversed(self.mounts):
            umount(m)
        self.tmp.cleanup()

    def miglint(self, *args, timeout=120, **kwargs):
        return run_miglint(list(args), cwd=self.project, timeout=timeout, **kwargs)

    def make_db(self, path, revision=FIRST):
        """A database upgraded by miglint to `revision`."""
        done = self.miglint("upgrade", revision, "--db", path)
        self.assertEqual(done.returncode, 0, done.stderr)
        return path

    def assert_refused(self, done, code, *phrases):
        self.assertEqual(done.returncode, code, "stdout: %s\nstderr: %s" % (done.stdout, done.stderr))
        self.assertIn("error:", done.stderr)
        for phrase in phrases:
            self.assertIn(phrase, done.stderr)
        self.assertNotIn("internal error", done.stderr)
        self.assertNotIn("Sanitizer", done.stderr)

    def mount_tmpfs(self, size):
        path = tempfile.mkdtemp(dir=self.root, prefix="fs-")
        if not try_mount_tmpfs(path, size):
            return None
        self.mounts.append(path)
        return path

    # --- a full disk ---------------------------------------------------------------

    def test_disk_full_on_tmpfs(self):
        fs = self.mount_tmpfs("256k")
        if fs is None:
            self.skipTest("cannot mount a tmpfs here (needs root); "
                          "test_disk_full_by_file_size_limit covers a full disk")
        db = os.path.join(fs, "app.db")
        shutil.copy(self.make_db(os.path.join(self.root, "seed.db")), db)
        fill(fs)
        before = digest(db)
        for args in (["upgrade", "head"], ["downgrade", "base"], ["stamp", "head"]):
            with self.subTest(args=args):
                done = self.miglint(*args, "--db", db)
                self.assert_refused(done, 1, "database or disk is full")
                self.assertEqual(digest(db), before)
        os.unlink(os.path.join(fs, "filler"))
        done = self.miglint("current", "--db", db)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(FIRST, done.stdout)

    def test_disk_full_by_file_size_limit(self):
        # No file may grow: SQLite's journal write fails as on a full disk (EFBIG).
        db = self.make_db(os.path.join(self.root, "app.db"))
        before = digest(db)

        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))

        for args in (["upgrade", "head"], ["downgrade", "base"], ["stamp", "head"]):
            with self.subTest(args=args):
                done = subprocess.run(
                    [miglint_path()] + args + ["--db", db],
                    cwd=self.project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    encoding="utf-8", errors="replace", timeout=120, preexec_fn=limit)
                self.assertIn(done.returncode, (1, 2), done.stderr)
                self.assertIn("error:", done.stderr)
                self.assertNotIn("internal error", done.stderr)
                self.assertEqual(digest(db), before)
        self.assertEqual(self.miglint("current", "--db", db).stdout.split()[0], FIRST)

    # --- a read-only database ------------------------------------------------------

    def test_read_only_filesystem(self):
        fs = self.mount_tmpfs("1m")
        if fs is None:
            self.skipTest("cannot mount a tmpfs here (needs root); "
                          "test_read_only_file and test_read_only_url cover read-only databases")
        db = os.path.join(fs, "app.db")
        shutil.copy(self.make_db(os.path.join(self.root, "seed.db")), db)
        remount = subprocess.run(["mount", "-o", "remount,ro", fs], stderr=subprocess.PIPE)
        self.assertEqual(remount.returncode, 0, remount.stderr)
        before = digest(db)
        for args in (["upgrade", "head"], ["downgrade", "base"], ["stamp", "head"]):
            with self.subTest(args=args):
                done = self.miglint(*args, "--db", db)
                self.assert_refused(done, 2, "read-only")
                self.assertEqual(digest(db), before)
        # Reading commands still work on a read-only database, as Alembic's do.
        done = self.miglint("current", "--db", db)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(FIRST, done.stdout)

    def test_read_only_file(self):
        if os.geteuid() == 0:
            self.skipTest("root writes to a 0444 file; test_read_only_filesystem and "
                          "test_read_only_url cover read-only databases")
        db = self.make_db(os.path.join(self.root, "app.db"))
        os.chmod(db, 0o444)
        before = digest(db)
        done = self.miglint("upgrade", "head", "--db", db)
        self.assert_refused(done, 2, "read-only")
        self.assertEqual(digest(db), before)

    def test_read_only_url(self):
        db = self.make_db(os.path.join(self.root, "app.db"))
        before = digest(db)
        url = "sqlite:///file:%s?mode=ro&uri=true" % db
        for args in (["upgrade", "head"], ["downgrade", "base"], ["stamp", "head"]):
            with self.subTest(args=args):
                done = self.miglint(*args, "--db", url)
                self.assert_refused(done, 2, "read-only")
                self.assertEqual(digest(db), before)
        done = self.miglint("current", "--db", url)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(FIRST, done.stdout)

    # --- a database locked by another process --------------------------------------

    def hold_lock(self, db):
        """Another process holding an exclusive lock until we close its stdin."""
        code = ("import sqlite3, sys\n"
                "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                "c.execute('BEGIN EXCLUSIVE')\n"
                "c.execute('CREATE TABLE IF NOT EXISTS lock_holder (x)')\n"
                "print('locked', flush=True)\n"
                "sys.stdin.read()\n"
                "c.execute('ROLLBACK')\n")
        holder = subprocess.Popen([sys.executable, "-c", code, db], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, encoding="utf-8")
        self.assertEqual(holder.stdout.readline().strip(), "locked")
        return holder

    def release(self, holder):
        holder.stdin.close()
        holder.wait(timeout=30)

    def test_locked_database_reading_command(self):
        db = self.make_db(os.path.join(self.root, "app.db"))
        before = digest(db)
        holder = self.hold_lock(db)
        try:
            started = time.monotonic()
            done = self.miglint("current", "--db", db)
            waited = time.monotonic() - started
        finally:
            self.release(holder)
        self.assert_refused(done, 2, "locked")
        self.assertGreaterEqual(waited, 4.0)  # it waited for the busy timeout (5 s)
        self.assertEqual(digest(db), before)

    def test_locked_database_upgrade(self):
        # upgrade waits up to 60 s for another migration to finish, then gives up.
        db = self.make_db(os.path.join(self.root, "app.db"))
        before = digest(db)
        holder = self.hold_lock(db)
        try:
            done = self.miglint("upgrade", "head", "--db", db, timeout=180)
        finally:
            self.release(holder)
        self.assert_refused(done, 2, "locked")
        self.assertEqual(digest(db), before)
        done = self.miglint("current", "--db", db)
        self.assertEqual(done.stdout.split()[0], FIRST)

    # --- a version table naming an unknown revision --------------------------------

    def test_unknown_revision_in_version_table(self):
        db = self.make_db(os.path.join(self.root, "app.db"))
        with sqlite3.connect(db) as c:
            c.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
        c.close()
        before = digest(db)
        for args in (["upgrade", "head"], ["downgrade", "base"], ["stamp", "head"],
                     ["current"]):
            with self.subTest(args=args):
                done = self.miglint(*args, "--db", db)
                self.assert_refused(done, 2, "'ffffffffffff'", "not in the revision graph")
                self.assertEqual(digest(db), before)

    # --- a corrupt database file ----------------------------------------------------

    def test_file_that_is_not_a_database(self):
        db = os.path.join(self.root, "app.db")
        with open(db, "wb") as f:
            f.write(b"this is not an SQLite database\n" * 300)
        before = digest(db)
        for args in (["upgrade", "head"], ["downgrade", "base"], ["stamp", "head"],
                     ["current"]):
            with self.subTest(args=args):
                done = self.miglint(*args, "--db", db)
                self.assert_refused(done, 2, db, "not a database")
                self.assertEqual(digest(db), before)

    def test_database_with_corrupt_pages(self):
        db = self.make_db(os.path.join(self.root, "app.db"))
        with open(db, "r+b") as f:
            f.seek(4096)  # page 2 onwards: the tables; the header stays valid
            f.write(b"\xa5" * 8192)
        before = digest(db)
        for args in (["upgrade", "head"], ["downgrade", "base"], ["stamp", "head"],
                     ["current"]):
            with self.subTest(args=args):
                done = self.miglint(*args, "--db", db)
                self.assert_refused(done, 2, "malformed")
                self.assertEqual(digest(db), before)

    def test_truncated_database(self):
        db = self.make_db(os.path.join(self.root, "app.db"))
        with open(db, "r+b") as f:
            f.truncate(1000)
        before = digest(db)
        done = self.miglint("upgrade", "head", "--db", db)
        self.assertIn(done.returncode, (1, 2), done.stderr)
        self.assertIn("error:", done.stderr)
        self.assertNotIn("internal error", done.stderr)
        self.assertEqual(digest(db), before)


    # --- a revision that controls its own transaction -------------------------------

    def add_revision(self, rev, parent, up, down="SELECT 1;"):
        path = os.path.join(self.project, "versions", rev + "_own_transaction.sql")
        with open(path, "w") as f:
            f.write("-- own transaction\n--\n-- Revision ID: %s\n-- Revises: %s\n"
                    "-- Create Date: 2026-01-01 00:00:00\n\n-- migrate:up\n%s\n\n"
                    "-- migrate:down\n%s\n" % (rev, parent, up, down))

    def test_revision_that_commits_or_rolls_back_is_refused_before_it_runs(self):
        """A COMMIT in the middle of a revision would make its first half permanent while
        the version table still names the previous revision: refused, nothing kept."""
        head = self.miglint("heads").stdout.split()[0]
        cases = {
            "COMMIT": "CREATE TABLE half (id INTEGER);\nCOMMIT;\nCREATE TABLE other (x);",
            "END": "CREATE TABLE half (id INTEGER);\nEND TRANSACTION;",
            "ROLLBACK": "CREATE TABLE half (id INTEGER);\nROLLBACK;",
            "BEGIN": "BEGIN;\nCREATE TABLE half (id INTEGER);\nCOMMIT;",
            "RELEASE miglint_body": "RELEASE miglint_body;",
        }
        for statement, up in cases.items():
            with self.subTest(statement=statement):
                self.add_revision("ab12ab12ab12", head, up)
                db = self.make_db(os.path.join(self.root, "tx.db"), head)
                before = digest(db)
                done = self.miglint("upgrade", "head", "--db", db)
                self.assert_refused(done, 1, "ab12ab12ab12",
                                    "must not begin, commit or roll back transactions")
                self.assertEqual(digest(db), before)
                with sqlite3.connect(db) as c:
                    self.assertEqual(c.execute("SELECT version_num FROM alembic_version").fetchall(),
                                     [(head,)])
                c.close()
                verify = self.miglint("verify")
                self.assertEqual(verify.returncode, 1, verify.stdout + verify.stderr)
                self.assertIn("must not begin, commit or roll back transactions", verify.stdout)
                self.assertNotIn("no such savepoint", verify.stdout + verify.stderr)
                os.remove(db)

    def test_revision_with_its_own_savepoints_runs(self):
        head = self.miglint("heads").stdout.split()[0]
        self.add_revision("ab12ab12ab12", head,
                          "SAVEPOINT mine;\nCREATE TABLE kept (id INTEGER);\nRELEASE mine;\n"
                          "SAVEPOINT undone;\nCREATE TABLE dropped (id INTEGER);\n"
                          "ROLLBACK TO undone;\nRELEASE undone;",
                          "DROP TABLE kept;")
        db = os.path.join(self.root, "sp.db")
        done = self.miglint("upgrade", "head", "--db", db)
        self.assertEqual(done.returncode, 0, done.stderr)
        with sqlite3.connect(db) as c:
            names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        c.close()
        self.assertIn("kept", names)
        self.assertNotIn("dropped", names)
        verify = self.miglint("verify")
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)


def rows_of(n):
    """An INSERT of n rows of 1 kB: too big for the small filesystem or file size limit."""
    return ("INSERT INTO a SELECT zeroblob(1000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 "
            "UNION ALL SELECT x + 1 FROM c WHERE x < %d) SELECT x FROM c)" % n)


# r1..r3 and the downgrade of r3 are small; the upgrade of r4 and the downgrade of r2
# write 1 MB, so each direction stops half way, after some revisions committed.
DISK_HISTORY = [
    Rev("r1", (), ["CREATE TABLE a (x BLOB)"], ["DROP TABLE a"]),
    Rev("r2", "r1", ["CREATE TABLE b (x INTEGER)"], [rows_of(1000), "DROP TABLE b"]),
    Rev("r3", "r2", ["CREATE TABLE c (x INTEGER)"], ["DROP TABLE c"]),
    Rev("r4", "r3", [rows_of(1000)], ["DELETE FROM a"]),
]


class DiskFullMidMigrationTest(unittest.TestCase):
    """A write that fails half way through `upgrade` / `downgrade`: the message names the
    revision, its file and the revision the database is left at (what `current` says
    afterwards), and the database is intact at that revision."""

    def setUp(self):
        self.tmp = TempDir()
        self.project = Project(os.path.join(self.tmp.path, "p"), DISK_HISTORY)
        self.mounts = []

    def tearDown(self):
        for m in reversed(self.mounts):
            umount(m)
        self.tmp.cleanup()

    def assert_left_at(self, done, db, up, failed, file, left_at, reason):
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertNotIn("internal error", done.stderr)
        self.assertRegex(done.stderr, r"sqlversions/%s:\d+:\d+: error: %s of revision %s "
                                      r"failed: .*%s" % (re.escape(file),
                                                         "upgrade" if up else "downgrade",
                                                         failed, re.escape(reason)))
        self.assertIn("the database is at %s" % left_at, done.stderr)
        self.assertEqual(version_rows(db), [left_at])
        current = self.project.miglint("current", db=db)
        self.assertEqual(current.returncode, 0, current.stderr)
        self.assertEqual(current.stdout.split()[0], left_at)
        con = sqlite3.connect(db)
        try:
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            self.assertEqual(con.execute("SELECT count(*) FROM a").fetchone()[0], 0)
        finally:
            con.close()

    def test_full_disk(self):
        path = tempfile.mkdtemp(dir=self.tmp.path, prefix="fs-")
        if not try_mount_tmpfs(path, "256k"):
            self.skipTest("cannot mount a tmpfs here (needs root); "
                          "test_file_size_limit covers a write that fails half way")
        self.mounts.append(path)
        db = os.path.join(path, "app.db")
        done = self.project.miglint("upgrade", "head", db=db)
        self.assert_left_at(done, db, True, "r4", "r4_rev3.sql", "r3",
                            "database or disk is full")
        self.assertIn("no space is left on the disk of %s" % db, done.stderr)
        done = self.project.miglint("downgrade", "base", db=db)
        self.assert_left_at(done, db, False, "r2", "r2_rev1.sql", "r2",
                            "database or disk is full")

    def test_file_size_limit(self):
        # No file may grow past 128 kB (ulimit -f): the write fails with EFBIG, which
        # SQLite reports as an I/O error. miglint must not die of SIGXFSZ.
        db = self.project.db

        def limited(*args):
            return subprocess.run(
                ["prlimit", "--fsize=131072", miglint_path(), "-C", self.project.root,
                 "--versions", "sqlversions"] + list(args) + ["--db", db],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8",
                errors="replace", timeout=120)

        if not shutil.which("prlimit"):
            self.skipTest("prlimit (util-linux) is not installed")
        done = limited("upgrade", "head")
        self.assertNotEqual(done.returncode, -signal.SIGXFSZ, "killed by SIGXFSZ")
        self.assert_left_at(done, db, True, "r4", "r4_rev3.sql", "r3", "disk I/O error")
        done = limited("downgrade", "base")
        self.assert_left_at(done, db, False, "r2", "r2_rev1.sql", "r2", "disk I/O error")


if __name__ == "__main__":
    unittest.main()

"""Real processes on one SQLite file: two `miglint upgrade` at once apply every revision
exactly once; `kill -9` during an upgrade leaves the database at the last committed
revision, and the next `miglint upgrade` finishes the job."""

import os
import signal
import sqlite3
import subprocess
import time
import unittest

from engine_project import Project, Rev, version_rows
from miglint_e2e import TempDir, miglint_path

COUNT = 12


def filler(n):
    return ("INSERT INTO filler SELECT x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
            "SELECT x + 1 FROM c WHERE x < %d) SELECT x FROM c)" % n)


def history(work, slow_index=None, slow_work=0):
    revs = [Rev("r000", (), ["CREATE TABLE applied (rev TEXT NOT NULL)",
                             "CREATE TABLE filler (x INTEGER)"],
                ["DROP TABLE filler", "DROP TABLE applied"], "bookkeeping")]
    for i in range(1, COUNT + 1):
        rid = "r%03d" % i
        n = slow_work if i == slow_index else work
        revs.append(Rev(rid, revs[-1].rev,
                        ["INSERT INTO applied (rev) VALUES ('%s')" % rid, filler(n),
                         "DELETE FROM filler", "CREATE TABLE t%03d (id INTEGER PRIMARY KEY)" % i],
                        ["DROP TABLE t%03d" % i, "DELETE FROM applied WHERE rev = '%s'" % rid],
                        "step %d" % i))
    return revs


def start_upgrade(project):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("ALEMBIC_DATABASE_URL", None)
    return subprocess.Popen([miglint_path(), "-C", project.root, "--versions", "sqlversions",
                             "upgrade", "heads", "--db", project.db],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            encoding="utf-8")


class ConcurrencyTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def applied(self, db):
        con = sqlite3.connect(db)
        try:
            return [r[0] for r in con.execute("SELECT rev FROM applied ORDER BY rowid")]
        finally:
            con.close()

    def test_two_upgrades_at_once_apply_each_revision_once(self):
        p = Project(os.path.join(self.tmp.path, "p"), history(200000))
        first = start_upgrade(p)
        second = start_upgrade(p)
        out1 = first.communicate(timeout=120)
        out2 = second.communicate(timeout=120)
        self.assertEqual(first.returncode, 0, out1[1])
        self.assertEqual(second.returncode, 0, out2[1])
        expected = ["r%03d" % i for i in range(1, COUNT + 1)]
        self.assertEqual(self.applied(p.db), expected)
        self.assertEqual(version_rows(p.db), ["r%03d" % COUNT])
        ran = [l for l in (out1[1] + out2[1]).splitlines() if "Running upgrade" in l]
        self.assertEqual(len(ran), COUNT + 1, out1[1] + out2[1])
        again = p.miglint("upgrade", "heads")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertNotIn("Running", again.stderr)

    def test_kill_during_upgrade_leaves_last_good_revision(self):
        slow = 7
        p = Project(os.path.join(self.tmp.path, "p"), history(1000, slow, 60000000))
        proc = start_upgrade(p)
        seen = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            if "-> r%03d" % slow in line:
                break
        time.sleep(0.3)  # inside the slow statement, with the revision's transaction open
        self.assertIsNone(proc.poll(), "".join(seen))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()

        self.assertEqual(version_rows(p.db), ["r%03d" % (slow - 1)])
        self.assertEqual(self.applied(p.db), ["r%03d" % i for i in range(1, slow)])
        current = p.miglint("current")
        self.assertEqual(current.returncode, 0, current.stderr)
        self.assertEqual(current.stdout.split()[0], "r%03d" % (slow - 1))

        # The slow revision is fine, only slow: the next upgrade completes the history.
        done = p.miglint("upgrade", "heads", timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(version_rows(p.db), ["r%03d" % COUNT])
        self.assertEqual(self.applied(p.db), ["r%03d" % i for i in range(1, COUNT + 1)])

    def test_failing_statement_rolls_back_only_its_revision(self):
        revs = history(10)
        revs[5].up.insert(2, "INSERT INTO nowhere VALUES (1)")
        p = Project(os.path.join(self.tmp.path, "p"), revs)
        r = p.miglint("upgrade", "heads")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"sqlversions/r005_rev5\.sql:\d+:1: error: upgrade of "
                                   r"revision r005 failed: no such table: nowhere")
        self.assertIn("INSERT INTO nowhere", r.stderr)
        self.assertIn("the database is at r004", r.stderr)
        self.assertEqual(version_rows(p.db), ["r004"])
        self.assertEqual(self.applied(p.db), ["r001", "r002", "r003", "r004"])


if __name__ == "__main__":
    unittest.main()

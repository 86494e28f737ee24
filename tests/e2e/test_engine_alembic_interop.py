"""miglint and the real Alembic on the same SQLite files: the same history written as
native SQL revisions and as Alembic revisions (op.execute of the same SQL). Every command
of a sequence must run the same revisions in the same order ("Running ..." log lines),
leave the same version rows, and agree on `current`; a database carried back and forth
between the two tools ends with the schema Alembic alone produces."""

import os
import sqlite3
import subprocess
import unittest

from engine_project import (Project, Rev, alembic_batch, current_set, running_lines, schema,
                            version_rows)
from miglint_e2e import TempDir

# a1 - b2 (branchpoint) - c3 \
#                  \- d4 ---- e5 (merge) - f6 - g7
# x1 (aux) - x2            (a second base, labelled)
HISTORY = [
    Rev("a1a1a1", (), ["CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"],
        ["DROP TABLE authors"], "create authors"),
    Rev("b2b2b2", "a1a1a1",
        ["CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id), "
         "title TEXT)"], ["DROP TABLE books"], "create books"),
    Rev("c3c3c3", "b2b2b2",
        ["ALTER TABLE books ADD COLUMN genre VARCHAR(60)",
         "CREATE INDEX ix_books_genre ON books (genre)"],
        ["DROP INDEX ix_books_genre", "ALTER TABLE books DROP COLUMN genre"], "add genre"),
    Rev("d4d4d4", "b2b2b2",
        ["CREATE TABLE loans (id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL "
         "REFERENCES books(id) ON DELETE CASCADE)"], ["DROP TABLE loans"], "add loans"),
    Rev("e5e5e5", ("c3c3c3", "d4d4d4"), [], [], "merge genre and loans"),
    Rev("f6f6f6", "e5e5e5",
        ["CREATE TRIGGER loans_guard BEFORE DELETE ON books BEGIN SELECT 1; END"],
        ["DROP TRIGGER loans_guard"], "guard deletes"),
    Rev("g7g7g7", "f6f6f6", ["CREATE VIEW loaned AS SELECT book_id FROM loans"],
        ["DROP VIEW loaned"], "loaned view"),
    Rev("x1x1x1", (), ["CREATE TABLE aux_t (id INTEGER PRIMARY KEY)"], ["DROP TABLE aux_t"],
        "aux table", labels=("aux",)),
    Rev("x2x2x2", "x1x1x1", ["ALTER TABLE aux_t ADD COLUMN note TEXT"],
        ["ALTER TABLE aux_t DROP COLUMN note"], "aux note"),
]

SEQUENCE = [
    ["upgrade", "b2b2"],
    ["upgrade", "c3c3c3"],
    ["upgrade", "aux@head"],
    ["upgrade", "d4d4d4"],
    ["upgrade", "heads"],
    ["downgrade", "c3c3c3"],          # across the merge point: d4 comes back as a head
    ["downgrade", "aux@base"],
    ["upgrade", "+1"],                 # ambiguous: two current heads
    ["upgrade", "e5e5e5"],
    ["downgrade", "-1"],
    ["upgrade", "g7g7g7"],
    ["downgrade", "g7g7g7-3"],
    ["stamp", "b2b2b2"],
    ["stamp", "heads"],
    ["downgrade", "base"],
    ["upgrade", "a1a1a1+2"],
    ["upgrade", "aux@+1"],
    ["upgrade", "heads"],
]


class InteropTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def project(self, name):
        return Project(os.path.join(self.tmp.path, name), HISTORY)

    def test_echo_prints_a_script_the_sqlite3_shell_replays(self):
        """`--echo` prints every statement run, with its values in place: fed to the
        sqlite3 shell, it builds the same database, version rows included."""
        p = self.project("echo")
        replayed = os.path.join(self.tmp.path, "replayed.db")
        for command in (["upgrade", "heads"], ["downgrade", "c3c3c3"]):
            r = p.miglint(*command, "-q", "--echo")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("BEGIN IMMEDIATE;\n", r.stderr)
            self.assertNotIn("INFO", r.stderr)
            self.assertNotIn("?", r.stderr)
            shell = subprocess.run(["sqlite3", replayed], input=r.stderr, text=True,
                                   capture_output=True)
            self.assertEqual((shell.returncode, shell.stderr), (0, ""))
            self.assertEqual(schema(replayed), schema(p.db))
            self.assertEqual(version_rows(replayed), version_rows(p.db))

    def test_each_command_runs_what_alembic_runs(self):
        mig = self.project("mig")
        ref = self.project("ref")
        results = alembic_batch([ref.alembic_job(*cmd) for cmd in SEQUENCE]
                                + [ref.alembic_job("current")])
        ref_rows = []
        # Alembic ran the whole sequence in one process; replay it to read the rows after
        # each step (cheap: the rows only depend on the steps).
        for i, cmd in enumerate(SEQUENCE):
            r = mig.miglint(*cmd)
            a = results[i]
            with self.subTest(step=i, command=" ".join(cmd)):
                self.assertEqual(a["rc"] == 0, r.returncode == 0,
                                 "alembic rc %d: %s\nmiglint rc %d: %s" % (
                                     a["rc"], a["stdout"] + a["stderr"], r.returncode, r.stderr))
                if a["rc"] != 0:
                    self.assertEqual(r.returncode, 1, r.stderr)
                self.assertEqual(running_lines(a["stderr"]), running_lines(r.stderr))
        self.assertEqual(version_rows(ref.db), version_rows(mig.db))
        self.assertEqual(schema(ref.db), schema(mig.db))
        self.assertEqual(current_set(results[-1]["stdout"]),
                         current_set(mig.miglint("current").stdout))
        del ref_rows

    def test_rows_after_every_step_match(self):
        mig = self.project("mig")
        ref = self.project("ref")
        for i, cmd in enumerate(SEQUENCE[:8]):
            mig.miglint(*cmd)
            ref.alembic(*cmd)
            with self.subTest(step=i, command=" ".join(cmd)):
                self.assertEqual(version_rows(ref.db), version_rows(mig.db))

    def test_database_moves_between_the_tools(self):
        shared = self.project("shared")
        ref = self.project("ref")
        steps = [
            ("miglint", ["upgrade", "c3c3c3"]),
            ("alembic", ["upgrade", "e5e5e5"]),        # alembic continues through the merge
            ("miglint", ["upgrade", "heads"]),
            ("alembic", ["downgrade", "c3c3c3"]),      # and takes it back across the merge
            ("miglint", ["upgrade", "g7g7g7"]),
            ("alembic", ["downgrade", "aux@base"]),
            ("miglint", ["downgrade", "d4d4d4"]),
            ("alembic", ["upgrade", "heads"]),
        ]
        for tool, cmd in steps:
            if tool == "miglint":
                r = shared.miglint(*cmd)
                self.assertEqual(r.returncode, 0, r.stderr)
            else:
                a = shared.alembic(*cmd)
                self.assertEqual(a.returncode, 0, a.stdout + a.stderr)
            ref.alembic(*cmd)
            with self.subTest(after=" ".join([tool] + cmd)):
                self.assertEqual(version_rows(ref.db), version_rows(shared.db))
                mine = shared.miglint("current")
                theirs = shared.alembic("current")
                self.assertEqual(mine.returncode, 0, mine.stderr)
                self.assertEqual(current_set(theirs.stdout), current_set(mine.stdout))
        self.assertEqual(schema(ref.db), schema(shared.db))

    def test_history_indicates_current_like_alembic(self):
        p = self.project("p")
        self.assertEqual(p.miglint("upgrade", "c3c3c3").returncode, 0)
        self.assertEqual(p.miglint("upgrade", "aux@head").returncode, 0)
        a = p.alembic("history", "--indicate-current")
        r = p.miglint("history")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(a.stdout, r.stdout)
        self.assertIn("(current)", r.stdout)

    def test_history_ranges_with_current_like_alembic(self):
        """`current` as a bound of `history -r` is the database's revision (base when the
        database is empty; an empty upper bound walks to the heads), as in Alembic."""
        p = self.project("p")
        ranges = ["current:", ":current", "current:heads", "base:current", "current:current"]
        states = [[], ["upgrade", "c3c3c3"], ["upgrade", "aux@head"], ["upgrade", "heads"]]
        for state in states:
            if state:
                self.assertEqual(p.miglint(*state).returncode, 0)
            jobs = [p.alembic_job("history", "-i", "-r", rng) for rng in ranges]
            for rng, a in zip(ranges, alembic_batch(jobs)):
                with self.subTest(state=" ".join(state) or "empty", range=rng):
                    r = p.miglint("history", "-r", rng)
                    self.assertEqual(a["rc"] == 0, r.returncode == 0,
                                     "alembic: %s\nmiglint: %s" % (a["stdout"] + a["stderr"],
                                                                   r.stdout + r.stderr))
                    if a["rc"] == 0:
                        self.assertEqual(a["stdout"], r.stdout)

    def test_current_on_missing_file_and_unknown_revision(self):
        p = self.project("p")
        r = p.miglint("current")
        self.assertEqual(r.returncode, 2)
        self.assertIn("does not exist", r.stderr)
        self.assertFalse(os.path.exists(p.db))
        self.assertEqual(p.miglint("upgrade", "b2b2b2").returncode, 0)
        con = sqlite3.connect(p.db)
        con.execute("UPDATE alembic_version SET version_num = 'zzzz99'")
        con.commit()
        con.close()
        for cmd in (["current"], ["upgrade", "heads"], ["downgrade", "base"], ["stamp", "heads"]):
            r = p.miglint(*cmd)
            with self.subTest(command=" ".join(cmd)):
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("zzzz99", r.stderr)
        self.assertEqual(version_rows(p.db), ["zzzz99"])
        self.assertEqual(p.miglint("stamp", "--purge", "heads").returncode, 0)
        self.assertEqual(version_rows(p.db), ["g7g7g7", "x2x2x2"])

    def test_upgrade_head_with_two_heads_fails_like_alembic(self):
        p = self.project("p")
        r = p.miglint("upgrade", "head")
        self.assertEqual(r.returncode, 1)
        self.assertIn("multiple head revisions", r.stderr)
        self.assertIn("'heads'", r.stderr)
        self.assertIn("@head", r.stderr)
        a = p.alembic("upgrade", "head")
        self.assertNotEqual(a.returncode, 0)
        self.assertIn("Multiple head revisions", a.stdout + a.stderr)

    def test_offline_sql_matches_alembic(self):
        p = self.project("p")
        for cmd in (["upgrade", "g7g7g7", "--sql"], ["downgrade", "g7g7g7:b2b2b2", "--sql"]):
            a = p.alembic(*cmd)
            r = p.miglint_nodb(*cmd)
            with self.subTest(command=" ".join(cmd)):
                self.assertEqual(a.returncode, 0, a.stderr)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(a.stdout.strip(), r.stdout.strip())
        self.assertFalse(os.path.exists(p.db))


if __name__ == "__main__":
    unittest.main()

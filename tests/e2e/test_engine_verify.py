"""`miglint verify` on histories with seeded defects: each is reported with the right rule,
revision, file and line, and verification goes on past irreversible revisions."""

import json
import os
import unittest

from engine_project import Project, Rev
from miglint_e2e import TempDir

BASE = [
    Rev("a1a1a1", (), ["CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT)"],
        ["DROP TABLE users"], "create users"),
]


def line_of(project, rev_id, text, after_marker=None):
    """1-based line of `text` in the SQL file of rev_id (after `after_marker` if given)."""
    folder = os.path.join(project.root, "sqlversions")
    name = [f for f in os.listdir(folder) if f.startswith(rev_id)][0]
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = lines.index(after_marker) if after_marker else 0
    for i in range(start, len(lines)):
        if text in lines[i]:
            return i + 1
    raise AssertionError("%s not in %s" % (text, name))


class VerifyTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def verify(self, revs, *args):
        p = Project(os.path.join(self.tmp.path, "p%d" % len(os.listdir(self.tmp.path))), revs)
        r = p.miglint_nodb("--format", "json", "verify", *args)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return p, r.returncode, json.loads(r.stdout)

    def only(self, report, rule):
        found = [d for d in report["diagnostics"] if d["rule"] == rule]
        self.assertEqual(len(found), 1, json.dumps(report["diagnostics"], indent=1))
        return found[0]

    def test_clean_history_verifies(self):
        revs = BASE + [
            Rev("b2b2b2", "a1a1a1", ["ALTER TABLE users ADD COLUMN age INTEGER",
                                     "CREATE INDEX ix_users_age ON users (age)"],
                ["DROP INDEX ix_users_age", "ALTER TABLE users DROP COLUMN age"], "add age"),
        ]
        _, rc, report = self.verify(revs)
        self.assertEqual(rc, 0, report)
        self.assertEqual(report["diagnostics"], [])
        self.assertEqual([r["status"] for r in report["revisions"]], ["ok", "ok"])
        phases = report["revisions"][1]["phases"]
        self.assertEqual([ph["phase"] for ph in phases][:3], ["upgrade", "downgrade", "reupgrade"])
        self.assertEqual([s["name"] for s in phases[0]["steps"]], ["ALTER TABLE ADD COLUMN", "CREATE INDEX"])
        self.assertTrue(report["summary"]["final_downgrade_checked"])

    def test_down_section_forgets_an_index(self):
        revs = BASE + [Rev("b2b2b2", "a1a1a1", ["CREATE INDEX ix_users_email ON users (email)"], [],
                           "index emails")]
        p, rc, report = self.verify(revs)
        self.assertEqual(rc, 1)
        d = self.only(report, "roundtrip-not-restored")
        self.assertEqual((d["code"], d["revision"]), ("MG303", "b2b2b2"))
        self.assertIn("ix_users_email", d["message"])
        self.assertEqual(d["line"], line_of(p, "b2b2b2", "-- migrate:down"))

    def test_down_section_drops_the_wrong_column(self):
        revs = BASE + [Rev("b2b2b2", "a1a1a1", ["ALTER TABLE users ADD COLUMN nickname TEXT"],
                           ["ALTER TABLE users DROP COLUMN name"], "add nickname")]
        _, rc, report = self.verify(revs)
        self.assertEqual(rc, 1)
        d = self.only(report, "roundtrip-not-restored")
        text = d["message"] + " ".join(n["message"] for n in d["notes"])
        self.assertIn('"name"', text)
        self.assertIn('"nickname"', text)
        self.assertIn('table "users"', text)

    def test_down_section_leaves_a_table_behind(self):
        revs = BASE + [Rev("b2b2b2", "a1a1a1", ["CREATE TABLE tags (id INTEGER PRIMARY KEY)"],
                           [], "add tags")]
        _, rc, report = self.verify(revs)
        self.assertEqual(rc, 1)
        d = self.only(report, "roundtrip-not-restored")
        self.assertIn('table "tags"', d["message"])

    def test_failing_down_statement_is_reported_at_its_line(self):
        revs = BASE + [Rev("b2b2b2", "a1a1a1", ["CREATE TABLE tags (id INTEGER PRIMARY KEY)"],
                           ["DROP TABLE tag"], "add tags")]
        p, rc, report = self.verify(revs)
        self.assertEqual(rc, 1)
        d = self.only(report, "roundtrip-downgrade-failed")
        self.assertIn("no such table: tag", d["message"])
        self.assertEqual(d["line"], line_of(p, "b2b2b2", "DROP TABLE tag;"))
        self.assertTrue(d["path"].endswith(".sql"))

    def test_failing_upgrade_is_reported_and_stops(self):
        revs = BASE + [
            Rev("b2b2b2", "a1a1a1", ["CREATE INDEX ix_missing ON nowhere (x)"], [], "bad index"),
            Rev("c3c3c3", "b2b2b2", ["CREATE TABLE later (id INTEGER)"], ["DROP TABLE later"],
                "later"),
        ]
        p, rc, report = self.verify(revs)
        self.assertEqual(rc, 1)
        d = self.only(report, "roundtrip-upgrade-failed")
        self.assertEqual(d["line"], line_of(p, "b2b2b2", "CREATE INDEX ix_missing"))
        self.assertEqual([r["status"] for r in report["revisions"]],
                         ["ok", "upgrade-failed", "not-reached"])

    def test_second_upgrade_that_fails_is_not_repeatable(self):
        revs = BASE + [
            Rev("b2b2b2", "a1a1a1", ["CREATE TABLE settings (k TEXT PRIMARY KEY)"],
                ["DROP TABLE settings"], "settings"),
            # The row the downgrade leaves is MG307 unless accepted; the second upgrade
            # then fails on it.
            Rev("c3c3c3", "b2b2b2", ["-- miglint: ignore[MG307] the row is meant to stay\n"
                                     "INSERT INTO settings (k) VALUES ('theme')"], [],
                "seed settings"),
        ]
        _, rc, report = self.verify(revs)
        self.assertEqual(rc, 1)
        d = self.only(report, "roundtrip-not-repeatable")
        self.assertEqual(d["revision"], "c3c3c3")
        self.assertIn("UNIQUE constraint failed", d["message"])

    def test_irreversible_revision_is_information_and_later_ones_are_checked(self):
        revs = BASE + [
            Rev("b2b2b2", "a1a1a1", ["UPDATE users SET name = lower(name)"], None,
                "normalise names"),
            Rev("c3c3c3", "b2b2b2", ["CREATE TABLE tags (id INTEGER PRIMARY KEY)"], [],
                "add tags"),
        ]
        _, rc, report = self.verify(revs)
        self.assertEqual(rc, 1)
        info = self.only(report, "roundtrip-irreversible")
        self.assertEqual((info["severity"], info["revision"]), ("info", "b2b2b2"))
        self.assertEqual(self.only(report, "roundtrip-not-restored")["revision"], "c3c3c3")
        self.assertFalse(report["summary"]["final_downgrade_checked"])

    def test_from_and_to_limit_the_checked_range(self):
        revs = BASE + [
            Rev("b2b2b2", "a1a1a1", ["CREATE TABLE t1 (id INTEGER)"], [], "leaves t1"),
            Rev("c3c3c3", "b2b2b2", ["CREATE TABLE t2 (id INTEGER)"], ["DROP TABLE t2"], "t2"),
            Rev("d4d4d4", "c3c3c3", ["CREATE TABLE t3 (id INTEGER)"], [], "leaves t3"),
        ]
        _, rc, report = self.verify(revs, "--from", "c3c3c3", "--to", "c3c3c3")
        self.assertEqual(rc, 0, report)
        self.assertEqual([r["status"] for r in report["revisions"]], ["upgraded", "upgraded", "ok"])
        _, rc, report = self.verify(revs, "--from", "c3c3c3")
        self.assertEqual(rc, 1)
        self.assertEqual(self.only(report, "roundtrip-not-restored")["revision"], "d4d4d4")

    def test_text_output_names_file_line_and_rule(self):
        revs = BASE + [Rev("b2b2b2", "a1a1a1", ["CREATE TABLE tags (id INTEGER PRIMARY KEY)"],
                           ["DROP TABLE tag"], "add tags")]
        p = Project(os.path.join(self.tmp.path, "text"), revs)
        r = p.miglint_nodb("verify")
        self.assertEqual(r.returncode, 1)
        line = line_of(p, "b2b2b2", "DROP TABLE tag;")
        self.assertRegex(r.stdout, r"sqlversions/b2b2b2_rev1\.sql:%d:1: error: .*"
                                   r"\[roundtrip-downgrade-failed\]" % line)


if __name__ == "__main__":
    unittest.main()

"""`miglint verify` compares everything SQLite stores about the schema, not only what
PRAGMAs list, and the rows: each broken downgrade below passed before and is now reported
with its rule; legitimate re-spellings are not."""

import json
import os
import unittest

from engine_project import Project, Rev
from miglint_e2e import TempDir

USERS = Rev("a1a1a1", (), ["CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT)"],
            ["DROP TABLE users"], "create users")


def rebuild(create, columns="id, email, name"):
    """Statements that rebuild users as `create` (the way a batch operation does)."""
    return [create.replace("CREATE TABLE users", "CREATE TABLE users_new"),
            "INSERT INTO users_new (%s) SELECT %s FROM users" % (columns, columns),
            "DROP TABLE users", "ALTER TABLE users_new RENAME TO users"]


class VerifyDepthTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def verify(self, revs, *args):
        p = Project(os.path.join(self.tmp.path, "p%d" % len(os.listdir(self.tmp.path))), revs)
        r = p.miglint_nodb("--format", "json", "verify", *args)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return r.returncode, json.loads(r.stdout)

    def findings(self, report, rule):
        return [d for d in report["diagnostics"] if d["rule"] == rule]

    def text_of(self, d):
        return d["message"] + " | " + " | ".join(n["message"] for n in d.get("notes", []))

    def assert_not_restored(self, up, down, *expected):
        rc, report = self.verify([USERS, Rev("b2b2b2", "a1a1a1", up, down, "change users")])
        self.assertEqual(rc, 1, report)
        found = self.findings(report, "roundtrip-not-restored")
        self.assertEqual(len(found), 1, report["diagnostics"])
        for text in expected:
            self.assertIn(text, self.text_of(found[0]))
        self.assertEqual(report["revisions"][1]["status"], "not-restored")

    def assert_clean(self, revs, *args):
        rc, report = self.verify(revs, *args)
        self.assertEqual(rc, 0, report)
        self.assertEqual([d for d in report["diagnostics"] if d["severity"] != "info"], [])
        return report

    # ---- schema ----------------------------------------------------------------------------

    def test_column_restored_with_another_collation(self):
        self.assert_not_restored(
            rebuild("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, x INT)"),
            rebuild("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT COLLATE NOCASE, "
                    "name TEXT)"),
            'column "email" has collation nocase, expected BINARY')

    def test_foreign_key_restored_deferrable(self):
        orders = Rev("b2b2b2", "a1a1a1",
                     ["CREATE TABLE orders (id INTEGER PRIMARY KEY, "
                      "user_id INTEGER REFERENCES users (id))"],
                     ["DROP TABLE orders"], "orders")
        rc, report = self.verify([USERS, orders, Rev(
            "c3c3c3", "b2b2b2", ["ALTER TABLE orders ADD COLUMN note TEXT"],
            ["CREATE TABLE o2 (id INTEGER PRIMARY KEY, user_id INTEGER, FOREIGN KEY (user_id) "
             "REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED)",
             "INSERT INTO o2 (id, user_id) SELECT id, user_id FROM orders",
             "DROP TABLE orders", "ALTER TABLE o2 RENAME TO orders"], "note")])
        self.assertEqual(rc, 1, report)
        d = self.findings(report, "roundtrip-not-restored")[0]
        self.assertIn("DEFERRABLE INITIALLY DEFERRED unexpected", self.text_of(d))
        self.assertIn("foreign key (user_id) -> users(id) missing", self.text_of(d))

    def test_unique_restored_on_conflict_replace(self):
        base = Rev("a1a1a1", (), ["CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, "
                                  "name TEXT, UNIQUE (email))"], ["DROP TABLE users"], "users")
        rc, report = self.verify([base, Rev(
            "b2b2b2", "a1a1a1", ["ALTER TABLE users ADD COLUMN age INTEGER"],
            ["ALTER TABLE users DROP COLUMN age"] +
            rebuild("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, "
                    "UNIQUE (email) ON CONFLICT REPLACE)"), "age")])
        self.assertEqual(rc, 1, report)
        self.assertIn('unique constraint (email) ON CONFLICT REPLACE, expected unique constraint '
                      '(email)', self.text_of(self.findings(report, "roundtrip-not-restored")[0]))

    def test_generated_column_expression_changed(self):
        self.assert_not_restored(
            rebuild("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT)"),
            ["DROP TABLE users",
             "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, "
             "domain TEXT GENERATED ALWAYS AS (lower(email)) VIRTUAL)"],
            'column "domain" unexpected')
        base = Rev("a1a1a1", (), ["CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, "
                                  "b INT GENERATED ALWAYS AS (a * 2) STORED)"],
                   ["DROP TABLE t"], "t")
        rc, report = self.verify([base, Rev(
            "b2b2b2", "a1a1a1", ["ALTER TABLE t ADD COLUMN c INT"],
            ["DROP TABLE t", "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, "
             "b INT GENERATED ALWAYS AS (a * 3) STORED)"], "c")], "--rows", "0")
        self.assertEqual(rc, 1, report)
        self.assertIn('column "b" is generated as a * 3, expected a * 2',
                      self.text_of(self.findings(report, "roundtrip-not-restored")[0]))

    def test_a_respelled_rebuild_is_not_a_difference(self):
        base = Rev("a1a1a1", (), [
            "CREATE TABLE users (id INTEGER NOT NULL, email TEXT COLLATE NOCASE, name TEXT, "
            "PRIMARY KEY (id), UNIQUE (email) ON CONFLICT IGNORE, CHECK (length(name) > 0))"],
            ["DROP TABLE users"], "users")
        respelled = ('CREATE TABLE "users" ("id" INTEGER NOT NULL, "email" TEXT COLLATE "nocase", '
                     '"name" TEXT, CHECK (length("name")>0), CONSTRAINT uq UNIQUE ("email") ON '
                     'CONFLICT IGNORE, PRIMARY KEY ("id"))')
        self.assert_clean([base, Rev("b2b2b2", "a1a1a1",
                                     rebuild(respelled.replace('"users"', "users")),
                                     rebuild(respelled.replace('"users"', "users")), "respell")])

    def test_column_order_is_information_only(self):
        revs = [USERS, Rev("b2b2b2", "a1a1a1", ["ALTER TABLE users DROP COLUMN email"],
                           ["ALTER TABLE users ADD COLUMN email TEXT"], "drop email")]
        report = self.assert_clean(revs, "--rows", "0")
        d = self.findings(report, "roundtrip-column-order")
        self.assertEqual(len(d), 1, report)
        self.assertEqual((d[0]["code"], d[0]["severity"]), ("MG309", "info"))
        self.assertIn("column order (id, name, email), expected (id, email, name)", self.text_of(d[0]))
        self.assertEqual(report["revisions"][1]["status"], "ok")

    def test_user_version_left_changed_is_a_warning(self):
        rc, report = self.verify([USERS, Rev("b2b2b2", "a1a1a1", ["PRAGMA user_version = 5"], [],
                                             "version 5")])
        self.assertEqual(rc, 0, report)
        d = self.findings(report, "roundtrip-user-version-changed")
        self.assertEqual(len(d), 1, report)
        self.assertEqual((d[0]["code"], d[0]["severity"]), ("MG310", "warning"))
        self.assertIn("user_version at 5, expected 0", d[0]["message"])

    # ---- rows ------------------------------------------------------------------------------

    LOSSY = Rev("b2b2b2", "a1a1a1",
                ["ALTER TABLE users ADD COLUMN nickname TEXT", "UPDATE users SET nickname = name",
                 "ALTER TABLE users DROP COLUMN name"],
                ["ALTER TABLE users ADD COLUMN name TEXT", "ALTER TABLE users DROP COLUMN nickname"],
                "rename name")

    def test_downgrade_that_loses_values_is_reported(self):
        rc, report = self.verify([USERS, self.LOSSY])
        self.assertEqual(rc, 1, report)
        d = self.findings(report, "roundtrip-rows-not-restored")
        self.assertEqual(len(d), 1, report["diagnostics"])
        self.assertEqual((d[0]["code"], d[0]["revision"]), ("MG307", "b2b2b2"))
        self.assertIn('table "users": row (id=1) changed: before (1, \'email 1\', \'name 1\'), '
                      "after (1, 'email 1', NULL)", d[0]["message"])
        self.assertEqual(report["revisions"][1]["status"], "rows-not-restored")
        self.assertEqual(report["summary"]["rows-not-restored"], 1)
        self.assertEqual(report["summary"]["failed"], 1)
        # Without sample rows there is nothing to lose.
        self.assert_clean([USERS, self.LOSSY], "--rows", "0")

    def test_rows_an_upgrade_deletes_and_rows_it_inserts_take_part(self):
        delete = Rev("b2b2b2", "a1a1a1", ["DELETE FROM users WHERE id > 1"], [], "prune")
        rc, report = self.verify([USERS, delete])
        self.assertEqual(rc, 1, report)
        self.assertIn("row (id=2) lost: (2, 'email 2', 'name 2')",
                      self.findings(report, "roundtrip-rows-not-restored")[0]["message"])
        # Knowingly lossy: the suppression with its reason accepts it.
        accepted = Rev("b2b2b2", "a1a1a1",
                       ["-- miglint: ignore[roundtrip-rows-not-restored] pruning is one-way\n"
                        "DELETE FROM users WHERE id > 1"], [], "prune")
        self.assert_clean([USERS, accepted])
        # A row a revision inserts itself must survive the next revision's round trip.
        insert = Rev("b2b2b2", "a1a1a1", ["INSERT INTO users (id, email) VALUES (100, 'x@y')"],
                     ["DELETE FROM users WHERE id = 100"], "admin row")
        wipe = Rev("c3c3c3", "b2b2b2", ["ALTER TABLE users ADD COLUMN age INT"],
                   ["CREATE TABLE u2 (id INTEGER PRIMARY KEY, email TEXT, name TEXT)",
                    "DROP TABLE users", "ALTER TABLE u2 RENAME TO users"], "age")
        rc, report = self.verify([USERS, insert, wipe], "--rows", "0")
        self.assertEqual(rc, 1, report)
        d = self.findings(report, "roundtrip-rows-not-restored")
        self.assertEqual([x["revision"] for x in d], ["c3c3c3"])
        self.assertIn("row (id=100) lost: (100, 'x@y', NULL)", d[0]["message"])

    def test_rows_a_trigger_changes_in_a_table_the_revision_never_names(self):
        # Only the tables a revision's statements may change are read again after its round
        # trip; a trigger's statements count among them.
        audit = Rev("b2b2b2", "a1a1a1", [
            "CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT)",
            "CREATE TRIGGER users_touched AFTER UPDATE ON users BEGIN DELETE FROM audit; END"],
            ["DROP TRIGGER users_touched", "DROP TABLE audit"], "audit users")
        touch = Rev("c3c3c3", "b2b2b2", ["UPDATE users SET name = name"], ["SELECT 1"],
                    "touch users")
        rc, report = self.verify([USERS, audit, touch])
        self.assertEqual(rc, 1, report)
        d = self.findings(report, "roundtrip-rows-not-restored")
        self.assertEqual([x["revision"] for x in d], ["c3c3c3"], report["diagnostics"])
        self.assertIn('table "audit": row (id=1) lost', d[0]["message"])

    def test_upgrade_that_fails_only_on_populated_tables(self):
        not_null = Rev("b2b2b2", "a1a1a1",
                       rebuild("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, "
                               "plan TEXT NOT NULL)"),
                       rebuild("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT)"),
                       "plan")
        rc, report = self.verify([USERS, not_null])
        self.assertEqual(rc, 1, report)
        d = self.findings(report, "upgrade-fails-on-populated-table")
        self.assertEqual(len(d), 1, report["diagnostics"])
        self.assertEqual(d[0]["code"], "MG308")
        self.assertIn('table "users_new"', d[0]["message"])
        self.assertIn("INSERT INTO users_new", d[0]["message"])
        self.assertIn("NOT NULL column without a default", d[0]["message"])
        self.assertEqual(report["revisions"][1]["status"], "fails-on-populated-table")
        self.assertEqual(report["summary"]["fails-on-populated-table"], 1)

        unique = Rev("b2b2b2", "a1a1a1", ["CREATE UNIQUE INDEX ux ON users (substr(email, 1, 1))"],
                     ["DROP INDEX ux"], "unique initial")
        rc, report = self.verify([USERS, unique])
        self.assertEqual(rc, 1, report)
        d = self.findings(report, "upgrade-fails-on-populated-table")
        self.assertIn('table "users"', d[0]["message"])
        self.assertIn("duplicate values under a new unique constraint", d[0]["message"])
        self.assert_clean([USERS, unique], "--rows", "0")

    def test_upgrade_that_fails_on_rows_and_drops_a_table(self):
        # Moves users into archive, then adds a fixed row that the moved rows collide with.
        archive = Rev("b2b2b2", "a1a1a1", [
            "CREATE TABLE archive (id INTEGER PRIMARY KEY, email TEXT)",
            "INSERT INTO archive SELECT id, email FROM users", "DROP TABLE users",
            "INSERT INTO archive (id, email) VALUES (1, 'admin')"],
            ["CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT)",
             "DROP TABLE archive"], "archive users")
        rc, report = self.verify([USERS, archive])
        self.assertEqual(rc, 1, report)
        d = self.findings(report, "upgrade-fails-on-populated-table")
        self.assertEqual([x["revision"] for x in d], ["b2b2b2"], report["diagnostics"])
        self.assertIn('table "archive"', d[0]["message"])
        # On the emptied tables it round-trips: the rows to restore are the emptied ones.
        self.assertEqual(self.findings(report, "roundtrip-rows-not-restored"), [])
        self.assertEqual(report["revisions"][1]["status"], "fails-on-populated-table")

    def test_seeding_follows_types_checks_and_foreign_keys(self):
        schema = Rev("a1a1a1", (), [
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(5) NOT NULL UNIQUE, "
            "status VARCHAR(8) NOT NULL CHECK (status IN ('new', 'active')), born DATE, "
            "score FLOAT, active BOOLEAN CHECK (active IN (0, 1)))",
            "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL "
            "REFERENCES users (id), title TEXT NOT NULL)",
            "CREATE TABLE odd (id INTEGER PRIMARY KEY, v INT CHECK (v < 0))"],
            ["DROP TABLE odd", "DROP TABLE posts", "DROP TABLE users"], "schema")
        # The upgrade only succeeds when every seeded row met its constraints and each post
        # references a seeded user.
        probe = Rev("b2b2b2", "a1a1a1", [
            "CREATE TABLE probe (n INT CHECK (n = 3))",
            "INSERT INTO probe SELECT count(*) FROM posts p JOIN users u ON u.id = p.user_id",
            "INSERT INTO probe SELECT count(DISTINCT email) FROM users WHERE length(email) <= 5 "
            "AND status IN ('new', 'active') AND born LIKE '____-__-__' AND typeof(score) = 'real'",
            "INSERT INTO probe SELECT count(*) + 3 FROM odd"],
            ["DROP TABLE probe"], "probe")
        rc, report = self.verify([schema, probe])
        self.assertEqual(rc, 0, report)
        self.assertEqual(report["revisions"][1]["notes"],
                         ['table "odd" not seeded: CHECK constraint failed: v < 0 [SQLITE_CONSTRAINT_CHECK]'])

    def test_table_of_only_an_integer_primary_key_gets_rows(self):
        ids = Rev("a1a1a1", (), ["CREATE TABLE tags (id INTEGER PRIMARY KEY)"],
                  ["DROP TABLE tags"], "create tags")
        label = Rev("b2b2b2", "a1a1a1", ["ALTER TABLE tags ADD COLUMN label TEXT NOT NULL"],
                    ["ALTER TABLE tags DROP COLUMN label"], "label tags")
        rc, report = self.verify([ids, label])
        self.assertEqual(rc, 1, report)
        d = self.findings(report, "upgrade-fails-on-populated-table")
        self.assertEqual([x["revision"] for x in d], ["b2b2b2"], report["diagnostics"])
        self.assertEqual(report["revisions"][1].get("notes", []), [])

    def test_rows_option_is_documented(self):
        p = Project(os.path.join(self.tmp.path, "help"), [USERS])
        r = p.miglint_nodb("verify", "--help")
        self.assertIn("--rows", r.stdout)


if __name__ == "__main__":
    unittest.main()

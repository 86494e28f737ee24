"""`miglint verify` is honest about what it checked: every revision in range gets one
outcome, the summary counts each, and the exit code is 0 only when every revision
round-tripped or is irreversible by design (unless unverifiable ones are accepted
explicitly). Revisions on lineages that do not descend from a failed or unverifiable
revision are still verified. `--start-from` verifies from a copy of an existing database."""

import hashlib
import json
import os
import sqlite3
import unittest

from miglint_e2e import TempDir, run_miglint, write_file

HEADER = '''"""{message}

Revision ID: {rev}
Revises: {down}
"""
from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = {down_repr}
branch_labels = None
depends_on = None

'''


def py_revision(rev, down, message, upgrade, downgrade):
    down_repr = repr(down) if down else "None"
    return (HEADER.format(message=message, rev=rev, down=down or "", down_repr=down_repr)
            + "\ndef upgrade():\n" + upgrade + "\n\ndef downgrade():\n" + downgrade + "\n")


def create(table):
    return ('    op.create_table("%s", sa.Column("id", sa.Integer, primary_key=True))' % table,
            '    op.drop_table("%s")' % table)


# The upgrade calls into a package miglint cannot read: it must not guess.
OPAQUE_UP = ("    import acme_internal_tools\n"
             "    acme_internal_tools.backfill_everything(op.get_bind())")


class VerifyOutcomesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def project(self, revisions, config=None):
        root = os.path.join(self.tmp.path, "p%d" % len(os.listdir(self.tmp.path)))
        for rev, down, message, up, down_body in revisions:
            write_file(os.path.join(root, "versions", "%s_%s.py" % (rev, message.replace(" ", "_"))),
                       py_revision(rev, down, message, up, down_body))
        if config is not None:
            write_file(os.path.join(root, "miglint.toml"), config)
        return root

    def verify(self, root, *args, fmt="json"):
        r = run_miglint(["-C", root, "--format", fmt, "verify"] + list(args))
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)
        return r

    def statuses(self, report):
        return {x["revision"]: x["status"] for x in report["revisions"]}

    # A (users) <- B (unverifiable) <- C ;  A <- D (orders): two lineages from A.
    def branching_history(self, config=None):
        return self.project([
            ("a0000001", None, "create users", *create("users")),
            ("b0000002", "a0000001", "backfill users", OPAQUE_UP, "    pass"),
            ("c0000003", "b0000002", "create invoices", *create("invoices")),
            ("d0000004", "a0000001", "create orders", *create("orders")),
        ], config)

    def test_unverifiable_revision_alone_fails_the_run(self):
        root = self.branching_history()
        r = self.verify(root)
        self.assertEqual(r.returncode, 1, r.stdout)
        report = json.loads(r.stdout)
        self.assertEqual(self.statuses(report), {
            "a0000001": "ok", "b0000002": "unverifiable", "c0000003": "not-reached",
            "d0000004": "ok"})
        s = report["summary"]
        self.assertEqual((s["ok"], s["unverifiable"], s["not-reached"], s["irreversible"]),
                         (2, 1, 1, 0))
        self.assertEqual((s["round_tripped"], s["failed"], s["revisions_in_range"]), (2, 0, 4))
        self.assertFalse(s["unverifiable_accepted"])
        d = [x for x in report["diagnostics"] if x["rule"] == "roundtrip-unverifiable"]
        self.assertEqual(len(d), 1, report["diagnostics"])
        self.assertEqual((d[0]["severity"], d[0]["revision"]), ("error", "b0000002"))
        self.assertIn("acme_internal_tools", d[0]["message"])

    def test_text_summary_counts_each_outcome(self):
        root = self.branching_history()
        r = self.verify(root, fmt="text")
        self.assertEqual(r.returncode, 1, r.stdout)
        last = r.stdout.strip().splitlines()[-1]
        self.assertTrue(last.startswith(
            "miglint: 2 of 4 revisions round-tripped, 1 not verifiable (first: "
            "versions/b0000002_backfill_users.py:17: "), last)
        self.assertTrue(last.endswith(", 1 not reached"), last)
        # The final downgrade to base did not run: said so, not left out.
        self.assertIn("final downgrade of every revision to base was not run", r.stderr)

    def test_allow_unverifiable_opt_in(self):
        root = self.branching_history()
        r = self.verify(root, "--allow-unverifiable")
        self.assertEqual(r.returncode, 0, r.stdout)
        report = json.loads(r.stdout)
        s = report["summary"]
        self.assertEqual((s["ok"], s["unverifiable"], s["not-reached"]), (2, 1, 1))
        self.assertTrue(s["unverifiable_accepted"])
        text = self.verify(root, "--allow-unverifiable", fmt="text")
        self.assertEqual(text.returncode, 0, text.stdout)
        self.assertIn("1 not verifiable", text.stdout)
        self.assertIn("1 not reached", text.stdout)

    def test_config_severity_opt_in(self):
        for severity, finding in (("warning", True), ("off", False)):
            with self.subTest(severity):
                root = self.branching_history('[rules]\nMG306 = "%s"\n' % severity)
                r = self.verify(root)
                self.assertEqual(r.returncode, 0, r.stdout)
                report = json.loads(r.stdout)
                found = [x for x in report["diagnostics"] if x["code"] == "MG306"]
                self.assertEqual(len(found), 1 if finding else 0)
                if finding:
                    self.assertEqual(found[0]["severity"], "warning")
                self.assertEqual(report["summary"]["unverifiable"], 1)
                self.assertEqual(report["summary"]["not-reached"], 1)

    def test_failed_upgrade_blocks_only_its_descendants(self):
        root = self.project([
            ("a0000001", None, "create users", *create("users")),
            ("b0000002", "a0000001", "index missing table",
             '    op.create_index("ix_nope", "nope", ["id"])', '    op.drop_index("ix_nope")'),
            ("c0000003", "b0000002", "create invoices", *create("invoices")),
            ("d0000004", "a0000001", "create orders", *create("orders")),
            ("e0000005", "d0000004", "create lines", *create("lines")),
        ])
        for extra in ((), ("--allow-unverifiable",)):
            r = self.verify(root, *extra)
            self.assertEqual(r.returncode, 1, r.stdout)
            report = json.loads(r.stdout)
            self.assertEqual(self.statuses(report), {
                "a0000001": "ok", "b0000002": "upgrade-failed", "c0000003": "not-reached",
                "d0000004": "ok", "e0000005": "ok"})
            self.assertEqual(report["summary"]["failed"], 1)

    def test_a_data_path_that_cannot_be_interpreted_on_rows_is_checked_on_empty_tables(self):
        # The loop body calls a package miglint cannot read, but only for existing rows: on
        # empty tables the revision runs, so its schema gets a verdict and its descendants
        # are reached, while the revision itself stays unverifiable (what it does to rows was
        # not checked).
        per_row = ('    op.add_column("users", sa.Column("slug", sa.String(40)))\n'
                   '    import acme_slugs\n'
                   '    bind = op.get_bind()\n'
                   '    for row in bind.execute(sa.text("SELECT id FROM users")).fetchall():\n'
                   '        bind.execute(sa.text("UPDATE users SET slug = :s WHERE id = :i"),\n'
                   '                     {"s": acme_slugs.slugify(row.id), "i": row.id})')
        root = self.project([
            ("a0000001", None, "create users", *create("users")),
            ("b0000002", "a0000001", "add users slug", per_row,
             '    with op.batch_alter_table("users") as b:\n        b.drop_column("slug")'),
            ("c0000003", "b0000002", "create invoices", *create("invoices")),
        ])
        r = self.verify(root)
        self.assertEqual(r.returncode, 1, r.stderr)
        report = json.loads(r.stdout)
        self.assertEqual(self.statuses(report),
                         {"a0000001": "ok", "b0000002": "unverifiable", "c0000003": "ok"})
        entry = [x for x in report["revisions"] if x["revision"] == "b0000002"][0]
        finding = [d for d in report["diagnostics"] if d["revision"] == "b0000002"][0]
        self.assertEqual(finding["rule"], "roundtrip-unverifiable")
        self.assertIn(finding["line"], (20, 21))  # the statement that calls slugify
        self.assertIn("existing rows", finding["message"])
        self.assertIn("acme_slugs.slugify", finding["message"])
        phases = [p["phase"] for p in entry["phases"]]
        self.assertIn("upgrade-on-empty-tables", phases)
        # Accepted explicitly, the run passes and still counts it.
        r = self.verify(root, "--allow-unverifiable")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["summary"]["unverifiable"], 1)
        # Without sample rows the loop runs over nothing: every revision round-trips.
        r = self.verify(root, "--rows", "0")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_irreversible_is_counted_apart_and_passes(self):
        root = self.project([
            ("a0000001", None, "create users", *create("users")),
            ("b0000002", "a0000001", "create audit",
             create("audit")[0], '    raise NotImplementedError("audit is kept forever")'),
        ])
        r = self.verify(root)
        self.assertEqual(r.returncode, 0, r.stdout)
        report = json.loads(r.stdout)
        self.assertEqual(self.statuses(report), {"a0000001": "ok", "b0000002": "irreversible"})
        self.assertEqual((report["summary"]["round_tripped"], report["summary"]["irreversible"]),
                         (1, 1))
        text = self.verify(root, fmt="text")
        self.assertEqual(text.stdout.strip().splitlines()[-1],
                         "miglint: 1 of 2 revisions round-tripped, 1 irreversible (upgrade only)")

    def test_downgrade_that_is_not_runnable_is_not_verified(self):
        root = self.project([
            ("a0000001", None, "create users", *create("users")),
            ("b0000002", "a0000001", "create orders", create("orders")[0],
             "    import acme_internal_tools\n    acme_internal_tools.undo(op)"),
        ])
        r = self.verify(root)
        self.assertEqual(r.returncode, 1, r.stdout)
        report = json.loads(r.stdout)
        self.assertEqual(self.statuses(report)["b0000002"], "unverifiable")
        self.assertEqual(report["summary"]["round_tripped"], 1)

    def test_every_revision_ok_exits_zero(self):
        root = self.project([
            ("a0000001", None, "create users", *create("users")),
            ("b0000002", "a0000001", "create orders", *create("orders")),
        ])
        r = self.verify(root, fmt="text")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(r.stdout.strip().splitlines()[-1],
                         "miglint: 2 of 2 revisions round-tripped")
        self.assertNotIn("final downgrade", r.stderr)


class StartFromTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.root = os.path.join(self.tmp.path, "app")
        revisions = [
            ("a0000001", None, "create users", *create("users")),
            ("b0000002", "a0000001", "add users email",
             '    op.add_column("users", sa.Column("email", sa.String(80)))',
             '    with op.batch_alter_table("users") as b:\n        b.drop_column("email")'),
            ("c0000003", "b0000002", "create orders", *create("orders")),
        ]
        for rev, down, message, up, down_body in revisions:
            write_file(os.path.join(self.root, "versions", "%s_%s.py" % (rev, message.replace(" ", "_"))),
                       py_revision(rev, down, message, up, down_body))
        # What the application's create_all builds, stamped at b0000002.
        self.db = os.path.join(self.root, "app.db")
        con = sqlite3.connect(self.db)
        con.executescript(
            "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(80));"
            "INSERT INTO users VALUES (1, 'ann@example.com');"
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
            "INSERT INTO alembic_version VALUES ('b0000002');")
        con.commit()
        con.close()

    def tearDown(self):
        self.tmp.cleanup()

    def fingerprint(self, path):
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest(), os.stat(path).st_mtime_ns

    def test_verifies_above_the_recorded_revision_without_writing_the_file(self):
        before = self.fingerprint(self.db)
        r = run_miglint(["-C", self.root, "--format", "json", "verify", "--start-from", "app.db"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report = json.loads(r.stdout)
        self.assertEqual({x["revision"]: x["status"] for x in report["revisions"]},
                         {"c0000003": "ok"})
        self.assertEqual(self.fingerprint(self.db), before)
        self.assertEqual(sorted(os.listdir(self.root)), ["app.db", "versions"])

    def test_url_form_is_accepted(self):
        r = run_miglint(["-C", self.root, "verify", "--start-from", "sqlite:///app.db"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("1 of 1 revision round-tripped", r.stdout)

    def test_missing_database_is_a_usage_error_and_creates_nothing(self):
        r = run_miglint(["-C", self.root, "verify", "--start-from", "nope.db"])
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("nope.db", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.root, "nope.db")))

    def test_database_at_an_unknown_revision_is_refused(self):
        con = sqlite3.connect(self.db)
        con.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
        con.commit()
        con.close()
        r = run_miglint(["-C", self.root, "verify", "--start-from", "app.db"])
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("ffff9999", r.stderr)


if __name__ == "__main__":
    unittest.main()

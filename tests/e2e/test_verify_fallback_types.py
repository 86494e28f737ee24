"""A column type miglint cannot resolve (a third-party class) is declared under its class
name. A later batch rebuild reads that name back as SQLite's reflection does (`UUIDType`
becomes NUMERIC), which says nothing about the real type: such columns compare as
declared, so the rebuild is no "not restored" finding, while a real change to them still
is. `verify -v` and the JSON output say which types fell back, per revision."""

import json
import os
import unittest

from miglint_e2e import TempDir, run_miglint, write_file
from test_verify_outcomes import py_revision

THIRD_PARTY_TABLE = (
    '    op.create_table("t", sa.Column("id", sa.Integer, primary_key=True),\n'
    '                    sa.Column("g", UUIDType(binary=False)), sa.Column("name", sa.String(20)))',
    '    op.drop_table("t")')

ADD_NOTE_IN_BATCH = (
    '    with op.batch_alter_table("t") as b:\n'
    '        b.add_column(sa.Column("note", sa.String(40)))',
    '    with op.batch_alter_table("t") as b:\n'
    '        b.drop_column("note")')

# The downgrade turns the fallback column into an INTEGER: a real difference.
RETYPE_FALLBACK_COLUMN = (
    '    with op.batch_alter_table("t") as b:\n'
    '        b.alter_column("name", type_=sa.String(40))',
    '    with op.batch_alter_table("t") as b:\n'
    '        b.alter_column("name", type_=sa.String(20))\n'
    '        b.alter_column("g", type_=sa.Integer())')


class FallbackTypesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def project(self, revisions):
        root = os.path.join(self.tmp.path, "p%d" % len(os.listdir(self.tmp.path)))
        for rev, down, message, (up, down_body) in revisions:
            text = py_revision(rev, down, message, up, down_body).replace(
                "import sqlalchemy as sa\n",
                "import sqlalchemy as sa\nfrom sqlalchemy_utils import UUIDType\n")
            write_file(os.path.join(root, "versions", "%s_%s.py" % (rev, message.replace(" ", "_"))),
                       text)
        return root

    def verify_json(self, root):
        r = run_miglint(["-C", root, "--format", "json", "verify"])
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)
        return r.returncode, json.loads(r.stdout)

    def test_batch_rebuild_of_a_fallback_column_is_no_finding(self):
        root = self.project([
            ("a0000001", None, "create things", THIRD_PARTY_TABLE),
            ("b0000002", "a0000001", "add things note", ADD_NOTE_IN_BATCH),
        ])
        code, report = self.verify_json(root)
        by_rev = {x["revision"]: x for x in report["revisions"]}
        self.assertEqual({k: v["status"] for k, v in by_rev.items()},
                         {"a0000001": "ok", "b0000002": "ok"}, report["diagnostics"])
        self.assertEqual(code, 0)
        self.assertEqual(by_rev["a0000001"]["fallback_types"],
                         [{"type": "sqlalchemy_utils.UUIDType", "declared": "UUIDType"}])
        self.assertNotIn("fallback_types", by_rev["b0000002"])

        text = run_miglint(["-C", root, "verify", "-v"])
        self.assertEqual(text.returncode, 0, text.stdout + text.stderr)
        self.assertIn("miglint: note: revision a0000001 declares types miglint cannot resolve "
                      "under their class name; those columns are compared as declared: "
                      "sqlalchemy_utils.UUIDType (as UUIDType)", text.stderr)
        quiet = run_miglint(["-C", root, "verify"])
        self.assertNotIn("as declared", quiet.stderr)

    def test_a_real_change_to_a_fallback_column_is_still_found(self):
        root = self.project([
            ("a0000001", None, "create things", THIRD_PARTY_TABLE),
            ("b0000002", "a0000001", "add things note", ADD_NOTE_IN_BATCH),
            ("c0000003", "b0000002", "widen things name", RETYPE_FALLBACK_COLUMN),
        ])
        code, report = self.verify_json(root)
        self.assertEqual(code, 1)
        statuses = {x["revision"]: x["status"] for x in report["revisions"]}
        self.assertEqual(statuses, {"a0000001": "ok", "b0000002": "ok",
                                    "c0000003": "not-restored"})
        found = [d for d in report["diagnostics"] if d["rule"] == "roundtrip-not-restored"]
        self.assertEqual(len(found), 1, report["diagnostics"])
        self.assertIn('column "g" type INTEGER', found[0]["message"])


if __name__ == "__main__":
    unittest.main()

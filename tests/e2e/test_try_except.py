"""try/except around statements that fail on SQLite.

Real histories wrap steps in `try: ... except ProgrammingError:` (PostgreSQL's error for a
column that exists already). On SQLite the statement fails with an OperationalError, which
such a handler does not catch: the upgrade fails in Alembic, and must fail in miglint at the
same revision with SQLite's message, not be called unverifiable. A handler that could catch
the error (OperationalError, Exception, a bare except) is still not guessed at.
"""

import os
import unittest

import miglint_e2e as e2e
import test_evaluator_parity as evaluator_parity
from test_ops_parity import run_alembic_steps, run_miglint_steps, write_project

BASE = ("base", 'op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))', 'op.drop_table("t")')


def guarded(handler):
    return ("guarded step", '''
try:
    op.add_column("queries", sa.Column("is_draft", sa.Boolean, default=True))
    op.execute("UPDATE queries SET is_draft = 0")
except %s:
    pass
''' % handler, "pass")


class TryExceptTest(unittest.TestCase):
    def project(self, root, handler, imports=""):
        ids = write_project(root, [BASE, guarded(handler)])
        path = os.path.join(root, "alembic", "versions", ids[1] + "_rev.py")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        e2e.write_file(path, text.replace("import sqlalchemy as sa\n", "import sqlalchemy as sa\n" + imports, 1))
        return ids

    def test_handler_that_cannot_catch_fails_as_in_alembic(self):
        cases = {
            "ProgrammingError": "from sqlalchemy.exc import ProgrammingError\n",
            "(sa.exc.ProgrammingError, KeyError)": "",
        }
        for handler, imports in cases.items():
            with self.subTest(handler=handler), e2e.TempDir() as root:
                ids = self.project(root, handler, imports)
                steps = [("upgrade", "+1"), ("upgrade", "+1")]
                expected = run_alembic_steps(root, steps)
                self.assertTrue(expected[0]["ok"])
                self.assertFalse(expected[1]["ok"])
                self.assertIn("OperationalError", expected[1]["error"])
                self.assertIn("no such table: queries", expected[1]["error"])
                actual = run_miglint_steps(root, steps)
                self.assertTrue(actual[0]["ok"])
                self.assertFalse(actual[1]["ok"])
                self.assertIn("no such table: queries", actual[1]["error"])
                report = evaluator_parity.verify_json(root)
                statuses = {r["revision"]: r["status"] for r in report["revisions"]}
                self.assertEqual(statuses, {ids[0]: "ok", ids[1]: "upgrade-failed"})

    def test_handler_that_may_catch_is_not_guessed(self):
        for handler in ("sa.exc.OperationalError", "Exception", "(KeyError, sa.exc.DBAPIError)"):
            with self.subTest(handler=handler), e2e.TempDir() as root:
                ids = self.project(root, handler)
                report = evaluator_parity.verify_json(root, "--allow-unverifiable")
                statuses = {r["revision"]: r["status"] for r in report["revisions"]}
                self.assertEqual(statuses, {ids[0]: "ok", ids[1]: "unverifiable"})


if __name__ == "__main__":
    unittest.main()

"""`miglint lint` on the sample versions/ (pantry and recipes app): it lints clean, and a
copy with one defect injected fails with the right rule, at the right file and line, with
the right exit code. Also `lint FILE...` narrowing and GitHub annotations in Actions."""

import json
import os
import shutil
import unittest

import miglint_e2e as e2e

SAMPLE = os.path.join(e2e.SOURCE_DIR, "versions")

# Files of the sample used below (a linear stretch, a branch and its merge).
USERS = "20adf8ef4073_create_users_table.py"
RECIPES = "53f678e833e3_add_recipes_table.py"
SERVINGS = "e1f93fab7221_make_recipe_servings_required.py"
PANTRY = "caf0aa0782b8_add_pantry_items_table.py"
MERGE = "ce0792d28880_merge_chat_and_nutrition_branches.py"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def line_of(path, needle, start=1):
    """1-based number of the first line at or after `start` that contains `needle`."""
    for number, line in enumerate(read(path).splitlines(), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError("%r not found in %s" % (needle, path))


def replace_once(path, old, new):
    text = read(path)
    if text.count(old) != 1:
        raise AssertionError("%r occurs %d times in %s" % (old, text.count(old), path))
    e2e.write_file(path, text.replace(old, new))


def head_revision():
    """The single head of the sample: the revision nothing names as a parent."""
    ids, parents = {}, set()
    for name in os.listdir(SAMPLE):
        if not name.endswith(".py"):
            continue
        text = read(os.path.join(SAMPLE, name))
        for line in text.splitlines():
            if line.startswith("revision = "):
                ids[line.split("'")[1]] = name
            elif line.startswith("down_revision = "):
                parents.update(part for part in line.split("'")[1::2])
    heads = [rev for rev in ids if rev not in parents]
    assert len(heads) == 1, heads
    return heads[0], ids[heads[0]]


class LintSample(unittest.TestCase):
    def setUp(self):
        self.tmp = e2e.TempDir(prefix="miglint-lint-")
        self.versions = os.path.join(self.tmp.path, "versions")
        shutil.copytree(SAMPLE, self.versions)

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.versions, name)

    def lint(self, *args, env=None):
        # Text unless a test asks for GitHub Actions (the runner itself may be in Actions).
        full_env = {"GITHUB_ACTIONS": ""}
        full_env.update(env or {})
        return e2e.run_miglint(["-C", self.tmp.path, "lint", "--color", "never"] + list(args),
                               env=full_env)

    def lint_json(self, *args):
        proc = e2e.run_miglint(["-C", self.tmp.path, "--format", "json", "lint"] + list(args))
        self.assertNotIn("Traceback", proc.stderr)
        self.assertEqual(proc.stderr, "")
        return proc, json.loads(proc.stdout)

    def assert_single(self, data, rule, code, name, line, severity):
        """Exactly one finding, and it is `rule` at versions/`name`:`line`."""
        found = [(d["rule"], d["code"], d["path"], d["line"], d["severity"])
                 for d in data["diagnostics"]]
        self.assertEqual(found, [(rule, code, "versions/" + name, line, severity)])

    # ------------------------------------------------------------------ clean

    def test_sample_lints_clean(self):
        proc, data = self.lint_json()
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(data["diagnostics"], [])
        self.assertEqual(data["summary"]["errors"], 0)
        self.assertEqual(data["summary"]["warnings"], 0)
        self.assertEqual(data["summary"]["revisions_checked"], 17)
        text = self.lint()
        self.assertEqual(text.returncode, 0, text.stdout + text.stderr)
        self.assertEqual(text.stdout, "miglint: no problems in 17 revisions\n")

    def test_sample_in_the_source_tree_lints_clean(self):
        proc = e2e.run_miglint(["-C", e2e.SOURCE_DIR, "--format", "json", "lint",
                                "--select", "MG0,MG1,MG9"])
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["diagnostics"], [])

    # ------------------------------------------------------------------ defects

    def test_downgrade_body_removed(self):
        path = self.path(RECIPES)
        text = read(path)
        cut = text.index("def downgrade() -> None:\n") + len("def downgrade() -> None:\n")
        e2e.write_file(path, text[:cut] + "    pass\n")
        proc, data = self.lint_json()
        self.assertEqual(proc.returncode, 1)
        self.assert_single(data, "missing-downgrade", "MG101", RECIPES,
                           line_of(path, "def downgrade("), "error")

    def test_message_set_to_wip(self):
        path = self.path(RECIPES)
        replace_once(path, '"""add recipes table\n', '"""wip\n')
        proc, data = self.lint_json()
        self.assertEqual(proc.returncode, 1)
        self.assert_single(data, "undescriptive-message", "MG102", RECIPES, 1, "error")

    def test_down_revision_broken(self):
        path = self.path(SERVINGS)
        # A truncated id pasted into both the code and the docstring.
        replace_once(path, "down_revision = 'ed76f4cfe00a'", "down_revision = 'ed76f4cfe00'")
        replace_once(path, "Revises: ed76f4cfe00a\n", "Revises: ed76f4cfe00\n")
        proc, data = self.lint_json()
        self.assertEqual(proc.returncode, 1)
        self.assert_single(data, "unknown-parent", "MG003", SERVINGS,
                           line_of(path, "down_revision = "), "error")
        self.assertIn("did you mean 'ed76f4cfe00a'", data["diagnostics"][0]["message"])

    def test_revision_id_duplicated(self):
        copy = "53f678e833e3_add_recipes_table_copy.py"
        shutil.copyfile(self.path(RECIPES), self.path(copy))
        replace_once(self.path(copy), '"""add recipes table\n', '"""add recipe tags table\n')
        proc, data = self.lint_json()
        self.assertEqual(proc.returncode, 1)
        self.assert_single(data, "duplicate-revision", "MG004", copy,
                           line_of(self.path(copy), "revision = "), "error")
        note = data["diagnostics"][0]["notes"][0]
        self.assertEqual(note["path"], "versions/" + RECIPES)

    def test_second_head_added(self):
        head, head_file = head_revision()
        new = "0a1b2c3d4e5f_add_shopping_lists_table.py"
        text = read(self.path(PANTRY))
        parent = text.split("revision = '")[1].split("'")[0]
        e2e.write_file(self.path(new), '''"""add shopping lists table

Revision ID: 0a1b2c3d4e5f
Revises: {parent}
Create Date: 2026-03-20 09:12:44.301917

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a1b2c3d4e5f'
down_revision = '{parent}'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('shopping_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('shopping_lists')
    # ### end Alembic commands ###
'''.format(parent=parent))
        proc, data = self.lint_json()
        self.assertEqual(proc.returncode, 1)
        self.assertEqual([d["rule"] for d in data["diagnostics"]], ["multiple-heads"])
        finding = data["diagnostics"][0]
        self.assertEqual(finding["code"], "MG001")
        # Reported once, on the `revision =` line of one head; both heads are in the notes.
        self.assertIn(finding["path"], ["versions/" + new, "versions/" + head_file])
        self.assertEqual(finding["line"],
                         line_of(os.path.join(self.tmp.path, finding["path"]), "revision = "))
        noted = {n["path"] for n in finding["notes"]}
        self.assertIn("versions/" + new, noted)
        self.assertIn("versions/" + head_file, noted)
        self.assertIn("0a1b2c3d4e5f", finding["message"])
        self.assertIn(head, finding["message"])

    def test_drop_table_added_to_an_upgrade(self):
        path = self.path(SERVINGS)
        replace_once(path, "    # ### end Alembic commands ###\n\n\ndef downgrade",
                     "    op.drop_table('legacy_servings')\n"
                     "    # ### end Alembic commands ###\n\n\ndef downgrade")
        proc, data = self.lint_json()
        self.assertEqual(proc.returncode, 0)  # a warning does not fail the run
        self.assert_single(data, "destructive-operation", "MG105", SERVINGS,
                           line_of(path, "op.drop_table('legacy_servings')"), "warning")

    def test_revises_line_edited(self):
        path = self.path(SERVINGS)
        replace_once(path, "Revises: ed76f4cfe00a\n", "Revises: cb54c8d874f0\n")
        proc, data = self.lint_json()
        self.assertEqual(proc.returncode, 1)
        self.assert_single(data, "header-mismatch", "MG104", SERVINGS,
                           line_of(path, "Revises: "), "error")

    def test_file_renamed(self):
        renamed = "3f2a9c1d7b40_add_recipes_table.py"
        os.rename(self.path(RECIPES), self.path(renamed))
        proc, data = self.lint_json()
        self.assertEqual(proc.returncode, 0)
        self.assert_single(data, "filename-mismatch", "MG103", renamed,
                           line_of(self.path(renamed), "revision = "), "warning")
        self.assertIn("rename it to " + RECIPES, data["diagnostics"][0]["message"])

    def test_each_defect_is_also_reported_in_text(self):
        path = self.path(RECIPES)
        replace_once(path, '"""add recipes table\n', '"""wip\n')
        proc = self.lint()
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout.splitlines()[0].split(": ")[0],
                         "versions/%s:1:1" % RECIPES)
        self.assertTrue(proc.stdout.splitlines()[0].endswith("[undescriptive-message]"))
        self.assertEqual(proc.stdout.splitlines()[-1],
                         "miglint: 1 error, 0 warnings in 17 revisions")

    # ------------------------------------------------------------------ narrowing, CI

    def test_named_files_narrow_content_findings_but_not_graph_findings(self):
        replace_once(self.path(RECIPES), '"""add recipes table\n', '"""wip\n')
        replace_once(self.path(SERVINGS), '"""make recipe servings required\n', '"""update\n')
        replace_once(self.path(PANTRY), "down_revision = '", "down_revision = 'ffff")
        proc, data = self.lint_json("versions/" + SERVINGS)
        self.assertEqual(proc.returncode, 1)
        found = sorted((d["rule"], d["path"]) for d in data["diagnostics"])
        self.assertEqual(found, [("undescriptive-message", "versions/" + SERVINGS),
                                 ("unknown-parent", "versions/" + PANTRY)])
        # Unnamed: the whole directory.
        proc, data = self.lint_json()
        self.assertEqual(sorted(d["path"] for d in data["diagnostics"]
                                if d["rule"] == "undescriptive-message"),
                         ["versions/" + RECIPES, "versions/" + SERVINGS])

    def test_github_format_in_github_actions(self):
        replace_once(self.path(RECIPES), '"""add recipes table\n', '"""wip\n')
        proc = self.lint(env={"GITHUB_ACTIONS": "true"})
        self.assertEqual(proc.returncode, 1)
        self.assertTrue(proc.stdout.startswith(
            "::error file=versions/%s,line=1,col=1," % RECIPES), proc.stdout)
        self.assertIn("title=miglint (MG102)::", proc.stdout)
        self.assertNotIn("miglint: 1 error", proc.stdout)
        # An explicit --format wins over the environment.
        proc = e2e.run_miglint(["-C", self.tmp.path, "--format", "text", "lint"],
                               env={"GITHUB_ACTIONS": "true"})
        self.assertTrue(proc.stdout.startswith("versions/%s:1:1: error: " % RECIPES),
                        proc.stdout)
        # Clean in Actions: no annotations, exit 0.
        replace_once(self.path(RECIPES), '"""wip\n', '"""add recipes table\n')
        proc = self.lint(env={"GITHUB_ACTIONS": "true"})
        self.assertEqual((proc.returncode, proc.stdout), (0, ""))


if __name__ == "__main__":
    unittest.main()

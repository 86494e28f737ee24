"""The fixes miglint prints for two heads work as printed, in the common case: a branch
merges a sibling branch (neither is on main) and each added a revision on main's head.
Every printed `miglint ...` command is run exactly as printed, each on its own copy of the
repository, and then the real Alembic (Debian's python3 -m alembic) sees one head and
upgrades a fresh database to it."""

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

from engine_project import ENV_PY
from miglint_e2e import TempDir, miglint_path, run_miglint, write_file
from test_hooks import git, hook_env, revision_text

A, B, C = "aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"
PRINTED = re.compile(r"`(miglint [^`]*)`")
DEBIAN_PYTHON = "/usr/bin/python3"


def alembic(root, *args):
    env = dict(os.environ, SQLALCHEMY_SILENCE_UBER_WARNING="1")
    return subprocess.run([DEBIAN_PYTHON, "-m", "alembic", "-c",
                           os.path.join(root, "alembic.ini")] + list(args),
                          cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          encoding="utf-8", timeout=120)


class SiblingMergeFixTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir(prefix="miglint-two-heads-")
        self.repo = os.path.join(self.tmp.path, "project")
        versions = os.path.join(self.repo, "migrations", "versions")
        os.makedirs(versions)
        write_file(os.path.join(self.repo, "alembic.ini"),
                   "[alembic]\nscript_location = %(here)s/migrations\n"
                   "sqlalchemy.url = sqlite:///%(here)s/app.db\n")
        write_file(os.path.join(self.repo, "migrations", "env.py"), ENV_PY)
        write_file(os.path.join(self.repo, ".gitignore"), "app.db\n__pycache__/\n")
        git(self.repo, "init", "-q", "-b", "main")
        self.commit(A, None, "users")
        git(self.repo, "checkout", "-q", "-b", "feature-orders")
        self.commit(B, A, "orders")
        git(self.repo, "checkout", "-q", "-b", "feature-invoices", "main")
        self.commit(C, A, "invoices")
        git(self.repo, "checkout", "-q", "feature-orders")

    def tearDown(self):
        self.tmp.cleanup()

    def commit(self, rev, down, table):
        write_file(os.path.join(self.repo, "migrations", "versions",
                                "%s_create_%s.py" % (rev, table)),
                   revision_text(rev, down, table))
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "--no-verify", "-m", table)

    def assert_each_printed_fix_works(self, commands):
        """Runs every printed command on a copy of the repository as it is now; the
        revision merged in (C) stays as it is whenever a revision is moved."""
        merged_in = os.path.join("migrations", "versions", "%s_create_invoices.py" % C)
        with open(os.path.join(self.repo, merged_in)) as f:
            merged_in_text = f.read()
        for command in commands:
            with self.subTest(command=command):
                copy = os.path.join(tempfile.mkdtemp(dir=self.tmp.path), "project")
                shutil.copytree(self.repo, copy, symlinks=True)
                args = shlex.split(command)
                proc = subprocess.run([miglint_path()] + args[1:], cwd=copy,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      encoding="utf-8", timeout=60)
                self.assertEqual(proc.returncode, 0, command + "\n" + proc.stdout)
                heads = alembic(copy, "heads")
                self.assertEqual(heads.returncode, 0, heads.stdout)
                self.assertRegex(heads.stdout, r"^[0-9a-f]{12} \(head\)\n$", command)
                upgrade = alembic(copy, "upgrade", "head")
                self.assertEqual(upgrade.returncode, 0, upgrade.stdout)
                self.assertEqual(run_miglint(["lint"], cwd=copy).returncode, 0, command)
                with open(os.path.join(copy, merged_in)) as f:
                    self.assertEqual(f.read(), merged_in_text, command)

    def test_lint_after_the_merge(self):
        git(self.repo, "merge", "-q", "--no-verify", "--no-edit", "feature-invoices")
        proc = run_miglint(["lint"], cwd=self.repo)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("[multiple-heads]", proc.stdout)
        # One finding: the comparison with main adds no head of its own.
        self.assertNotIn("[diverges-from-base]", proc.stdout)
        commands = sorted(set(PRINTED.findall(proc.stdout)))
        self.assertEqual(len(commands), 2, proc.stdout)
        self.assert_each_printed_fix_works(commands)
        # The revision moved is this branch's own: the one merged in stays as it is.
        self.assertIn("miglint rebase --onto %s" % C, commands)
        # Plain `miglint rebase` (the base branch's head is below both) does the same.
        self.assert_each_printed_fix_works(["miglint rebase"])

    def test_pre_merge_commit_and_post_merge_hooks(self):
        env = hook_env()
        run_miglint(["install-hooks"], cwd=self.repo, env=env)
        blocked = git(self.repo, "merge", "--no-edit", "feature-invoices", check=False, env=env)
        self.assertNotEqual(blocked.returncode, 0, blocked.stdout)
        self.assertIn("[multiple-heads]", blocked.stdout)
        # The merge is staged, not committed: the fixes apply to it as it stands.
        commands = sorted(set(PRINTED.findall(blocked.stdout)))
        self.assertEqual(len(commands), 2, blocked.stdout)
        self.assert_each_printed_fix_works(commands)
        self.assertIn("miglint rebase --onto %s" % C, commands)
        git(self.repo, "merge", "--abort")
        # A merge that skips the check: post-merge names its fix.
        merged = git(self.repo, "merge", "--no-verify", "--no-edit", "feature-invoices",
                     env=env)
        self.assertIn("the merge left 2 migration heads", merged.stdout)
        fix = re.search(r"^miglint: note: .*: (miglint .*)$", merged.stdout, re.M)
        self.assertIsNotNone(fix, merged.stdout)
        self.assert_each_printed_fix_works([fix.group(1)])


if __name__ == "__main__":
    unittest.main()

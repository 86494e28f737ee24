"""End-to-end tests of what the hooks check and against what: the staged content (not the
working tree), merges (pre-merge-commit), the base branch found without origin/HEAD, lint's
default comparison with that base, the branch post-checkout names, and quiet checkouts.
Real git repositories in temporary directories, the real pre-commit framework and the real
binary."""

import os
import re
import sqlite3
import unittest

from miglint_e2e import SOURCE_DIR, TempDir, miglint_path, run_miglint, write_file
import test_hooks
from test_hooks import HookRepoMixin, commit_revision, git, hook_env, revision_text, run


def write_revision(repo, rev, down, table):
    path = os.path.join(repo, "versions", "%s_create_%s.py" % (rev, table))
    write_file(path, revision_text(rev, down, table))
    return path


class FrameworkStagedContentTest(HookRepoMixin, unittest.TestCase):
    """The manifest's lint and verify hooks check what the commit records."""

    # The hook repository and configuration of test_hooks' framework tests.
    setUp = test_hooks.PreCommitFrameworkTest.setUp
    tearDown = test_hooks.PreCommitFrameworkTest.tearDown
    env = test_hooks.PreCommitFrameworkTest.env
    configure = test_hooks.PreCommitFrameworkTest.configure

    def framework(self, hook_ids, *hook_types):
        self.configure(self.repo, hook_ids)
        install = ["pre-commit", "install"]
        for t in hook_types or ("pre-commit",):
            install += ["-t", t]
        run(self.repo, install, env=self.env())

    def system_env(self):
        bindir = os.path.join(self.tmp.path, "bin")
        if not os.path.isdir(bindir):
            os.makedirs(bindir)
            os.symlink(miglint_path(), os.path.join(bindir, "miglint"))
        env = self.env()
        env["PATH"] = bindir + os.pathsep + env["PATH"]
        return env

    def test_commit_of_a_revision_whose_parent_is_not_staged_is_blocked(self):
        for hook_id in ("miglint", "miglint-system"):
            with self.subTest(hook_id):
                self.repo = self.make_project(os.path.join(self.tmp.path, hook_id))
                self.framework([hook_id])
                env = self.system_env()
                write_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
                second = write_revision(self.repo, "cccccccccccc", "bbbbbbbbbbbb", "invoices")
                git(self.repo, "add", second)
                proc = git(self.repo, "commit", "-m", "invoices", check=False, env=env)
                self.assertNotEqual(proc.returncode, 0, proc.stdout)
                self.assertIn("(staged)", proc.stdout)
                self.assertIn("bbbbbbbbbbbb", proc.stdout)
                # Staging the parent too makes the commit whole.
                git(self.repo, "add", "versions")
                proc = git(self.repo, "commit", "-m", "orders and invoices", env=env)
                self.assertIn("Passed", proc.stdout)

    def test_broken_untracked_file_does_not_block_a_clean_commit(self):
        self.framework(["miglint", "miglint-verify"])
        write_file(os.path.join(self.repo, "versions", "zzzz_scratch.py"),
                   "revision = 'zzzz'\ndown_revision = 'nope'\ndef upgrade(:\n")
        self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        proc = git(self.repo, "commit", "-m", "orders", check=False, env=self.env())
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("zzzz", proc.stdout)
        # The working tree itself is broken, and plain lint says so.
        self.assertNotEqual(run_miglint(["lint"], cwd=self.repo).returncode, 0)

    def test_merge_that_leaves_two_heads_is_stopped_by_the_merge_commit_stage(self):
        self.framework(["miglint"], "pre-commit", "pre-merge-commit")
        git(self.repo, "checkout", "-q", "-b", "feature")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "checkout", "-q", "main")
        commit_revision(self.repo, "cccccccccccc", "aaaaaaaaaaaa", "invoices")
        before = git(self.repo, "rev-parse", "HEAD").stdout.strip()
        proc = git(self.repo, "merge", "--no-edit", "feature", check=False, env=self.env())
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("[multiple-heads]", proc.stdout)
        self.assertEqual(git(self.repo, "rev-parse", "HEAD").stdout.strip(), before)

    def test_file_checkout_runs_no_lint_or_verify(self):
        self.framework(["miglint", "miglint-verify", "miglint-post-checkout"],
                       "pre-commit", "post-checkout")
        write_file(os.path.join(self.repo, "versions", "aaaaaaaaaaaa_create_users.py"), "x\n")
        proc = git(self.repo, "checkout", "--", "versions", env=self.env())
        self.assertNotIn("miglint lint", proc.stdout)
        self.assertNotIn("round-trip", proc.stdout)


class StagedVerifyTest(HookRepoMixin, unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir(prefix="miglint-staged-")
        self.repo = self.make_project(os.path.join(self.tmp.path, "project"))

    def tearDown(self):
        self.tmp.cleanup()

    def test_verify_staged_reads_the_index(self):
        # Staged: a clean child of aaa. Working tree: the same file, its downgrade broken.
        path = write_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "add", path)
        write_file(path, revision_text("bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders",
                                       downgrade="op.drop_table('no_such_table')"))
        staged = run_miglint(["verify", "--staged"], cwd=self.repo)
        self.assertEqual(staged.returncode, 0, staged.stdout + staged.stderr)
        worktree = run_miglint(["verify"], cwd=self.repo)
        self.assertEqual(worktree.returncode, 1, worktree.stdout + worktree.stderr)


class InstalledMergeHookTest(HookRepoMixin, unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir(prefix="miglint-merge-hook-")
        self.repo = self.make_project(os.path.join(self.tmp.path, "project"))

    def tearDown(self):
        self.tmp.cleanup()

    def test_pre_merge_commit_stops_a_merge_that_leaves_two_heads(self):
        run_miglint(["install-hooks"], cwd=self.repo)
        git(self.repo, "checkout", "-q", "-b", "feature")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "checkout", "-q", "main")
        commit_revision(self.repo, "cccccccccccc", "aaaaaaaaaaaa", "invoices")
        proc = git(self.repo, "merge", "--no-edit", "feature", check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("[multiple-heads]", proc.stdout)
        self.assertIn("the merge is staged but not committed", proc.stdout)
        # Joining the heads lets the merge commit through.
        run_miglint(["merge", "-m", "merge heads"], cwd=self.repo)
        git(self.repo, "add", "versions")
        git(self.repo, "commit", "-q", "--no-edit")
        self.assertEqual(len(git(self.repo, "log", "-1", "--format=%P").stdout.split()), 2)


class BaseBranchTest(HookRepoMixin, unittest.TestCase):
    """The base branch without origin/HEAD, and lint's comparison with it by default."""

    def setUp(self):
        self.tmp = TempDir(prefix="miglint-base-")
        self.repo = self.make_project(os.path.join(self.tmp.path, "project"))

    def tearDown(self):
        self.tmp.cleanup()

    def remote_without_head(self):
        """`git init` + `git remote add` + `git push`: no origin/HEAD. Someone else then
        adds ccc on the remote's main, and it is fetched."""
        remote = os.path.join(self.tmp.path, "remote.git")
        git(self.tmp.path, "init", "-q", "--bare", "-b", "main", remote)
        git(self.repo, "remote", "add", "origin", remote)
        git(self.repo, "push", "-q", "--no-verify", "origin", "main")
        other = os.path.join(self.tmp.path, "other")
        git(self.tmp.path, "clone", "-q", remote, other)
        commit_revision(other, "cccccccccccc", "aaaaaaaaaaaa", "invoices")
        git(other, "push", "-q", "--no-verify", "origin", "main")
        git(self.repo, "fetch", "-q", "origin")
        self.assertNotEqual(git(self.repo, "symbolic-ref", "-q", "refs/remotes/origin/HEAD",
                                check=False).returncode, 0)
        return remote

    def test_pre_push_of_a_new_branch_compares_with_the_remotes_main(self):
        run_miglint(["install-hooks"], cwd=self.repo)
        remote = self.remote_without_head()
        git(self.repo, "checkout", "-q", "-b", "topic")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        proc = git(self.repo, "push", "origin", "topic", check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("[diverges-from-base]", proc.stdout)
        self.assertIn("merging with origin/main", proc.stdout)
        self.assertNotEqual(git(remote, "rev-parse", "-q", "--verify", "topic",
                                check=False).returncode, 0)

    def test_lint_compares_with_the_base_branch_by_default(self):
        self.remote_without_head()
        git(self.repo, "checkout", "-q", "-b", "topic")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        proc = run_miglint(["lint"], cwd=self.repo)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("[diverges-from-base]", proc.stdout)
        # base_ref = false turns it off.
        write_file(os.path.join(self.repo, "miglint.toml"), "base_ref = false\n")
        proc = run_miglint(["lint"], cwd=self.repo)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_editing_a_revision_of_the_base_branch_is_caught_by_the_commit_hook(self):
        run_miglint(["install-hooks"], cwd=self.repo)
        git(self.repo, "checkout", "-q", "-b", "topic")
        path = os.path.join(self.repo, "versions", "aaaaaaaaaaaa_create_users.py")
        write_file(path, revision_text("aaaaaaaaaaaa", None, "members"))
        git(self.repo, "add", path)
        proc = git(self.repo, "commit", "-m", "rename", check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("[modified-merged-migration]", proc.stdout)
        # On main itself there is no base to compare with: plain lint passes.
        git(self.repo, "checkout", "-q", "-f", "main")
        proc = run_miglint(["lint"], cwd=self.repo)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertNotIn("base branch", proc.stderr)

    def test_no_base_branch_is_said_once_at_info(self):
        repo = os.path.join(self.tmp.path, "trunk")
        os.makedirs(os.path.join(repo, "versions"))
        git(repo, "init", "-q", "-b", "trunk")
        write_revision(repo, "aaaaaaaaaaaa", None, "users")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "initial")
        proc = run_miglint(["lint"], cwd=repo)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(proc.stderr.count("miglint: info: cannot tell the base branch"), 1,
                         proc.stderr)


class PostCheckoutNameTest(HookRepoMixin, unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir(prefix="miglint-checkout-")
        self.repo = self.make_project(os.path.join(self.tmp.path, "project"))

    def tearDown(self):
        self.tmp.cleanup()

    def test_names_the_branch_that_was_left_when_two_share_its_commit(self):
        run_miglint(["install-hooks"], cwd=self.repo)
        git(self.repo, "checkout", "-q", "-b", "feature")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "branch", "a-copy")  # sorts before feature, same commit
        with sqlite3.connect(os.path.join(self.repo, "dev.db")) as db:
            db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                       "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")
            db.execute("INSERT INTO alembic_version VALUES ('bbbbbbbbbbbb')")
        env = hook_env({"DATABASE_URL": "sqlite:///dev.db"})
        proc = git(self.repo, "checkout", "main", env=env)
        self.assertIn("git checkout feature && miglint downgrade aaaaaaaaaaaa && "
                      "git checkout main", proc.stdout)
        # Left from the other branch at that commit, that one is named.
        git(self.repo, "checkout", "-q", "a-copy", env=env)
        proc = git(self.repo, "checkout", "main", env=env)
        self.assertIn("git checkout a-copy && miglint downgrade", proc.stdout)


class CliPapercutsTest(HookRepoMixin, unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir(prefix="miglint-cli-")
        self.repo = self.make_project(os.path.join(self.tmp.path, "project"))

    def tearDown(self):
        self.tmp.cleanup()

    def test_select_and_ignore_leave_file_arguments_alone(self):
        path = "versions/aaaaaaaaaaaa_create_users.py"
        for option in ("--select", "--ignore"):
            proc = run_miglint(["lint", option, "MG1", path], cwd=self.repo)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            self.assertNotIn("unknown rule", proc.stderr)
        proc = run_miglint(["lint", "--select", "MG1", "--select", "MG0,MG9", path],
                           cwd=self.repo)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_suppressions_of_rules_that_did_not_run_are_not_unused(self):
        path = os.path.join(self.repo, "versions", "aaaaaaaaaaaa_create_users.py")
        text = revision_text("aaaaaaaaaaaa", None, "users", downgrade="pass")
        text = text.replace("def downgrade() -> None:",
                            "def downgrade() -> None:  # miglint: ignore[MG101] nothing to undo")
        write_file(path, text)
        clean = run_miglint(["lint"], cwd=self.repo)
        self.assertEqual(clean.returncode, 0, clean.stdout + clean.stderr)
        proc = run_miglint(["lint", "--ignore", "MG101"], cwd=self.repo)
        self.assertNotIn("matches no finding", proc.stdout)
        # Without a reason, the matching suppression is reported as missing one.
        write_file(path, text.replace("] nothing to undo", "]"))
        proc = run_miglint(["lint"], cwd=self.repo)
        self.assertIn("gives no reason", proc.stdout)
        self.assertNotIn("matches no finding", proc.stdout)

    def test_mistyped_down_revision_is_fixed_in_the_code_not_the_docstring(self):
        text = revision_text("bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        text = text.replace("down_revision = 'aaaaaaaaaaaa'", "down_revision = 'aaaaaaaaaaa4'")
        write_file(os.path.join(self.repo, "versions", "bbbbbbbbbbbb_create_orders.py"), text)
        proc = run_miglint(["lint"], cwd=self.repo)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        errors = [line for line in proc.stdout.splitlines() if ": error: " in line]
        # The first (and only) advice: the docstring's parent exists, so the code is wrong.
        self.assertIn("did you mean 'aaaaaaaaaaaa', as the docstring's 'Revises:' line says?",
                      errors[0])
        self.assertIn("[unknown-parent]", errors[0])
        self.assertNotIn("[header-mismatch]", proc.stdout)
        self.assertNotIn("update the docstring", proc.stdout)

    def test_database_comes_from_the_places_the_readme_lists_in_its_order(self):
        """--db; ALEMBIC_DATABASE_URL, then DATABASE_URL in the environment; the same two
        in .env; database_url in miglint.toml; alembic.ini's sqlalchemy.url."""
        write_file(os.path.join(self.repo, "alembic.ini"),
                   "[alembic]\nscript_location = .\nsqlalchemy.url = sqlite:///ini.db\n")
        steps = [("miglint.toml", 'database_url = "sqlite:///toml.db"\n', {}, "toml.db"),
                 (".env", "DATABASE_URL=sqlite:///dotenv.db\n", {}, "dotenv.db"),
                 (".env", "DATABASE_URL=sqlite:///dotenv.db\n"
                  "ALEMBIC_DATABASE_URL=sqlite:///dotenv_alembic.db\n", {},
                  "dotenv_alembic.db"),
                 (None, None, {"DATABASE_URL": "sqlite:///env.db"}, "env.db"),
                 (None, None, {"DATABASE_URL": "sqlite:///env.db",
                               "ALEMBIC_DATABASE_URL": "sqlite:///env_alembic.db"},
                  "env_alembic.db")]
        used = [self.database_upgraded({})]
        for name, text, env, _ in steps:
            if name:
                write_file(os.path.join(self.repo, name), text)
            used.append(self.database_upgraded(env))
        used.append(self.database_upgraded({"DATABASE_URL": "sqlite:///env.db"},
                                           ["--db", "sqlite:///flag.db"]))
        self.assertEqual(used, ["ini.db"] + [db for *_, db in steps] + ["flag.db"])

    def database_upgraded(self, env, extra=()):
        """The one database file `upgrade head` created."""
        before = set(f for f in os.listdir(self.repo) if f.endswith(".db"))
        proc = run_miglint(["upgrade", "head", "-q"] + list(extra), cwd=self.repo, env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        [created] = set(f for f in os.listdir(self.repo) if f.endswith(".db")) - before
        return created

    def test_readme_names_the_manifest_minimum_pre_commit_version_and_release(self):
        with open(os.path.join(SOURCE_DIR, ".pre-commit-hooks.yaml")) as f:
            versions = set(re.findall(r"minimum_pre_commit_version: '([^']+)'", f.read()))
        with open(os.path.join(SOURCE_DIR, "README.md")) as f:
            readme = f.read()
        with open(os.path.join(SOURCE_DIR, "CMakeLists.txt")) as f:
            release = re.search(r"project\(miglint VERSION (\S+)", f.read()).group(1)
        self.assertEqual(len(versions), 1, versions)
        flat = " ".join(readme.split())
        self.assertIn("with pre-commit %s and later" % versions.pop(), flat)
        self.assertIn("rev: v%s\n" % release, readme)
        for needle in ("pre-commit install -t pre-commit -t pre-merge-commit", "`conflicts",
                       "`hook post-checkout", "--color", "verify [--staged] [--db URL] "
                       "[--against [REF]]", "[--start-from DB]", "`sqlalchemy.url`"):
            self.assertIn(needle, flat)


if __name__ == "__main__":
    unittest.main()

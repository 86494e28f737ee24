"""End-to-end tests of the hooks: the real pre-commit framework (offline, with this
repository's .pre-commit-hooks.yaml served from a local clone), and the plain git hooks
`miglint install-hooks` installs (next to an existing hook, with core.hooksPath, in a
worktree). Every repository is a real git repository in a temporary directory."""

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import unittest

from miglint_e2e import (SOURCE_DIR, TempDir, miglint_path, run_alembic, run_miglint,
                         write_file)

GOOD = '''"""{message}

Revision ID: {rev}
Revises: {down}
Create Date: 2026-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '{rev}'
down_revision = {down_repr}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('{table}', sa.Column('id', sa.Integer(), nullable=False))


def downgrade() -> None:
    {downgrade}
'''


def revision_text(rev, down, table, downgrade=None):
    return GOOD.format(message="create %s table" % table, rev=rev, down=down or "",
                       down_repr=repr(down) if down else "None", table=table,
                       downgrade=downgrade or "op.drop_table('%s')" % table)


def downgrade_line(text):
    return text.splitlines().index("def downgrade() -> None:") + 1


def hook_env(extra=None):
    env = dict(os.environ)
    env.update({"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                "MIGLINT": miglint_path()})
    for key in ("DATABASE_URL", "ALEMBIC_DATABASE_URL", "GIT_DIR", "GIT_INDEX_FILE",
                "GIT_WORK_TREE", "PRE_COMMIT"):
        env.pop(key, None)
    if extra:
        env.update(extra)
    return env


def run(cwd, args, env=None, check=True, input=None):
    proc = subprocess.run(args, cwd=cwd, env=env or hook_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, encoding="utf-8", errors="replace",
                          input=input, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s" % (" ".join(args), proc.returncode,
                                                     proc.stdout))
    return proc


def git(cwd, *args, check=True, env=None):
    return run(cwd, ["git"] + list(args), env=env, check=check)


class HookRepoMixin:
    """A temporary project repository with one committed, clean revision."""

    def make_project(self, path):
        os.makedirs(os.path.join(path, "versions"))
        git(path, "init", "-q", "-b", "main")
        write_file(os.path.join(path, "versions", "aaaaaaaaaaaa_create_users.py"),
                   revision_text("aaaaaaaaaaaa", None, "users"))
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", "initial")
        return path

    def add_revision(self, repo, rev, down, table, downgrade=None):
        path = os.path.join(repo, "versions", "%s_create_%s.py" % (rev, table))
        text = revision_text(rev, down, table, downgrade)
        write_file(path, text)
        git(repo, "add", path)
        return text


class PreCommitFrameworkTest(HookRepoMixin, unittest.TestCase):
    """The manifest, through pre-commit 3.x with a local hook repository (no network)."""

    def setUp(self):
        self.tmp = TempDir(prefix="miglint-precommit-")
        self.home = os.path.join(self.tmp.path, "pre-commit-home")
        # The hook repository: this repository's manifest and hook scripts, committed.
        self.hook_repo = os.path.join(self.tmp.path, "hook-repo")
        os.makedirs(os.path.join(self.hook_repo, "hooks"))
        shutil.copy(os.path.join(SOURCE_DIR, ".pre-commit-hooks.yaml"), self.hook_repo)
        for name in os.listdir(os.path.join(SOURCE_DIR, "hooks")):
            shutil.copy2(os.path.join(SOURCE_DIR, "hooks", name),
                         os.path.join(self.hook_repo, "hooks", name))
        git(self.hook_repo, "init", "-q", "-b", "main")
        git(self.hook_repo, "add", "-A")
        git(self.hook_repo, "commit", "-q", "-m", "hooks")
        self.hook_rev = git(self.hook_repo, "rev-parse", "HEAD").stdout.strip()
        self.repo = self.make_project(os.path.join(self.tmp.path, "project"))

    def tearDown(self):
        self.tmp.cleanup()

    def env(self):
        # The build-on-first-use step is replaced by the binary under test here;
        # test_hook_build.py runs the real build.
        return hook_env({"PRE_COMMIT_HOME": self.home,
                         "MIGLINT_PRE_COMMIT_BINARY": miglint_path()})

    def configure(self, repo, hook_ids, hook_repo=None, rev=None):
        lines = ["repos:", "-   repo: %s" % (hook_repo or self.hook_repo),
                 "    rev: %s" % (rev or self.hook_rev), "    hooks:"]
        lines += ["    -   id: %s" % h for h in hook_ids]
        write_file(os.path.join(repo, ".pre-commit-config.yaml"), "\n".join(lines) + "\n")
        git(repo, "add", ".pre-commit-config.yaml")
        git(repo, "commit", "-q", "-m", "pre-commit config", "--no-verify")

    def test_manifest_is_valid_for_this_pre_commit(self):
        run(self.hook_repo, ["pre-commit", "validate-manifest", ".pre-commit-hooks.yaml"])

    def test_commit_without_downgrade_is_blocked_and_clean_one_passes(self):
        self.configure(self.repo, ["miglint"])
        run(self.repo, ["pre-commit", "install"], env=self.env())
        text = self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders",
                                 downgrade="pass")
        proc = git(self.repo, "commit", "-m", "orders", check=False, env=self.env())
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("Failed", proc.stdout)
        self.assertRegex(proc.stdout, r"versions/bbbbbbbbbbbb_create_orders\.py:%d:\d+: error: "
                         r".*\[missing-downgrade\]" % downgrade_line(text))
        # Fixed: the same commit goes through.
        self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        proc = git(self.repo, "commit", "-m", "orders", env=self.env())
        self.assertIn("Passed", proc.stdout)

    def test_unrelated_change_skips_the_hook(self):
        self.configure(self.repo, ["miglint"])
        write_file(os.path.join(self.repo, "README.txt"), "hello\n")
        git(self.repo, "add", "README.txt")
        proc = run(self.repo, ["pre-commit", "run"], env=self.env())
        self.assertIn("(no files to check)Skipped", proc.stdout)

    def test_pre_push_blocks_two_heads_on_the_remote(self):
        self.configure(self.repo, ["miglint", "miglint-pre-push"])
        run(self.repo, ["pre-commit", "install", "-t", "pre-commit", "-t", "pre-push"],
            env=self.env())
        remote, other = push_two_heads_setup(self, self.repo, self.env())
        proc = git(self.repo, "push", "-q", "origin", "main", check=False, env=self.env())
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("multiple-heads", proc.stdout)
        # The remote still has one head.
        self.assertEqual(git(remote, "rev-parse", "main").stdout.strip(), other)

    def test_pre_push_stage_checks_the_pushed_commit_not_the_working_tree(self):
        """pre-commit's push stage (PRE_COMMIT_FROM_REF/TO_REF and the remote's names):
        the branch pushed is checked as committed, against the remote's branch."""
        self.configure(self.repo, ["miglint-pre-push"])
        run(self.repo, ["pre-commit", "install", "-t", "pre-push"], env=self.env())
        remote = Remote(self.repo, self.env())
        git(self.repo, "push", "-q", "--no-verify", "origin", "main:feature")
        theirs = remote.someone_else_adds("feature", "cccccccccccc", "aaaaaaaaaaaa", "invoices")
        git(self.repo, "fetch", "-q", "origin")
        git(self.repo, "checkout", "-q", "-b", "feature", "origin/main")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "merge", "-q", "--no-verify", "--no-edit", "origin/feature")
        pushed = git(self.repo, "rev-parse", "feature").stdout.strip()
        git(self.repo, "checkout", "-q", "main")  # clean: the old hook passed here
        proc = git(self.repo, "push", "origin", "feature", check=False, env=self.env())
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("Failed", proc.stdout)
        self.assertIn("[multiple-heads]", proc.stdout)
        # The pushed commit has the two heads itself: one finding, whose rebase keeps the
        # head its merge brought in (the remote's).
        self.assertNotIn("[diverges-from-base]", proc.stdout)
        self.assertIn("`miglint rebase --onto cccccccccccc`", proc.stdout)
        self.assertIn("(at %s)" % pushed[:8], proc.stdout)
        self.assertEqual(remote.rev("feature"), theirs)
        # A new branch is compared with the remote's default branch, which moved on.
        remote.someone_else_adds("main", "dddddddddddd", "aaaaaaaaaaaa", "payments")
        git(self.repo, "fetch", "-q", "origin")
        git(self.repo, "checkout", "-q", "-b", "topic", "main")
        commit_revision(self.repo, "eeeeeeeeeeee", "aaaaaaaaaaaa", "refunds")
        git(self.repo, "checkout", "-q", "main")
        proc = git(self.repo, "push", "origin", "topic", check=False, env=self.env())
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("[diverges-from-base]", proc.stdout)
        self.assertIn("merging with origin/main", proc.stdout)
        self.assertIsNone(remote.rev("topic"))
        # On top of the remote's main it passes.
        git(self.repo, "checkout", "-q", "-b", "topic2", "origin/main")
        commit_revision(self.repo, "eeeeeeeeeeee", "dddddddddddd", "refunds")
        git(self.repo, "checkout", "-q", "main")
        proc = git(self.repo, "push", "origin", "topic2", env=self.env())
        self.assertIn("Passed", proc.stdout)
        self.assertIsNotNone(remote.rev("topic2"))

    def test_post_checkout_stage_prints_the_downgrade(self):
        bindir = os.path.join(self.tmp.path, "bin")
        os.makedirs(bindir)
        os.symlink(miglint_path(), os.path.join(bindir, "miglint"))
        for hook_id in ("miglint-post-checkout", "miglint-post-checkout-system"):
            with self.subTest(hook_id):
                repo = self.make_project(os.path.join(self.tmp.path, hook_id))
                self.configure(repo, [hook_id])
                env = self.env()
                env["PATH"] = bindir + os.pathsep + env["PATH"]
                env["DATABASE_URL"] = "sqlite:///dev.db"
                run(repo, ["pre-commit", "install", "-t", "post-checkout"], env=env)
                commit_revision(repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
                git(repo, "checkout", "-q", "-b", "feature", env=env)
                commit_revision(repo, "cccccccccccc", "bbbbbbbbbbbb", "invoices")
                with sqlite3.connect(os.path.join(repo, "dev.db")) as db:
                    db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                               "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")
                    db.execute("INSERT INTO alembic_version VALUES ('cccccccccccc')")
                proc = git(repo, "checkout", "main", env=env)
                self.assertIn("Passed", proc.stdout)
                self.assertIn("at revision cccccccccccc, which this branch does not have",
                              proc.stdout)
                self.assertIn("git checkout feature && miglint downgrade bbbbbbbbbbbb && "
                              "git checkout main", proc.stdout)
                # Back where the database's revision is: nothing to say.
                proc = git(repo, "checkout", "feature", env=env)
                self.assertNotIn("which this branch does not have", proc.stdout)
                # A file checkout is not a branch switch.
                proc = git(repo, "checkout", "main", "--", "versions", env=env)
                self.assertNotIn("which this branch does not have", proc.stdout)

    def test_printed_fixes_run_where_pre_commit_users_are(self):
        """No miglint on PATH (pre-commit's own binary): the hook names it and prints the
        line that puts it on PATH; after that line, the fix the finding prints runs as
        printed (a merge of a sibling branch, stopped at pre-merge-commit)."""
        env = self.env()
        home = os.path.join(self.tmp.path, "home")
        os.makedirs(home)
        env["HOME"] = home
        self.assertIsNone(shutil.which("miglint", path=env["PATH"]))
        self.configure(self.repo, ["miglint"])
        run(self.repo, ["pre-commit", "install", "-t", "pre-commit", "-t", "pre-merge-commit"],
            env=env)
        git(self.repo, "checkout", "-q", "-b", "orders")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "checkout", "-q", "-b", "invoices", "main")
        commit_revision(self.repo, "cccccccccccc", "aaaaaaaaaaaa", "invoices")
        git(self.repo, "checkout", "-q", "orders")
        proc = git(self.repo, "merge", "--no-edit", "invoices", check=False, env=env)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("`miglint` above is %s" % miglint_path(), proc.stdout)
        to_path = re.search(r"^    (mkdir -p ~/.local/bin && ln -sf .*)$", proc.stdout, re.M)
        fix = re.search(r"`(miglint rebase --onto cccccccccccc)`", proc.stdout)
        self.assertIsNotNone(to_path, proc.stdout)
        self.assertIsNotNone(fix, proc.stdout)
        run(self.repo, ["sh", "-c", to_path.group(1)], env=env)
        env["PATH"] = os.path.join(home, ".local", "bin") + os.pathsep + env["PATH"]
        run(self.repo, ["sh", "-c", fix.group(1)], env=env)
        self.assertEqual(run(self.repo, ["sh", "-c", "miglint heads"], env=env).stdout,
                         "bbbbbbbbbbbb (head)\n")
        # Committed with the hook: it passes now.
        git(self.repo, "add", "-A")
        proc = git(self.repo, "commit", "--no-edit", env=env)
        self.assertIn("Passed", proc.stdout)
        self.assertNotIn("put it on PATH", proc.stdout)


def push_two_heads_setup(test, repo, env):
    """A bare remote whose main gained revision ccc from another clone; `repo` merges it
    (no git conflict: different files) next to its own bbb. Returns (remote, remote main)."""
    tmp = os.path.dirname(repo)
    remote = os.path.join(tmp, "remote.git")
    git(tmp, "init", "-q", "--bare", "-b", "main", remote)
    git(repo, "remote", "add", "origin", remote)
    git(repo, "push", "-q", "--no-verify", "origin", "main", env=env)
    git(repo, "remote", "set-head", "origin", "main")
    other = os.path.join(tmp, "other")
    git(tmp, "clone", "-q", remote, other)
    write_file(os.path.join(other, "versions", "cccccccccccc_create_invoices.py"),
               revision_text("cccccccccccc", "aaaaaaaaaaaa", "invoices"))
    git(other, "add", "-A")
    git(other, "commit", "-q", "--no-verify", "-m", "invoices")
    git(other, "push", "-q", "--no-verify", "origin", "main")
    remote_main = git(remote, "rev-parse", "main").stdout.strip()
    write_file(os.path.join(repo, "versions", "bbbbbbbbbbbb_create_orders.py"),
               revision_text("bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "orders")
    git(repo, "pull", "-q", "--no-rebase", "--no-verify", "--no-edit", "origin", "main", env=env)
    return remote, remote_main


class Remote:
    """A bare "remote" repository that `repo` pushes to (as origin, with origin/HEAD set
    to main), and a second clone of it where someone else pushes."""

    def __init__(self, repo, env):
        tmp = os.path.dirname(repo)
        self.repo = repo
        self.path = os.path.join(tmp, "remote.git")
        self.other = os.path.join(tmp, "other")
        git(tmp, "init", "-q", "--bare", "-b", "main", self.path)
        git(repo, "remote", "add", "origin", self.path)
        git(repo, "push", "-q", "--no-verify", "origin", "main", env=env)
        git(repo, "remote", "set-head", "origin", "main")
        git(tmp, "clone", "-q", self.path, self.other)

    def rev(self, ref):
        """The remote's commit for `ref`, or None when it does not have it."""
        proc = git(self.path, "rev-parse", "-q", "--verify", ref + "^{commit}", check=False)
        return proc.stdout.strip() or None

    def someone_else_adds(self, branch, rev, down, table):
        """The second clone commits a revision on `branch` (created from main when the
        remote has no such branch) and pushes it."""
        git(self.other, "fetch", "-q", "origin")
        if self.rev(branch):
            git(self.other, "checkout", "-q", "-B", branch, "origin/" + branch)
        else:
            git(self.other, "checkout", "-q", "-B", branch, "origin/main")
        write_file(os.path.join(self.other, "versions", "%s_create_%s.py" % (rev, table)),
                   revision_text(rev, down, table))
        git(self.other, "add", "-A")
        git(self.other, "commit", "-q", "--no-verify", "-m", table)
        git(self.other, "push", "-q", "--no-verify", "origin", branch)
        return self.rev(branch)


def commit_revision(repo, rev, down, table, message=None):
    path = os.path.join(repo, "versions", "%s_create_%s.py" % (rev, table))
    write_file(path, revision_text(rev, down, table))
    git(repo, "add", path)
    git(repo, "commit", "-q", "--no-verify", "-m", message or table)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def logging_miglint(directory):
    """A `miglint` that records each command line in calls.log, then runs the real one:
    shows which checks a hook ran."""
    log = os.path.join(directory, "calls.log")
    wrapper = os.path.join(directory, "miglint")
    write_file(wrapper, '#!/bin/sh\n[ "$2" = --help ] || echo "$*" >> %s\nexec %s "$@"\n'
               % (log, miglint_path()))
    os.chmod(wrapper, 0o755)
    return wrapper, log


def read_text(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


class InstalledHooksTest(HookRepoMixin, unittest.TestCase):
    """`miglint install-hooks` and the hooks/ scripts under plain git."""

    def setUp(self):
        self.tmp = TempDir(prefix="miglint-hooks-")
        self.repo = self.make_project(os.path.join(self.tmp.path, "project"))

    def tearDown(self):
        self.tmp.cleanup()

    def install(self, *args, cwd=None, expect=0):
        proc = run_miglint(["install-hooks"] + list(args), cwd=cwd or self.repo)
        self.assertEqual(proc.returncode, expect, proc.stdout + proc.stderr)
        return proc

    def test_pre_commit_blocks_and_passes(self):
        self.install()
        for name in ("pre-commit", "pre-merge-commit", "pre-push", "post-merge",
                     "post-checkout"):
            path = os.path.join(self.repo, ".git", "hooks", name)
            self.assertTrue(os.access(path, os.X_OK), name)
        text = self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders",
                                 downgrade="pass")
        proc = git(self.repo, "commit", "-m", "orders", check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertRegex(proc.stdout, r"versions/bbbbbbbbbbbb_create_orders\.py:%d:\d+: error: "
                         r".*\[missing-downgrade\]" % downgrade_line(text))
        self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "commit", "-q", "-m", "orders")

    def test_pre_push_blocks_two_heads_on_the_remote(self):
        self.install()
        remote, before = push_two_heads_setup(self, self.repo, hook_env())
        proc = git(self.repo, "push", "origin", "main", check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("[multiple-heads]", proc.stdout)
        self.assertIn("push blocked", proc.stdout)
        self.assertEqual(git(remote, "rev-parse", "main").stdout.strip(), before)
        # The fix the hooks name, then the push goes through with one head.
        proc = run_miglint(["rebase"], cwd=self.repo)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        git(self.repo, "commit", "-q", "-am", "rebase migrations")
        git(self.repo, "push", "-q", "origin", "main")

    def test_pre_push_checks_every_pushed_branch_not_only_the_checked_out_one(self):
        self.install()
        remote = Remote(self.repo, hook_env())
        git(self.repo, "push", "-q", "--no-verify", "origin", "main:feature")
        theirs = remote.someone_else_adds("feature", "cccccccccccc", "aaaaaaaaaaaa", "invoices")
        # feature (not checked out) gets its own revision on aaa, then pulls the remote's:
        # no git conflict, but two migration heads.
        git(self.repo, "fetch", "-q", "origin")
        git(self.repo, "checkout", "-q", "-b", "feature", "origin/main")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "merge", "-q", "--no-verify", "--no-edit", "origin/feature")
        # main, checked out, is clean: it adds one revision on the remote's main.
        git(self.repo, "checkout", "-q", "main")
        commit_revision(self.repo, "dddddddddddd", "aaaaaaaaaaaa", "payments")
        main_before = remote.rev("main")
        proc = git(self.repo, "push", "origin", "main", "feature", check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        # feature has the two heads itself: multiple-heads, whose rebase keeps the head its
        # merge brought in (not diverges-from-base as well: the merge with the remote's
        # feature adds none).
        self.assertIn("[multiple-heads]", proc.stdout)
        self.assertIn("`miglint rebase --onto cccccccccccc`", proc.stdout)
        self.assertNotIn("[diverges-from-base]", proc.stdout)
        self.assertIn("(at feature)", proc.stdout)
        self.assertIn("push blocked by the migrations of: feature;", proc.stdout)
        self.assertNotIn("not checked out", proc.stdout)
        # Nothing was pushed, not even the clean main.
        self.assertEqual((remote.rev("main"), remote.rev("feature")), (main_before, theirs))
        # main alone goes through.
        git(self.repo, "push", "-q", "origin", "main")
        self.assertEqual(remote.rev("main"), git(self.repo, "rev-parse", "main").stdout.strip())

    def test_pre_push_of_several_clean_refs_checks_each_and_passes(self):
        hooks = os.path.join(self.repo, ".git", "hooks")
        record = os.path.join(self.tmp.path, "local-input")
        write_file(os.path.join(hooks, "pre-push"), "#!/bin/sh\ncat > %s\n" % record)
        os.chmod(os.path.join(hooks, "pre-push"), 0o755)
        self.install()
        remote = Remote(self.repo, hook_env())
        git(self.repo, "push", "-q", "--no-verify", "origin", "main:release")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "tag", "v1")
        git(self.repo, "checkout", "-q", "-b", "feature")
        commit_revision(self.repo, "cccccccccccc", "bbbbbbbbbbbb", "invoices")
        git(self.repo, "checkout", "-q", "-b", "release", "origin/release")
        commit_revision(self.repo, "dddddddddddd", "aaaaaaaaaaaa", "payments")
        git(self.repo, "checkout", "-q", "main")
        wrapper, log = logging_miglint(self.tmp.path)
        proc = git(self.repo, "push", "origin", "main", "feature", "release", "v1",
                   env=hook_env({"MIGLINT": wrapper}), check=False)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        for ref in ("main", "feature", "release", "v1"):
            self.assertEqual(remote.rev(ref), git(self.repo, "rev-parse", ref + "^{commit}")
                             .stdout.strip(), ref)
        # One check per branch, each against its own counterpart: the remote's branch, or
        # for the new feature branch the base branch lint finds on that remote. The tag points at a
        # commit pushed with main: not checked again.
        self.assertEqual(sorted(read_lines(log)), [
            "lint --missing-ok --ref refs/heads/feature --remote origin",
            "lint --missing-ok --ref refs/heads/main --against refs/remotes/origin/main",
            "lint --missing-ok --ref refs/heads/release --against refs/remotes/origin/release"])
        # The hook that was there before runs first, with the same input.
        self.assertEqual(len(read_lines(record)), 4)
        self.assertTrue(any(line.startswith("refs/heads/feature ") for line in read_lines(record)))

    def test_pre_push_of_a_new_branch_compares_with_the_remote_default_branch(self):
        self.install()
        remote = Remote(self.repo, hook_env())
        remote.someone_else_adds("main", "cccccccccccc", "aaaaaaaaaaaa", "invoices")
        git(self.repo, "fetch", "-q", "origin")
        # topic starts from the old main and adds its own child of aaa.
        git(self.repo, "checkout", "-q", "-b", "topic")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "checkout", "-q", "main")
        proc = git(self.repo, "push", "origin", "topic", check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("[diverges-from-base]", proc.stdout)
        self.assertIn("merging with origin/main", proc.stdout)
        self.assertIn("push blocked by the migrations of: topic;", proc.stdout)
        self.assertIsNone(remote.rev("topic"))
        # Built on the remote's main instead, it goes through.
        git(self.repo, "checkout", "-q", "-b", "topic2", "origin/main")
        commit_revision(self.repo, "bbbbbbbbbbbb", "cccccccccccc", "orders")
        git(self.repo, "checkout", "-q", "main")
        git(self.repo, "push", "-q", "origin", "topic2")
        self.assertIsNotNone(remote.rev("topic2"))

    def test_pre_push_deleting_a_branch_and_branches_without_migrations_pass(self):
        self.install()
        remote = Remote(self.repo, hook_env())
        # A branch with two heads reached the remote past the hook.
        git(self.repo, "checkout", "-q", "-b", "broken")
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        commit_revision(self.repo, "cccccccccccc", "aaaaaaaaaaaa", "invoices")
        git(self.repo, "push", "-q", "--no-verify", "origin", "broken")
        git(self.repo, "checkout", "-q", "main")
        # Deleting it adds nothing: not checked.
        proc = git(self.repo, "push", "origin", "--delete", "broken", check=False)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIsNone(remote.rev("broken"))
        # A branch with no migrations at all (a docs site) is not an error.
        git(self.repo, "checkout", "-q", "--orphan", "pages")
        git(self.repo, "rm", "-rqf", ".")
        write_file(os.path.join(self.repo, "index.html"), "<p>docs</p>\n")
        git(self.repo, "add", "index.html")
        git(self.repo, "commit", "-q", "--no-verify", "-m", "docs")
        proc = git(self.repo, "push", "origin", "pages", check=False)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("nothing to lint", proc.stdout)
        self.assertIsNotNone(remote.rev("pages"))

    def test_pre_push_of_tags(self):
        self.install()
        remote = Remote(self.repo, hook_env())
        # A tag of a commit already on the remote was checked with its branch: skipped,
        # even though that commit has two heads (it got there past the hook).
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        commit_revision(self.repo, "cccccccccccc", "aaaaaaaaaaaa", "invoices")
        git(self.repo, "push", "-q", "--no-verify", "origin", "main")
        git(self.repo, "tag", "-a", "-m", "old", "v1")
        git(self.repo, "push", "-q", "origin", "v1")
        self.assertIsNotNone(remote.rev("v1"))
        # A tag that brings commits no pushed branch has is checked on its own.
        git(self.repo, "checkout", "-q", "--detach")
        commit_revision(self.repo, "dddddddddddd", "bbbbbbbbbbbb", "payments")
        git(self.repo, "tag", "v2")
        git(self.repo, "checkout", "-q", "main")
        proc = git(self.repo, "push", "origin", "v2", check=False)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("[multiple-heads]", proc.stdout)
        self.assertIn("(at v2)", proc.stdout)
        self.assertIn("push blocked by the migrations of: v2;", proc.stdout)
        self.assertIsNone(remote.rev("v2"))

    def test_pre_push_without_miglint_on_path_warns_and_lets_the_push_through(self):
        self.install()
        Remote(self.repo, hook_env())
        commit_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        proc = git(self.repo, "push", "origin", "main",
                   env=hook_env({"MIGLINT": "miglint-not-installed"}))
        self.assertIn("'miglint-not-installed' is not on PATH", proc.stdout)

    def test_post_merge_names_the_fix(self):
        self.install()
        git(self.repo, "checkout", "-q", "-b", "feature")
        self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "commit", "-q", "-m", "orders")
        git(self.repo, "checkout", "-q", "main")
        self.add_revision(self.repo, "cccccccccccc", "aaaaaaaaaaaa", "invoices")
        git(self.repo, "commit", "-q", "-m", "invoices")
        # pre-merge-commit would stop this merge; with --no-verify post-merge still warns.
        proc = git(self.repo, "merge", "--no-verify", "--no-edit", "feature")
        self.assertIn("the merge left 2 migration heads", proc.stdout)
        # The fix as printed works, and Alembic agrees there is one head after it.
        fix = re.search(r"miglint: note: .*: miglint (merge .*)", proc.stdout)
        self.assertIsNotNone(fix, proc.stdout)
        args = shlex.split(fix.group(1))
        self.assertEqual(run_miglint(args, cwd=self.repo).returncode, 0)
        ini = os.path.join(self.tmp.path, "alembic.ini")
        write_file(ini, "[alembic]\nscript_location = %s\n" % self.repo)
        heads = run_alembic(["-c", ini, "heads"])
        self.assertEqual(heads.returncode, 0, heads.stderr)
        self.assertRegex(heads.stdout, r"^[0-9a-f]{12} \(head\)\n$")

    def test_post_checkout_prints_the_downgrade(self):
        self.install()
        self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(self.repo, "commit", "-q", "-m", "orders")
        git(self.repo, "checkout", "-q", "-b", "feature")
        self.add_revision(self.repo, "cccccccccccc", "bbbbbbbbbbbb", "invoices")
        self.add_revision(self.repo, "dddddddddddd", "cccccccccccc", "payments")
        git(self.repo, "commit", "-q", "-m", "feature work")
        # The development database is at the feature branch's head.
        with sqlite3.connect(os.path.join(self.repo, "dev.db")) as db:
            db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                       "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")
            db.execute("INSERT INTO alembic_version VALUES ('dddddddddddd')")
        env = hook_env({"DATABASE_URL": "sqlite:///dev.db"})
        proc = git(self.repo, "checkout", "main", env=env)
        self.assertIn("at revision dddddddddddd, which this branch does not have", proc.stdout)
        self.assertIn("git checkout feature && miglint downgrade bbbbbbbbbbbb && "
                      "git checkout main", proc.stdout)
        # Back on the branch that has it: nothing to say.
        proc = git(self.repo, "checkout", "feature", env=env)
        self.assertNotIn("miglint", proc.stdout)

    def test_existing_hook_is_chained_and_restored(self):
        hooks = os.path.join(self.repo, ".git", "hooks")
        mine = os.path.join(hooks, "pre-commit")
        write_file(mine, "#!/bin/sh\necho 'team hook ran'\n")
        os.chmod(mine, 0o755)
        proc = self.install()
        self.assertIn("pre-commit.local and runs first", proc.stdout)
        self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders", downgrade="pass")
        proc = git(self.repo, "commit", "-m", "orders", check=False)
        self.assertIn("team hook ran", proc.stdout)
        self.assertIn("[missing-downgrade]", proc.stdout)
        self.assertNotEqual(proc.returncode, 0)
        # Installing again changes nothing; uninstalling puts the team hook back.
        self.assertIn("up to date", self.install("--hook", "pre-commit").stdout)
        self.install("--uninstall")
        with open(mine) as f:
            self.assertEqual(f.read(), "#!/bin/sh\necho 'team hook ran'\n")
        self.assertFalse(os.path.exists(mine + ".local"))

    def test_refuses_when_the_chain_slot_is_taken_unless_forced(self):
        hooks = os.path.join(self.repo, ".git", "hooks")
        for name in ("pre-push", "pre-push.local"):
            write_file(os.path.join(hooks, name), "#!/bin/sh\nexit 0\n")
        proc = self.install(expect=2)
        self.assertIn("--force", proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(hooks, "pre-commit")))  # all or nothing
        self.install("--force")
        self.assertTrue(os.path.exists(os.path.join(hooks, "pre-push.miglint-backup")))
        with open(os.path.join(hooks, "pre-push")) as f:
            self.assertIn("miglint-hook", f.read())

    def test_second_force_keeps_the_first_backup(self):
        hooks = os.path.join(self.repo, ".git", "hooks")
        first, second = "#!/bin/sh\necho first\n", "#!/bin/sh\necho second\n"
        write_file(os.path.join(hooks, "pre-push.local"), "#!/bin/sh\nexit 0\n")
        write_file(os.path.join(hooks, "pre-push"), first)
        backup = os.path.join(hooks, "pre-push.miglint-backup")
        self.assertIn(backup, self.install("--force").stderr)
        # Another tool puts its own hook in the slot again: a second --force keeps both.
        write_file(os.path.join(hooks, "pre-push"), second)
        proc = self.install("--force")
        self.assertIn("warning: %s was not miglint's hook" % os.path.join(hooks, "pre-push"),
                      proc.stderr)
        self.assertIn("kept as %s.1" % backup, proc.stderr)
        self.assertEqual(read_text(backup), first)
        self.assertEqual(read_text(backup + ".1"), second)

    def test_reinstall_keeps_an_edited_hook(self):
        hooks = os.path.join(self.repo, ".git", "hooks")
        hook = os.path.join(hooks, "pre-commit")
        self.install()
        installed = read_text(hook)
        edited = installed + "echo 'my addition'\n"
        write_file(hook, edited)
        proc = self.install()
        backup = hook + ".miglint-backup"
        self.assertIn("warning: %s was edited after miglint installed it; it is kept as %s"
                      % (hook, backup), proc.stderr)
        self.assertEqual(read_text(backup), edited)
        self.assertEqual(read_text(hook), installed)
        self.assertTrue(os.access(hook, os.X_OK))
        # An unedited hook is left as it is; a second edit goes to the next free name.
        self.assertIn("%s: up to date" % hook, self.install("--hook", "pre-commit").stdout)
        write_file(hook, installed.replace("exec ", "exec nice "))
        proc = self.install("--hook", "pre-commit")
        self.assertIn("kept as %s.1" % backup, proc.stderr)
        self.assertEqual(read_text(backup), edited)
        self.assertIn("exec nice ", read_text(backup + ".1"))

    def test_uninstall_keeps_an_edited_hook(self):
        hooks = os.path.join(self.repo, ".git", "hooks")
        team = "#!/bin/sh\necho 'team hook ran'\n"
        write_file(os.path.join(hooks, "pre-push"), team)
        self.install()
        hook = os.path.join(hooks, "pre-push")
        edited = read_text(hook).replace("exit 0\n", "echo pushed >> push.log\nexit 0\n")
        write_file(hook, edited)
        edited_merge = read_text(os.path.join(hooks, "post-merge")) + "# local note\n"
        write_file(os.path.join(hooks, "post-merge"), edited_merge)
        proc = self.install("--uninstall")
        self.assertIn("warning: %s was edited after miglint installed it; it is kept as "
                      "%s.miglint-backup" % (hook, hook), proc.stderr)
        self.assertIn("%s.miglint-backup" % os.path.join(hooks, "post-merge"), proc.stderr)
        self.assertEqual(read_text(hook + ".miglint-backup"), edited)
        self.assertEqual(read_text(hook), team)  # the hook from before is back
        self.assertEqual(read_text(os.path.join(hooks, "post-merge.miglint-backup")),
                         edited_merge)
        for name in ("pre-commit", "post-merge", "post-checkout"):
            self.assertFalse(os.path.exists(os.path.join(hooks, name)), name)

    def test_hook_of_a_miglint_without_checksums(self):
        """A marker line without a checksum: replaced only when it is what this miglint
        would have written, else kept."""
        hooks = os.path.join(self.repo, ".git", "hooks")
        self.install("--hook", "pre-commit", "--hook", "post-merge")
        for name in ("pre-commit", "post-merge"):
            hook = os.path.join(hooks, name)
            write_file(hook, re.sub(r"; checksum [0-9a-f]+\n", "\n", read_text(hook), count=1))
        post_merge = os.path.join(hooks, "post-merge")
        older = read_text(post_merge).replace("miglint merge", "miglint merge --older")
        write_file(post_merge, older)
        proc = self.install("--hook", "pre-commit", "--hook", "post-merge")
        self.assertIn("%s: updated\n" % os.path.join(hooks, "pre-commit"), proc.stdout)
        self.assertIn("%s was installed by an older miglint that recorded no checksum"
                      % post_merge, proc.stderr)
        self.assertEqual(read_text(post_merge + ".miglint-backup"), older)
        self.assertEqual(sorted(os.listdir(hooks)).count("pre-commit.miglint-backup"), 0)

    def test_core_hooks_path(self):
        git(self.repo, "config", "core.hooksPath", ".githooks")
        proc = self.install()
        self.assertIn("core.hooksPath", proc.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.repo, ".githooks", "pre-commit")))
        self.assertFalse(os.path.exists(os.path.join(self.repo, ".git", "hooks", "pre-commit")))
        self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders", downgrade="pass")
        proc = git(self.repo, "commit", "-m", "orders", check=False)
        self.assertIn("[missing-downgrade]", proc.stdout)

    def test_worktree(self):
        wt = os.path.join(self.tmp.path, "wt")
        git(self.repo, "worktree", "add", "-q", "-b", "side", wt)
        self.install(cwd=wt)
        self.assertTrue(os.path.exists(os.path.join(self.repo, ".git", "hooks", "pre-commit")))
        self.add_revision(wt, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders", downgrade="pass")
        proc = git(wt, "commit", "-m", "orders", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("[missing-downgrade]", proc.stdout)
        self.add_revision(wt, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        git(wt, "commit", "-q", "-m", "orders")


if __name__ == "__main__":
    unittest.main()

"""End-to-end tests of the git-aware checks: `lint --staged`, `lint --ref REV`,
`lint --against [REF]` (diverges-from-base, modified/deleted-merged-migration), `conflicts`,
`verify --against`,
and how miglint finds its way in worktrees, bare repositories, shallow clones,
subdirectories and nested versions directories. Every repository is built with the
real git command in a temporary directory; miglint itself reads them through libgit2."""

import json
import os
import re
import subprocess
import unittest

from miglint_e2e import TempDir, run_miglint, write_file

REVISION = '''"""{message}

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
    op.drop_table('{table}')
'''

# People, so that messages can be checked for who introduced what.
ANN = ("Ann Founder", "ann@example.com")
BEN = ("Ben Basesmith", "ben@example.com")
FAY = ("Fay Featurewright", "fay@example.com")
GUS = ("Gus Sibling", "gus@example.com")


def revision_text(rev, down, table, message=None):
    return REVISION.format(message=message or "create %s table" % table, rev=rev,
                           down=down or "", down_repr=repr(down) if down else "None",
                           table=table)


def revision_line(text):
    """1-based line of `revision = ...`, where revision-level findings point."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("revision = "):
            return number
    raise AssertionError("no revision line")


def clean_env():
    env = dict(os.environ)
    for key in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_COMMON_DIR",
                "DATABASE_URL", "ALEMBIC_DATABASE_URL"):
        env.pop(key, None)
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                "GIT_AUTHOR_NAME": ANN[0], "GIT_AUTHOR_EMAIL": ANN[1],
                "GIT_COMMITTER_NAME": ANN[0], "GIT_COMMITTER_EMAIL": ANN[1]})
    return env


def git(cwd, *args, env=None, check=True):
    full = clean_env()
    if env:
        full.update(env)
    proc = subprocess.run(["git"] + list(args), cwd=cwd, env=full, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, encoding="utf-8", errors="replace",
                          timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError("git %s failed (%d):\n%s" % (" ".join(args), proc.returncode,
                                                        proc.stdout))
    return proc.stdout.strip()


class Repo:
    """A work tree with a versions directory (`versions` relative to the repository root)."""

    day = 0

    def __init__(self, path, versions="versions", branch="main", init=True):
        self.path = path
        self.versions = versions
        if init:
            os.makedirs(path, exist_ok=True)
            git(path, "init", "-q", "-b", branch)

    def git(self, *args, **kw):
        return git(self.path, *args, **kw)

    def file_of(self, rev, table):
        return "%s/%s_create_%s.py" % (self.versions, rev, table)

    def add(self, rev, down, table, message=None, stage=True):
        """Writes a revision file; returns its repository-relative path."""
        rel = self.file_of(rev, table)
        write_file(os.path.join(self.path, rel), revision_text(rev, down, table, message))
        if stage:
            self.git("add", rel)
        return rel

    def write(self, rel, text):
        write_file(os.path.join(self.path, rel), text)

    def read(self, rel):
        with open(os.path.join(self.path, rel), encoding="utf-8") as f:
            return f.read()

    def commit(self, subject, who=ANN):
        """Commits what is staged as `who`, one day after the previous commit; returns
        (full id, YYYY-MM-DD)."""
        Repo.day += 1
        date = "2026-02-%02d" % (Repo.day % 28 + 1)
        stamp = "%sT12:00:00+00:00" % date
        self.git("commit", "-q", "--no-verify", "-m", subject,
                 env={"GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1],
                      "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
        return self.git("rev-parse", "HEAD"), date


def lint_json(cwd, *args):
    proc = run_miglint(["--format", "json", "lint"] + list(args), cwd=cwd)
    try:
        doc = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError("not JSON (rc=%d):\n%s\n%s" % (proc.returncode, proc.stdout,
                                                           proc.stderr))
    return proc, doc


def by_rule(doc, rule):
    return [d for d in doc["diagnostics"] if d["rule"] == rule]


def diverged_repo(path, versions="versions"):
    """main: A, then B on A by Ben. feature (from A): F on A by Fay. Checked out: feature.
    Returns (repo, info) with each commit's id and date."""
    repo = Repo(path, versions=versions)
    info = {}
    repo.add("a0a0a0a0a0a0", None, "accounts", "create accounts table")
    info["A"] = repo.commit("Initial schema", ANN)
    repo.git("branch", "feature")
    repo.add("b1b1b1b1b1b1", "a0a0a0a0a0a0", "orders", "create orders table")
    info["B"] = repo.commit("Add orders migration", BEN)
    repo.git("checkout", "-q", "feature")
    repo.add("f2f2f2f2f2f2", "a0a0a0a0a0a0", "users", "create users table")
    info["F"] = repo.commit("Add users migration", FAY)
    return repo, info


class GitTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir(prefix="miglint-git-")
        self.root = self.tmp.path
        Repo.day = 0

    def tearDown(self):
        self.tmp.cleanup()

    def where(self, name):
        return os.path.join(self.root, name)

    def assert_divergence(self, doc, repo_path_of_f, info, ref="main", f_text=None,
                          ours="this branch"):
        found = by_rule(doc, "diverges-from-base")
        self.assertEqual(len(found), 1, json.dumps(doc, indent=1))
        d = found[0]
        self.assertEqual(d["code"], "MG203")
        self.assertEqual(d["severity"], "error")
        self.assertEqual(d["path"], repo_path_of_f)
        self.assertEqual(d["revision"], "f2f2f2f2f2f2")
        if f_text is not None:
            self.assertEqual(d["line"], revision_line(f_text))
        m = d["message"]
        # Both heads, which side added each, and the commit behind each.
        self.assertIn("merging with %s" % ref, m)
        self.assertIn("2 heads where it has 1", m)
        self.assertIn('f2f2f2f2f2f2 "create users table" (added by %s in %s by '
                      'Fay Featurewright, %s: "Add users migration")'
                      % (ours, info["F"][0][:8], info["F"][1]), m)
        self.assertIn('b1b1b1b1b1b1 "create orders table" (added by %s in %s by '
                      'Ben Basesmith, %s: "Add orders migration")'
                      % (ref, info["B"][0][:8], info["B"][1]), m)
        # The fix.
        self.assertIn("miglint rebase --onto b1b1b1b1b1b1", m)
        self.assertIn("miglint merge", m)
        return d


class DivergenceTest(GitTestCase):
    def test_two_branches_add_a_child_to_the_same_parent(self):
        repo, info = diverged_repo(self.where("repo"))
        # Each side alone has one head: lint without the base branch is clean.
        self.assertEqual(run_miglint(["lint", "--no-against"], cwd=repo.path).returncode, 0)
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        f_text = repo.read(repo.file_of("f2f2f2f2f2f2", "users"))
        self.assert_divergence(doc, "versions/f2f2f2f2f2f2_create_users.py", info, f_text=f_text)
        # Text output names the rule and the file:line.
        text = run_miglint(["lint", "--against", "main"], cwd=repo.path)
        self.assertEqual(text.returncode, 1)
        self.assertRegex(text.stdout, r"versions/f2f2f2f2f2f2_create_users\.py:%d:\d+: error: "
                         r".*\[diverges-from-base\]" % revision_line(f_text))
        # An uncommitted revision is attributed to the working tree, not to a commit.
        repo.add("c3c3c3c3c3c3", "f2f2f2f2f2f2", "carts", "create carts table", stage=False)
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual(proc.returncode, 1)
        [d] = by_rule(doc, "diverges-from-base")
        self.assertIn("c3c3c3c3c3c3", d["message"])
        self.assertIn("uncommitted changes", d["message"])

    def test_same_branch_as_ref_and_up_to_date_branch_are_clean(self):
        repo, _ = diverged_repo(self.where("repo"))
        proc, doc = lint_json(repo.path, "--against", "feature")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)
        repo.git("checkout", "-q", "main")
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)

    def test_rebase_fixes_the_divergence(self):
        repo, info = diverged_repo(self.where("repo"))
        # The fix the message names, run before git brings main's revision in.
        fix = run_miglint(["rebase", "--onto", "b1b1b1b1b1b1"], cwd=repo.path)
        self.assertEqual(fix.returncode, 0, fix.stderr)
        self.assertIn("f2f2f2f2f2f2", fix.stdout)
        self.assertIn("b1b1b1b1b1b1", fix.stdout)
        f_rel = repo.file_of("f2f2f2f2f2f2", "users")
        self.assertIn("down_revision = 'b1b1b1b1b1b1'", repo.read(f_rel))
        repo.git("commit", "-q", "-am", "Rebase users migration onto orders")
        self.assertIn("merge main next", fix.stdout)
        # No divergence any more; until main is merged in, the branch alone revises a
        # revision it does not have yet.
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual(by_rule(doc, "diverges-from-base"), [], json.dumps(doc, indent=1))
        self.assertEqual([d["revision"] for d in by_rule(doc, "unknown-parent")],
                         ["f2f2f2f2f2f2"])
        # After `git merge main` the branch lints clean, on its own and against main.
        repo.git("merge", "-q", "--no-edit", "main")
        self.assertEqual(run_miglint(["lint"], cwd=repo.path).returncode, 0)
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)

    def test_rebase_after_git_rebase(self):
        repo, _ = diverged_repo(self.where("repo"))
        repo.git("rebase", "-q", "main")
        # Both revisions are in the tree now: two heads.
        proc, doc = lint_json(repo.path)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(by_rule(doc, "multiple-heads")), 1)
        fix = run_miglint(["rebase"], cwd=repo.path)
        self.assertEqual(fix.returncode, 0, fix.stderr)
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)

    def test_against_without_value_picks_origin_head(self):
        origin, info = diverged_repo(self.where("origin"))
        origin.git("checkout", "-q", "main")
        remote = self.where("remote.git")
        git(self.root, "clone", "-q", "--bare", origin.path, remote)
        clone = Repo(self.where("clone"), init=False)
        git(self.root, "clone", "-q", remote, clone.path)
        clone.git("checkout", "-q", "-b", "work", "origin/feature")
        # A local main that has nothing of main's revision: if miglint took it as the
        # base, there would be no divergence.
        clone.git("branch", "-f", "main", info["A"][0])
        self.assertEqual(clone.git("symbolic-ref", "refs/remotes/origin/HEAD"),
                         "refs/remotes/origin/main")
        proc, doc = lint_json(clone.path, "--against")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assert_divergence(doc, "versions/f2f2f2f2f2f2_create_users.py", info,
                               ref="origin/main")
        # base_ref in the config wins over origin/HEAD, for --against and for plain lint.
        write_file(os.path.join(clone.path, "miglint.toml"), 'base_ref = "main"\n')
        proc, doc = lint_json(clone.path, "--against")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)

    def test_against_without_value_falls_back_to_main_then_master(self):
        repo, info = diverged_repo(self.where("repo"))
        proc, doc = lint_json(repo.path, "--against")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assert_divergence(doc, "versions/f2f2f2f2f2f2_create_users.py", info, ref="main")
        repo.git("branch", "-m", "main", "master")
        proc, doc = lint_json(repo.path, "--against")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assert_divergence(doc, "versions/f2f2f2f2f2f2_create_users.py", info, ref="master")
        # No base at all: a usage error that says what to do.
        repo.git("branch", "-m", "master", "trunk")
        proc = run_miglint(["lint", "--against"], cwd=repo.path)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("base_ref", proc.stderr)
        # An unknown REF is a usage error too.
        proc = run_miglint(["lint", "--against", "nosuchbranch"], cwd=repo.path)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("nosuchbranch", proc.stderr)

    def test_plain_lint_runs_base_checks_unless_base_ref_is_false(self):
        repo, info = diverged_repo(self.where("repo"))
        self.assertEqual(run_miglint(["lint"], cwd=repo.path).returncode, 1)
        write_file(os.path.join(repo.path, "miglint.toml"),
                   'versions = "versions"\nbase_ref = false\n')
        self.assertEqual(run_miglint(["lint"], cwd=repo.path).returncode, 0)
        write_file(os.path.join(repo.path, "miglint.toml"),
                   'versions = "versions"\nbase_ref = "main"\n')
        proc, doc = lint_json(repo.path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assert_divergence(doc, "versions/f2f2f2f2f2f2_create_users.py", info)
        # --ignore turns it off like any rule.
        proc, doc = lint_json(repo.path, "--ignore", "diverges-from-base")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []))


class MergedMigrationTest(GitTestCase):
    def base_and_branch(self):
        """main: A, B (both merged). feature forks there and edits nothing yet."""
        repo = Repo(self.where("repo"))
        repo.add("a0a0a0a0a0a0", None, "accounts", "create accounts table")
        repo.commit("Initial schema", ANN)
        repo.add("b1b1b1b1b1b1", "a0a0a0a0a0a0", "orders", "create orders table")
        b_commit = repo.commit("Add orders migration", BEN)
        repo.git("checkout", "-q", "-b", "feature")
        return repo, b_commit

    def test_edit_of_a_merged_migration_is_mg201(self):
        repo, b_commit = self.base_and_branch()
        rel = repo.file_of("b1b1b1b1b1b1", "orders")
        text = repo.read(rel).replace("sa.Integer(), nullable=False",
                                      "sa.BigInteger(), nullable=False")
        repo.write(rel, text)
        # Uncommitted edits count (the working tree is what is linted).
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        [d] = by_rule(doc, "modified-merged-migration")
        self.assertEqual((d["code"], d["severity"], d["path"], d["line"], d["revision"]),
                         ("MG201", "error", rel, revision_line(text), "b1b1b1b1b1b1"))
        self.assertIn("already on main", d["message"])
        self.assertIn('merged in %s by Ben Basesmith, %s: "Add orders migration"'
                      % (b_commit[0][:8], b_commit[1]), d["message"])
        self.assertIn("miglint new", d["message"])
        # Committed, the same.
        repo.git("commit", "-q", "-am", "Tweak orders")
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(by_rule(doc, "modified-merged-migration")), 1)
        # A revision the branch itself added may be edited freely.
        repo.add("c3c3c3c3c3c3", "b1b1b1b1b1b1", "carts", "create carts table")
        repo.commit("Add carts", FAY)
        repo.write(repo.file_of("c3c3c3c3c3c3", "carts"),
                   revision_text("c3c3c3c3c3c3", "b1b1b1b1b1b1", "baskets", "create baskets"))
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual([d["revision"] for d in by_rule(doc, "modified-merged-migration")],
                         ["b1b1b1b1b1b1"])

    def test_rename_without_change_is_clean(self):
        repo, _ = self.base_and_branch()
        old = repo.file_of("b1b1b1b1b1b1", "orders")
        new = "versions/b1b1b1b1b1b1_orders_table.py"
        repo.git("mv", old, new)
        repo.commit("Rename orders migration", FAY)
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)
        # A rename *with* a change is an edit of the merged revision, at its new path.
        text = repo.read(new).replace("'orders'", "'purchases'")
        repo.write(new, text)
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual(proc.returncode, 1)
        [d] = by_rule(doc, "modified-merged-migration")
        self.assertEqual((d["path"], d["line"]), (new, revision_line(text)))
        self.assertIn(old, d["message"])
        self.assertEqual(by_rule(doc, "deleted-merged-migration"), [], json.dumps(doc, indent=1))

    def test_delete_of_a_merged_migration_is_mg202(self):
        repo, b_commit = self.base_and_branch()
        rel = repo.file_of("b1b1b1b1b1b1", "orders")
        repo.git("rm", "-q", rel)
        repo.commit("Drop orders migration", FAY)
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        [d] = by_rule(doc, "deleted-merged-migration")
        self.assertEqual((d["code"], d["severity"], d["path"], d["line"]),
                         ("MG202", "error", rel, 0))
        self.assertIn("deleted on this branch", d["message"])
        self.assertIn("restore the file", d["message"])
        self.assertIn(b_commit[0][:8], d["message"])
        self.assertEqual(by_rule(doc, "modified-merged-migration"), [])

    def test_revision_added_on_main_after_the_fork_is_not_ours_to_edit(self):
        # main gains C after feature forked; feature lacks it. That is not a deletion.
        repo, _ = self.base_and_branch()
        repo.git("checkout", "-q", "main")
        repo.add("c3c3c3c3c3c3", "b1b1b1b1b1b1", "carts", "create carts table")
        repo.commit("Add carts", BEN)
        repo.git("checkout", "-q", "feature")
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)


class StagedTest(GitTestCase):
    def test_staged_reads_the_index_not_the_working_tree(self):
        repo = Repo(self.where("repo"))
        repo.add("a0a0a0a0a0a0", None, "accounts", "create accounts table")
        repo.commit("Initial schema")
        # Staged: a bad message; working tree: fixed.
        rel = repo.add("b1b1b1b1b1b1", "a0a0a0a0a0a0", "orders", "wip")
        repo.write(rel, revision_text("b1b1b1b1b1b1", "a0a0a0a0a0a0", "orders",
                                      "create orders table"))
        proc, doc = lint_json(repo.path, "--staged")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        [d] = by_rule(doc, "undescriptive-message")
        self.assertEqual(d["path"], rel)
        proc, doc = lint_json(repo.path)
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []))
        # The other way round: the staged version is fine, the working tree is not.
        repo.git("add", rel)
        repo.write(rel, revision_text("b1b1b1b1b1b1", "a0a0a0a0a0a0", "orders", "fix"))
        proc, doc = lint_json(repo.path, "--staged")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []))
        proc, doc = lint_json(repo.path)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(by_rule(doc, "undescriptive-message")), 1)
        # A file only in the working tree is not seen by --staged: a second head there.
        repo.add("c3c3c3c3c3c3", "a0a0a0a0a0a0", "carts", "create carts table", stage=False)
        proc, doc = lint_json(repo.path, "--staged")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []))
        self.assertEqual(doc["summary"]["revisions_checked"], 2)
        proc, doc = lint_json(repo.path)
        self.assertEqual(len(by_rule(doc, "multiple-heads")), 1)
        # Text summary says it read the index.
        self.assertIn("(staged)", run_miglint(["lint", "--staged"], cwd=repo.path).stdout)

    def test_staged_with_against(self):
        repo, info = diverged_repo(self.where("repo"))
        # Staged edit of the merged base revision; the working tree restores it.
        rel = repo.file_of("a0a0a0a0a0a0", "accounts")
        original = repo.read(rel)
        repo.write(rel, original.replace("'accounts'", "'members'"))
        repo.git("add", rel)
        repo.write(rel, original)
        proc, doc = lint_json(repo.path, "--staged", "--against", "main")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(by_rule(doc, "modified-merged-migration")), 1)
        self.assertEqual(len(by_rule(doc, "diverges-from-base")), 1)
        proc, doc = lint_json(repo.path, "--against", "main")
        self.assertEqual(by_rule(doc, "modified-merged-migration"), [])

    def test_staged_outside_git_is_a_usage_error(self):
        os.makedirs(self.where("plain/versions"))
        write_file(self.where("plain/versions/a0a0a0a0a0a0_create_accounts.py"),
                   revision_text("a0a0a0a0a0a0", None, "accounts"))
        for args in (["lint", "--staged"], ["lint", "--against", "main"]):
            proc = run_miglint(args, cwd=self.where("plain"))
            self.assertEqual(proc.returncode, 2, args)
            self.assertIn("git repository", proc.stderr)


class RefTest(GitTestCase):
    """`lint --ref REV`: the revisions as committed in REV, read through libgit2 with no
    checkout, whatever the working tree holds."""

    def test_findings_follow_the_ref_not_the_working_tree(self):
        repo = Repo(self.where("repo"))
        repo.add("a0a0a0a0a0a0", None, "accounts", "create accounts table")
        base, _ = repo.commit("Initial schema")
        repo.git("checkout", "-q", "-b", "feature")
        bad = repo.add("b1b1b1b1b1b1", "a0a0a0a0a0a0", "orders", "wip")
        repo.commit("Add orders migration", FAY)
        repo.git("tag", "v1")
        repo.git("checkout", "-q", "main")
        # The working tree (main) has something else wrong: an uncommitted second head.
        repo.add("c3c3c3c3c3c3", "a0a0a0a0a0a0", "carts", "create carts table", stage=False)
        repo.add("d4d4d4d4d4d4", "a0a0a0a0a0a0", "items", "create items table", stage=False)
        proc, doc = lint_json(repo.path)
        self.assertEqual(len(by_rule(doc, "multiple-heads")), 1, doc)
        # feature's tree: its bad message, and none of the working tree's files.
        proc, doc = lint_json(repo.path, "--ref", "feature")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual([(d["rule"], d["path"]) for d in doc["diagnostics"]],
                         [("undescriptive-message", bad)])
        self.assertEqual(doc["summary"]["revisions_checked"], 2)
        # A tag, a commit id and a revision expression name the same tree.
        oid = repo.git("rev-parse", "feature")
        for rev in ("v1", oid, oid[:10], "v1^{commit}", "feature~0"):
            proc, again = lint_json(repo.path, "--ref", rev)
            self.assertEqual(again["diagnostics"], doc["diagnostics"], rev)
        # main as committed is clean, whatever is on disk.
        proc, doc = lint_json(repo.path, "--ref", "main")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)
        self.assertEqual(doc["summary"]["revisions_checked"], 1)
        proc, doc = lint_json(repo.path, "--ref", base)
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)
        # A file deleted from the working tree is still in the commit.
        os.unlink(os.path.join(repo.path, repo.file_of("a0a0a0a0a0a0", "accounts")))
        proc, doc = lint_json(repo.path, "--ref", "main")
        self.assertEqual((proc.returncode, doc["summary"]["revisions_checked"]), (0, 1))
        # The text summary names the revision (a commit id by its short form).
        text = run_miglint(["lint", "--ref", "feature"], cwd=repo.path)
        self.assertIn("in 2 revisions (at feature)", text.stdout)
        text = run_miglint(["lint", "--ref", oid], cwd=repo.path)
        self.assertIn("(at %s)" % oid[:8], text.stdout)
        self.assertRegex(text.stdout, r"%s:\d+:\d+: error: .*\[undescriptive-message\]"
                         % re.escape(bad))

    def test_unknown_or_unusable_ref_is_a_usage_error(self):
        repo, _ = diverged_repo(self.where("repo"))
        cases = [(["--ref", "nope"], "unknown revision 'nope'"),
                 (["--ref", "featur"], "did you mean 'feature'?"),
                 (["--ref", "HEAD:versions"], "does not name a commit"),
                 (["--ref", "main", "--staged"], "pass only one of them"),
                 (["--ref", "feature", "--against", "nope"], "cannot compare with 'nope'")]
        for args, message in cases:
            proc = run_miglint(["lint"] + args, cwd=repo.path)
            self.assertEqual(proc.returncode, 2, args)
            self.assertEqual(proc.stdout, "", args)
            self.assertIn(message, proc.stderr, args)
            self.assertNotIn("internal error", proc.stderr)
        os.makedirs(self.where("plain/versions"))
        proc = run_miglint(["lint", "--ref", "main"], cwd=self.where("plain"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--ref needs a git repository", proc.stderr)

    def test_ref_against_merges_rev_with_ref_from_their_merge_base(self):
        repo, info = diverged_repo(self.where("repo"))
        # Checked out: `side`, from main's tip, which drops b1 and edits a0. Were the merge
        # base taken from HEAD, feature would be said to delete b1 and the checked-out
        # edit of a0 would show; neither concerns feature.
        repo.git("checkout", "-q", "-b", "side", "main")
        a0 = repo.file_of("a0a0a0a0a0a0", "accounts")
        repo.write(a0, repo.read(a0).replace("'accounts'", "'members'"))
        repo.git("rm", "-q", repo.file_of("b1b1b1b1b1b1", "orders"))
        repo.git("add", a0)
        repo.commit("Side work", GUS)
        proc, doc = lint_json(repo.path, "--ref", "feature", "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(sorted(d["rule"] for d in doc["diagnostics"]), ["diverges-from-base"])
        self.assert_divergence(doc, "versions/f2f2f2f2f2f2_create_users.py", info,
                               ours="feature")
        self.assertNotIn("this branch", by_rule(doc, "diverges-from-base")[0]["message"])
        # The other way round names main as ours; REF as a full ref name shows short.
        proc, doc = lint_json(repo.path, "--ref", "main", "--against", "refs/heads/feature")
        [d] = by_rule(doc, "diverges-from-base")
        self.assertIn("merging with feature (%s)" % info["F"][0][:8], d["message"])
        self.assertIn("(added by main in %s" % info["B"][0][:8], d["message"])
        # A branch that edits a merged revision, seen from elsewhere: MG201 names it.
        proc, doc = lint_json(repo.path, "--ref", "side", "--against", "main")
        [edit] = by_rule(doc, "modified-merged-migration")
        self.assertIn("was changed on side, but it is already on main", edit["message"])
        self.assertEqual(len(by_rule(doc, "deleted-merged-migration")), 1)
        # Up to date with its base: clean.
        proc, doc = lint_json(repo.path, "--ref", "feature", "--against", "feature")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)

    def test_ref_with_sarif_and_github_formats(self):
        repo, info = diverged_repo(self.where("repo"))
        repo.git("checkout", "-q", "main")
        proc = run_miglint(["--format", "sarif", "lint", "--ref", "feature", "--against",
                            "main"], cwd=repo.path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        sarif = json.loads(proc.stdout)
        [result] = sarif["runs"][0]["results"]
        self.assertEqual(result["ruleId"], "MG203")
        location = result["locations"][0]["physicalLocation"]
        self.assertEqual(location["artifactLocation"]["uri"],
                         "versions/f2f2f2f2f2f2_create_users.py")
        proc = run_miglint(["--format", "github", "lint", "--ref", "feature", "--against",
                            "main"], cwd=repo.path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertRegex(proc.stdout, r"(?m)^::error file=versions/f2f2f2f2f2f2_create_users"
                         r"\.py,line=\d+")

    def test_ref_from_a_subdirectory_and_in_a_bare_repository(self):
        repo, info = diverged_repo(self.where("repo"), versions="app/db/migrations/versions")
        write_file(os.path.join(repo.path, "app/db/alembic.ini"),
                   "[alembic]\nscript_location = %(here)s/migrations\n")
        repo.git("add", "app/db/alembic.ini")
        repo.commit("Add alembic.ini", FAY)
        repo.git("checkout", "-q", "main")
        # alembic.ini is only in feature's tree: found there, not on disk.
        self.assertFalse(os.path.exists(os.path.join(repo.path, "app/db/alembic.ini")))
        dbdir = os.path.join(repo.path, "app", "db")
        proc, doc = lint_json(dbdir, "--ref", "feature", "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assert_divergence(doc, "migrations/versions/f2f2f2f2f2f2_create_users.py", info,
                               ours="feature")
        proc = run_miglint(["-C", "app/db/migrations/versions", "--format", "json", "lint",
                            "--ref", "feature", "--no-against"], cwd=repo.path)
        self.assertEqual((proc.returncode, json.loads(proc.stdout)["diagnostics"]), (0, []),
                         proc.stderr)
        # A bare clone whose HEAD is main: --ref reads feature instead (alembic.ini named
        # with --config, a path in the tree: a bare repository has no subdirectory to run in).
        bare = self.where("bare.git")
        git(self.root, "clone", "-q", "--bare", repo.path, bare)
        proc, doc = lint_json(bare, "--config", "app/db/alembic.ini", "--ref", "feature",
                              "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assert_divergence(doc, "app/db/migrations/versions/f2f2f2f2f2f2_create_users.py",
                               info, ours="feature")

    def test_heads_file_is_read_from_the_ref(self):
        repo = Repo(self.where("repo"))
        write_file(os.path.join(repo.path, "miglint.toml"), "heads_file = true\n")
        repo.add("a0a0a0a0a0a0", None, "accounts", "create accounts table")
        repo.write("versions/HEADS", "a0a0a0a0a0a0\n")
        repo.git("add", "-A")
        repo.commit("Initial schema")
        repo.git("checkout", "-q", "-b", "feature")
        repo.add("b1b1b1b1b1b1", "a0a0a0a0a0a0", "orders", "create orders table")
        repo.commit("Add orders, forgetting HEADS")
        repo.write("versions/HEADS", "b1b1b1b1b1b1\n")  # fixed on disk only
        proc, doc = lint_json(repo.path)
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)
        proc, doc = lint_json(repo.path, "--ref", "feature")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        [d] = by_rule(doc, "stale-heads-file")
        self.assertEqual(d["path"], "versions/HEADS")
        self.assertIn("lists a0a0a0a0a0a0", d["message"])
        proc, doc = lint_json(repo.path, "--ref", "main")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)

    def test_missing_ok_for_a_tree_without_migrations(self):
        repo, _ = diverged_repo(self.where("repo"))
        repo.git("checkout", "-q", "--orphan", "pages")
        repo.git("rm", "-rqf", ".")
        repo.write("index.html", "<p>docs</p>\n")
        repo.git("add", "index.html")
        repo.commit("Docs site")
        repo.git("checkout", "-q", "main")
        proc = run_miglint(["lint", "--ref", "pages"], cwd=repo.path)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no versions directory found in commit", proc.stderr)
        proc, doc = lint_json(repo.path, "--ref", "pages", "--missing-ok")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)
        self.assertIn("nothing to lint", proc.stderr)
        # Only a missing versions directory: findings and broken configs still count.
        proc = run_miglint(["lint", "--ref", "feature", "--against", "main", "--missing-ok"],
                           cwd=repo.path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        proc = run_miglint(["--versions", "gone", "lint", "--ref", "main", "--missing-ok"],
                           cwd=repo.path)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("versions directory gone does not exist", proc.stderr)


class ConflictsTest(GitTestCase):
    def radar_repo(self):
        """main: A -> B. Branches:
        - late   (forked at A): adds L on A       -> diverges from main
        - left   (at B):        adds S1 on B      \\ siblings: whichever merges second
        - right  (at B):        adds S2 on B      /  leaves two heads
        - editor (at B):        edits B, which left and right build on
        - quiet  (at B):        no migration change"""
        repo = Repo(self.where("repo"))
        repo.add("a0a0a0a0a0a0", None, "accounts")
        a = repo.commit("Initial schema")
        repo.add("b1b1b1b1b1b1", "a0a0a0a0a0a0", "orders")
        repo.commit("Add orders", BEN)
        repo.git("checkout", "-q", "-b", "late", a[0])
        repo.add("1a1a1a1a1a1a", "a0a0a0a0a0a0", "late_things")
        repo.commit("Late branch", FAY)
        for branch, rev, table, who in (("left", "5151515151a1", "lefts", FAY),
                                        ("right", "5252525252a2", "rights", GUS)):
            repo.git("checkout", "-q", "-b", branch, "main")
            repo.add(rev, "b1b1b1b1b1b1", table)
            repo.commit("Add " + table, who)
        repo.git("checkout", "-q", "-b", "editor", "main")
        rel = repo.file_of("b1b1b1b1b1b1", "orders")
        repo.write(rel, repo.read(rel).replace("'orders'", "'purchases'"))
        repo.git("add", rel)
        repo.commit("Rename orders in place", GUS)
        repo.git("checkout", "-q", "-b", "quiet", "main")
        repo.write("README", "hello\n")
        repo.git("add", "README")
        repo.commit("Docs")
        repo.git("checkout", "-q", "main")
        return repo

    def test_radar_over_local_branches(self):
        repo = self.radar_repo()
        proc = run_miglint(["--format", "json", "conflicts"], cwd=repo.path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["base"], "main")
        self.assertEqual(doc["base_commit"], repo.git("rev-parse", "main")[:8])
        kinds = sorted((c["kind"], tuple(c["branches"])) for c in doc["conflicts"])
        self.assertIn(("diverges-from-base", ("late",)), kinds)
        self.assertIn(("sibling-revisions", ("left", "right")), kinds)
        self.assertIn(("edits-merged-revision", ("editor", "left")), kinds)
        self.assertIn(("edits-merged-revision", ("editor", "right")), kinds)
        self.assertFalse(any("quiet" in c["branches"] for c in doc["conflicts"]), kinds)
        messages = {c["kind"]: c["message"] for c in doc["conflicts"]}
        self.assertIn("1a1a1a1a1a1a", messages["diverges-from-base"])
        self.assertIn("miglint rebase", messages["diverges-from-base"])
        self.assertIn("b1b1b1b1b1b1", messages["sibling-revisions"])
        self.assertIn("b1b1b1b1b1b1", messages["edits-merged-revision"])
        # Text output: one line per conflict plus a summary.
        text = run_miglint(["conflicts"], cwd=repo.path)
        self.assertEqual(text.returncode, 1)
        self.assertIn("left and right both add revisions on top of b1b1b1b1b1b1", text.stdout)
        self.assertIn("conflicts among", text.stdout)

    def test_radar_over_remote_tracking_branches_in_a_clone(self):
        origin = self.radar_repo()
        clone = self.where("clone")
        git(self.root, "clone", "-q", origin.path, clone)
        proc = run_miglint(["--format", "json", "conflicts"], cwd=clone)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["base"], "origin/main")
        kinds = sorted((c["kind"], tuple(c["branches"])) for c in doc["conflicts"])
        self.assertIn(("sibling-revisions", ("origin/left", "origin/right")), kinds)
        self.assertIn(("diverges-from-base", ("origin/late",)), kinds)

    def test_clean_radar(self):
        repo = Repo(self.where("repo"))
        repo.add("a0a0a0a0a0a0", None, "accounts")
        repo.commit("Initial schema")
        repo.git("checkout", "-q", "-b", "one")
        repo.add("b1b1b1b1b1b1", "a0a0a0a0a0a0", "orders")
        repo.commit("Add orders")
        repo.git("checkout", "-q", "main")
        proc = run_miglint(["--format", "json", "conflicts"], cwd=repo.path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual((doc["conflicts"], doc["branches_checked"]), ([], 1))


class VerifyAgainstTest(GitTestCase):
    def test_verify_checks_only_the_branch_revisions(self):
        repo, _ = diverged_repo(self.where("repo"))
        repo.git("checkout", "-q", "main")
        repo.git("checkout", "-q", "-b", "topic")
        repo.add("c3c3c3c3c3c3", "b1b1b1b1b1b1", "carts", "create carts table")
        repo.add("d4d4d4d4d4d4", "c3c3c3c3c3c3", "lines", "create lines table")
        repo.commit("Carts", FAY)
        proc = run_miglint(["--format", "json", "verify", "--against", "main"], cwd=repo.path)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        doc = json.loads(proc.stdout)
        status = {r["revision"]: r["status"] for r in doc["revisions"]}
        self.assertEqual(status, {"a0a0a0a0a0a0": "upgraded", "b1b1b1b1b1b1": "upgraded",
                                  "c3c3c3c3c3c3": "ok", "d4d4d4d4d4d4": "ok"})
        self.assertIn("2 revisions this branch adds over main", proc.stderr)
        # Without --against, everything is round-tripped.
        proc = run_miglint(["--format", "json", "verify"], cwd=repo.path)
        status = {r["revision"]: r["status"] for r in json.loads(proc.stdout)["revisions"]}
        self.assertEqual(set(status.values()), {"ok"})
        # A failing revision of the branch is still caught.
        repo.write(repo.file_of("d4d4d4d4d4d4", "lines"),
                   revision_text("d4d4d4d4d4d4", "c3c3c3c3c3c3", "lines").replace(
                       "op.drop_table('lines')", "pass"))
        proc = run_miglint(["--format", "json", "verify", "--against", "main"], cwd=repo.path)
        self.assertEqual(proc.returncode, 1)
        status = {r["revision"]: r["status"] for r in json.loads(proc.stdout)["revisions"]}
        self.assertEqual(status["a0a0a0a0a0a0"], "upgraded")
        self.assertNotEqual(status["d4d4d4d4d4d4"], "ok")


class LayoutTest(GitTestCase):
    def test_linked_worktree(self):
        repo, info = diverged_repo(self.where("repo"))
        repo.git("checkout", "-q", "main")
        wt = self.where("wt")
        repo.git("worktree", "add", "-q", wt, "feature")
        proc, doc = lint_json(wt, "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assert_divergence(doc, "versions/f2f2f2f2f2f2_create_users.py", info)
        # The worktree's own index.
        wrepo = Repo(wt, init=False)
        wrepo.add("c3c3c3c3c3c3", "f2f2f2f2f2f2", "carts", "wip")
        proc, doc = lint_json(wt, "--staged")
        self.assertEqual([d["path"] for d in by_rule(doc, "undescriptive-message")],
                         ["versions/c3c3c3c3c3c3_create_carts.py"])
        proc, doc = lint_json(repo.path, "--staged")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []))
        # The main worktree, on main, seen from the other side.
        proc, doc = lint_json(repo.path, "--against", "feature")
        [d] = by_rule(doc, "diverges-from-base")
        self.assertEqual(d["path"], "versions/b1b1b1b1b1b1_create_orders.py")
        self.assertIn("b1b1b1b1b1b1 \"create orders table\" (added by this branch in %s"
                      % info["B"][0][:8], d["message"])
        self.assertIn("(added by feature in %s" % info["F"][0][:8], d["message"])

    def test_from_a_subdirectory(self):
        repo, info = diverged_repo(self.where("repo"))
        write_file(os.path.join(repo.path, "alembic.ini"),
                   "[alembic]\nscript_location = %(here)s\n")
        sub = os.path.join(repo.path, "src", "pkg")
        os.makedirs(sub)
        proc, doc = lint_json(sub, "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assert_divergence(doc, "../../versions/f2f2f2f2f2f2_create_users.py", info)
        # From inside versions/ itself, with no config file at all.
        os.unlink(os.path.join(repo.path, "alembic.ini"))
        proc, doc = lint_json(os.path.join(repo.path, "versions"), "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(len(by_rule(doc, "diverges-from-base")), 1)
        # A subdirectory with no config finds the default versions/ at the repository root.
        proc, doc = lint_json(sub, "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(len(by_rule(doc, "diverges-from-base")), 1)
        # --staged from there reads the index at the right paths.
        repo.add("c3c3c3c3c3c3", "f2f2f2f2f2f2", "carts", "wip")
        proc, doc = lint_json(sub, "--staged")
        self.assertEqual([d["path"] for d in by_rule(doc, "undescriptive-message")],
                         ["../../versions/c3c3c3c3c3c3_create_carts.py"], proc.stderr)

    def test_versions_at_depth(self):
        repo, info = diverged_repo(self.where("repo"), versions="app/db/migrations/versions")
        write_file(os.path.join(repo.path, "app/db/alembic.ini"),
                   "[alembic]\nscript_location = %(here)s/migrations\n")
        dbdir = os.path.join(repo.path, "app", "db")
        for cwd, shown in ((dbdir, "migrations/versions/f2f2f2f2f2f2_create_users.py"),
                           (os.path.join(dbdir, "migrations", "versions"),
                            "f2f2f2f2f2f2_create_users.py")):
            proc, doc = lint_json(cwd, "--against", "main")
            self.assertEqual(proc.returncode, 1, proc.stderr)
            self.assert_divergence(doc, shown, info)
        # -C from the repository root.
        proc = run_miglint(["-C", "app/db", "--format", "json", "lint", "--against", "main"],
                           cwd=repo.path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        # Edits at depth are seen too.
        rel = repo.file_of("a0a0a0a0a0a0", "accounts")
        repo.write(rel, repo.read(rel).replace("'accounts'", "'members'"))
        proc, doc = lint_json(dbdir, "--against", "main")
        [d] = by_rule(doc, "modified-merged-migration")
        self.assertEqual(d["path"], "migrations/versions/a0a0a0a0a0a0_create_accounts.py")


class BareRepositoryTest(GitTestCase):
    def make_bare(self, head="feature"):
        origin, info = diverged_repo(self.where("origin"))
        write_file(os.path.join(origin.path, "miglint.toml"), 'versions = "versions"\n')
        origin.git("add", "miglint.toml")
        origin.commit("Add miglint.toml", FAY)
        bare = self.where("bare.git")
        git(self.root, "clone", "-q", "--bare", origin.path, bare)
        git(bare, "symbolic-ref", "HEAD", "refs/heads/" + head)
        return bare, info

    def test_lint_heads_history_in_a_bare_repository(self):
        bare, info = self.make_bare()
        # HEAD (feature) diverges from main: compared with it by default.
        proc, doc = lint_json(bare)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        proc, doc = lint_json(bare, "--no-against")
        self.assertEqual((proc.returncode, doc["diagnostics"]), (0, []), proc.stderr)
        self.assertEqual(doc["summary"]["revisions_checked"], 2)
        heads = run_miglint(["heads"], cwd=bare)
        self.assertEqual(heads.returncode, 0, heads.stderr)
        self.assertEqual(heads.stdout.split()[0], "f2f2f2f2f2f2")
        history = run_miglint(["history"], cwd=bare)
        self.assertEqual(history.returncode, 0, history.stderr)
        self.assertIn("a0a0a0a0a0a0 -> f2f2f2f2f2f2 (head), create users table", history.stdout)
        # -C works as well as the cwd.
        self.assertEqual(run_miglint(["-C", bare, "heads"]).stdout, heads.stdout)
        # Commands that write revision files refuse: there is no working tree to write to.
        for args in (["new", "-m", "add things table"], ["merge"], ["rebase"]):
            proc = run_miglint(args, cwd=bare)
            self.assertEqual(proc.returncode, 2, args)
            self.assertIn("bare repository", proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(bare, "versions")))
        # An empty bare repository: a clear usage error.
        empty = self.where("empty.git")
        git(self.root, "init", "-q", "--bare", empty)
        proc = run_miglint(["heads"], cwd=empty)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("HEAD names no commit", proc.stderr)

    def test_lint_against_in_a_bare_repository(self):
        bare, info = self.make_bare()
        proc, doc = lint_json(bare, "--against", "main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assert_divergence(doc, "versions/f2f2f2f2f2f2_create_users.py", info)
        proc, doc = lint_json(bare, "--against")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(len(by_rule(doc, "diverges-from-base")), 1)

    def test_staged_in_a_bare_repository_is_a_usage_error(self):
        bare, _ = self.make_bare()
        proc = run_miglint(["lint", "--staged"], cwd=bare)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("bare repository", proc.stderr)

    def test_conflicts_in_a_bare_repository(self):
        bare, _ = self.make_bare(head="main")
        proc = run_miglint(["--format", "json", "conflicts"], cwd=bare)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual([(c["kind"], c["branches"]) for c in doc["conflicts"]],
                         [("diverges-from-base", ["feature"])])

    def test_bare_repository_with_alembic_ini_and_default_layout(self):
        origin = Repo(self.where("origin"), versions="db/versions")
        origin.add("a0a0a0a0a0a0", None, "accounts")
        write_file(os.path.join(origin.path, "alembic.ini"),
                   "[alembic]\nscript_location = db\n")
        origin.git("add", "alembic.ini")
        origin.commit("Initial schema")
        bare = self.where("bare.git")
        git(self.root, "clone", "-q", "--bare", origin.path, bare)
        heads = run_miglint(["heads"], cwd=bare)
        self.assertEqual((heads.returncode, heads.stdout.split()[:1]), (0, ["a0a0a0a0a0a0"]),
                         heads.stderr)
        # No config at all: the default locations, looked up in the tree.
        plain = Repo(self.where("plain"), versions="migrations/versions")
        plain.add("a0a0a0a0a0a0", None, "accounts")
        plain.commit("Initial schema")
        bare2 = self.where("plain.git")
        git(self.root, "clone", "-q", "--bare", plain.path, bare2)
        heads = run_miglint(["heads"], cwd=bare2)
        self.assertEqual((heads.returncode, heads.stdout.split()[:1]), (0, ["a0a0a0a0a0a0"]),
                         heads.stderr)


class ShallowCloneTest(GitTestCase):
    def test_shallow_clone(self):
        origin, info = diverged_repo(self.where("origin"))
        # Also an edit of a merged revision, which needs history to be seen.
        rel = origin.file_of("a0a0a0a0a0a0", "accounts")
        origin.write(rel, origin.read(rel).replace("'accounts'", "'members'"))
        origin.git("add", rel)
        origin.commit("Edit accounts", FAY)
        clone = self.where("shallow")
        git(self.root, "clone", "-q", "--depth", "1", "--no-single-branch", "-b", "feature",
            "file://" + origin.path, clone)
        self.assertTrue(os.path.exists(os.path.join(clone, ".git", "shallow")))
        proc, doc = lint_json(clone, "--against", "origin/main")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)
        # The divergence needs only the two trees: still reported.
        [d] = by_rule(doc, "diverges-from-base")
        self.assertIn("f2f2f2f2f2f2", d["message"])
        self.assertIn("b1b1b1b1b1b1", d["message"])
        self.assertIn("miglint rebase --onto b1b1b1b1b1b1", d["message"])
        self.assertNotIn("uncommitted", d["message"])
        # The edit check needs the merge base: skipped, and the warning says how to fix it.
        self.assertEqual(by_rule(doc, "modified-merged-migration"), [])
        self.assertIn("shallow", proc.stderr)
        self.assertIn("git fetch --unshallow", proc.stderr)
        self.assertIn("fetch-depth: 0", proc.stderr)
        # Without a divergence the run passes (a skipped check is a warning, not a failure).
        proc, doc = lint_json(clone, "--against", "origin/feature")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # Plain lint needs no history at all.
        self.assertEqual(run_miglint(["lint"], cwd=clone).returncode, 0)
        # After unshallowing, the edit is found.
        git(clone, "fetch", "-q", "--unshallow")
        proc, doc = lint_json(clone, "--against", "origin/main")
        self.assertEqual(len(by_rule(doc, "modified-merged-migration")), 1, proc.stderr)
        self.assertNotIn("shallow", proc.stderr)


if __name__ == "__main__":
    unittest.main()

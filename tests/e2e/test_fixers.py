"""End-to-end tests of the fixers: `miglint new`, `merge` and `rebase` write files that
real Alembic reads as the expected graph (one head, the expected history order), in
the classic and the typed template and in SQL-format directories; the heads file makes
two branches that each add a revision conflict in git."""

import os
import re
import shutil
import subprocess
import unittest

from miglint_e2e import TempDir, run_alembic, run_miglint, write_file

ALEMBIC_TEMPLATES = "/usr/lib/python3/dist-packages/alembic/templates/generic"


def git(cwd, *args, check=True):
    env = dict(os.environ)
    env.update({"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})
    proc = subprocess.run(["git"] + list(args), cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, encoding="utf-8")
    if check and proc.returncode != 0:
        raise AssertionError("git %s failed: %s%s" % (" ".join(args), proc.stdout, proc.stderr))
    return proc


def make_alembic_project(root, ini_extra="", mako=False):
    write_file(os.path.join(root, "alembic.ini"),
               "[alembic]\nscript_location = migrations\n" + ini_extra)
    os.makedirs(os.path.join(root, "migrations", "versions"), exist_ok=True)
    if mako:
        shutil.copy(os.path.join(ALEMBIC_TEMPLATES, "script.py.mako"),
                    os.path.join(root, "migrations", "script.py.mako"))
    return os.path.join(root, "migrations", "versions")


def generated_path(proc):
    m = re.search(r"^Generating (.+) \.\.\.  done$", proc.stdout, re.M)
    assert m, proc.stdout + proc.stderr
    return m.group(1)


class FixersTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir(prefix="miglint-fixers-")
        self.root = self.tmp.path

    def tearDown(self):
        self.tmp.cleanup()

    def miglint(self, *args, cwd=None, expect=0):
        proc = run_miglint(list(args), cwd=cwd or self.root)
        self.assertEqual(proc.returncode, expect,
                         "miglint %s: %s%s" % (" ".join(args), proc.stdout, proc.stderr))
        return proc

    def new(self, message, *extra, cwd=None):
        return generated_path(self.miglint("new", "-m", message, *extra, cwd=cwd))

    def alembic(self, *args, cwd=None):
        cwd = cwd or self.root
        proc = run_alembic(["-c", os.path.join(cwd, "alembic.ini")] + list(args), cwd=cwd)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return proc.stdout

    def assert_alembic_graph(self, head, history_ids, cwd=None):
        """Alembic sees exactly one head and the history newest-first as given."""
        heads = self.alembic("heads", cwd=cwd).split()
        self.assertEqual([h for h in heads if h != "(head)"], [head])
        history = self.alembic("history", cwd=cwd)
        ids = [re.match(r"^.* -> (\w+)", line).group(1) for line in history.splitlines() if line]
        self.assertEqual(ids, history_ids)
        mine = run_miglint(["heads"], cwd=cwd or self.root)
        self.assertEqual(mine.stdout.split()[0], head)


class NewAndMergeTest(FixersTestCase):
    def test_new_writes_what_alembic_revision_writes(self):
        """Same id and message: byte-identical to `alembic revision` but for the date."""
        alembic_root = os.path.join(self.root, "a")
        miglint_root = os.path.join(self.root, "m")
        for root, mako in ((alembic_root, True), (miglint_root, False)):
            make_alembic_project(root, mako=mako)
        self.alembic("revision", "--rev-id", "1a2b3c4d5e6f", "-m", "Create users table!",
                     cwd=alembic_root)
        self.alembic("revision", "--rev-id", "2b3c4d5e6f70", "-m", "add users.email index",
                     cwd=alembic_root)
        for rev, msg in (("1a2b3c4d5e6f", "Create users table!"),
                         ("2b3c4d5e6f70", "add users.email index")):
            self.miglint("new", "-m", msg, "--rev-id", rev, cwd=miglint_root)
        a_dir = os.path.join(alembic_root, "migrations", "versions")
        m_dir = os.path.join(miglint_root, "migrations", "versions")
        names = sorted(n for n in os.listdir(a_dir) if n.endswith(".py"))
        self.assertEqual(names, ["1a2b3c4d5e6f_create_users_table.py",
                                 "2b3c4d5e6f70_add_users_email_index.py"])
        self.assertEqual(sorted(os.listdir(m_dir)), names)
        date = re.compile(r"^Create Date: .*$", re.M)
        for name in names:
            with open(os.path.join(a_dir, name)) as f:
                expected = date.sub("Create Date: X", f.read())
            with open(os.path.join(m_dir, name)) as f:
                actual = f.read()
            self.assertRegex(actual, r"Create Date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
            self.assertEqual(date.sub("Create Date: X", actual), expected)

    def check_new_and_merge(self, typed=False, mako=False):
        make_alembic_project(self.root, mako=mako)
        if typed:
            write_file(os.path.join(self.root, "miglint.toml"),
                       'versions = "migrations/versions"\ntemplate = "typed"\n')
        first = self.new("create users table")
        second = self.new("add orders table")
        ids = [os.path.basename(p).split("_")[0] for p in (first, second)]
        self.assertTrue(all(re.fullmatch(r"[0-9a-f]{12}", i) for i in ids), ids)
        # A second branch from the first revision: two heads, then a merge.
        branch = self.new("add invoices table", "--head", ids[0])
        bid = os.path.basename(branch).split("_")[0]
        self.assertEqual(len(run_miglint(["heads"], cwd=self.root).stdout.splitlines()), 2)
        proc = self.miglint("new", "-m", "one more", expect=2)
        self.assertIn("miglint merge", proc.stderr)
        merge = generated_path(self.miglint("merge", "-m", "merge orders and invoices"))
        mid = os.path.basename(merge).split("_")[0]
        with open(merge) as f:
            text = f.read()
        self.assertIn("down_revision%s = ('%s', '%s')" % (
            ": Union[str, None]" if typed else "", *sorted([ids[1], bid])), text)
        self.assertIn("Revises: %s, %s\n" % tuple(sorted([ids[1], bid])), text)
        if typed:
            self.assertIn("revision: str = '%s'" % mid, text)
        history = self.alembic("history")
        self.assertEqual(history.splitlines()[0],
                         "%s, %s -> %s (head) (mergepoint), merge orders and invoices"
                         % (*sorted([ids[1], bid]), mid))
        heads = self.alembic("heads").split()
        self.assertEqual(heads, [mid, "(head)"])
        # After the merge, `new` builds on the merge revision.
        last = self.new("add payments table")
        lid = os.path.basename(last).split("_")[0]
        self.assertEqual(self.alembic("heads").split(), [lid, "(head)"])
        lines = self.alembic("history").splitlines()
        self.assertEqual(lines[0], "%s -> %s (head), add payments table" % (mid, lid))
        self.assertEqual(lines[-1], "<base> -> %s (branchpoint), create users table" % ids[0])
        self.miglint("lint")

    def test_classic_template(self):
        self.check_new_and_merge()

    def test_typed_template(self):
        self.check_new_and_merge(typed=True)

    def test_project_script_py_mako(self):
        self.check_new_and_merge(mako=True)

    def test_typed_style_is_copied_from_the_existing_revisions(self):
        versions = make_alembic_project(self.root)
        write_file(os.path.join(versions, "aaaaaaaaaaaa_first.py"),
                   '"""first\n\nRevision ID: aaaaaaaaaaaa\nRevises: \nCreate Date: 2026-01-01 '
                   '00:00:00\n\n"""\nfrom typing import Sequence, Union\n\nfrom alembic import op\n'
                   'import sqlalchemy as sa\n\n\nrevision: str = "aaaaaaaaaaaa"\n'
                   'down_revision: Union[str, None] = None\nbranch_labels = None\n'
                   'depends_on = None\n\n\ndef upgrade() -> None:\n    pass\n\n\n'
                   'def downgrade() -> None:\n    pass\n')
        path = self.new("second revision here")
        with open(path) as f:
            text = f.read()
        self.assertIn("down_revision: Union[str, None] = 'aaaaaaaaaaaa'", text)
        self.assert_alembic_graph(os.path.basename(path)[:12],
                                  [os.path.basename(path)[:12], "aaaaaaaaaaaa"])

    def test_file_template_and_slug_length_from_alembic_ini(self):
        make_alembic_project(
            self.root,
            "file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-"
            "%%(rev)s_%%(slug)s\ntruncate_slug_length = 12\n")
        path = self.new("add a rather long message here")
        name = os.path.basename(path)
        self.assertRegex(name, r"^\d{4}_\d\d_\d\d_\d{4}-[0-9a-f]{12}_add_a_\.py$")
        rev = name.split("-")[1][:12]
        self.assert_alembic_graph(rev, [rev])

    def test_merge_with_one_head_writes_nothing(self):
        versions = make_alembic_project(self.root)
        self.new("create users table")
        proc = self.miglint("merge")
        self.assertIn("nothing to merge", proc.stderr)
        self.assertEqual(len(os.listdir(versions)), 1)

    def test_sql_directory(self):
        versions = os.path.join(self.root, "versions")
        os.makedirs(versions)
        write_file(os.path.join(versions, "4c1d8e2f9a07_create_authors.sql"),
                   "-- create authors\n--\n-- Revision ID: 4c1d8e2f9a07\n-- Revises:\n"
                   "-- Create Date: 2026-01-12 09:30:00\n\n-- migrate:up\n"
                   "CREATE TABLE authors (id INTEGER PRIMARY KEY);\n\n-- migrate:down\n"
                   "DROP TABLE authors;\n")
        a = self.new("add books table")
        self.assertTrue(a.endswith("_add_books_table.sql"), a)
        with open(a) as f:
            text = f.read()
        self.assertRegex(text, r"^-- add books table\n--\n-- Revision ID: [0-9a-f]{12}\n"
                               r"-- Revises: 4c1d8e2f9a07\n-- Create Date: [-0-9: ]+\n\n"
                               r"-- migrate:up\n\n\n-- migrate:down\n\n$")
        b = self.new("add genres table", "--head", "4c1d8e2f9a07")
        m = generated_path(self.miglint("merge", "-m", "merge books and genres"))
        self.assertTrue(m.endswith("_merge_books_and_genres.sql"))
        heads = run_miglint(["heads"], cwd=self.root).stdout.split()
        mid = os.path.basename(m)[:12]
        self.assertEqual(heads, [mid, "(head)"])
        with open(m) as f:
            self.assertIn("-- Revises: %s, %s\n" % tuple(sorted(
                [os.path.basename(a)[:12], os.path.basename(b)[:12]])), f.read())
        self.miglint("lint")


class RebaseTest(FixersTestCase):
    def setUp(self):
        super().setUp()
        git(self.root, "init", "-q", "-b", "main")

    def commit_all(self, message):
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", message)

    def diverged_branches(self, sql=False, typed=False):
        """main: A -> B; feature: A -> C -> D; feature has main merged in (two heads)."""
        if sql:
            os.makedirs(os.path.join(self.root, "versions"))
            write_file(os.path.join(self.root, "versions", "aaaaaaaaaaaa_base.sql"),
                       "-- base tables\n--\n-- Revision ID: aaaaaaaaaaaa\n-- Revises:\n"
                       "-- Create Date: 2026-01-01 00:00:00\n\n-- migrate:up\n"
                       "CREATE TABLE t (id INTEGER PRIMARY KEY);\n\n-- migrate:down\n"
                       "DROP TABLE t;\n")
        else:
            make_alembic_project(self.root)
            if typed:
                write_file(os.path.join(self.root, "miglint.toml"),
                           'versions = "migrations/versions"\ntemplate = "typed"\n')
            self.miglint("new", "-m", "create base tables", "--rev-id", "aaaaaaaaaaaa")
        self.commit_all("base")
        git(self.root, "checkout", "-q", "-b", "feature")
        c = self.new("add feature table")
        d = self.new("add feature index")
        self.commit_all("feature revisions")
        git(self.root, "checkout", "-q", "main")
        b = self.new("add main table")
        self.commit_all("main revision")
        git(self.root, "checkout", "-q", "feature")
        git(self.root, "merge", "-q", "--no-edit", "main")
        return [os.path.basename(p)[:12] for p in (b, c, d)], c

    def check_rebase(self, sql=False, typed=False):
        (b, c, d), c_path = self.diverged_branches(sql=sql, typed=typed)
        self.assertEqual(len(run_miglint(["heads"], cwd=self.root).stdout.splitlines()), 2)
        with open(c_path) as f:
            before = f.read()
        proc = self.miglint("rebase")
        self.assertIn("Re-parented %s" % c, proc.stdout)
        with open(c_path) as f:
            after = f.read()
        # Only the parent changed: the down_revision value and the Revises: line.
        changed = [(x, y) for x, y in zip(before.splitlines(), after.splitlines()) if x != y]
        self.assertEqual(len(before.splitlines()), len(after.splitlines()))
        self.assertEqual(len(changed), 1 if sql else 2, changed)
        for old, new in changed:
            self.assertEqual(old.replace("aaaaaaaaaaaa", b), new)
        self.assertEqual(run_miglint(["heads"], cwd=self.root).stdout.split(), [d, "(head)"])
        if not sql:
            self.assert_alembic_graph(d, [d, c, b, "aaaaaaaaaaaa"])
        self.miglint("lint")
        # Once more: nothing left to do.
        proc = self.miglint("rebase", expect=2)
        self.assertIn("nothing to rebase", proc.stderr)

    def test_rebase_classic(self):
        self.check_rebase()

    def test_rebase_typed(self):
        self.check_rebase(typed=True)

    def test_rebase_sql(self):
        self.check_rebase(sql=True)

    def test_rebase_onto_a_revision_without_git_base(self):
        (b, c, d), _ = self.diverged_branches()
        self.miglint("rebase", "--onto", b)
        self.assert_alembic_graph(d, [d, c, b, "aaaaaaaaaaaa"])

    def test_rebase_refuses_a_branch_whose_revisions_branch(self):
        (b, c, d), _ = self.diverged_branches()
        self.new("another feature head", "--head", c)
        proc = self.miglint("rebase", expect=2)
        self.assertIn("branch at %s" % c, proc.stderr)

    def test_rebase_before_the_base_branch_is_merged(self):
        """The base head is not in the working tree yet: re-parent onto it, then merge."""
        make_alembic_project(self.root)
        self.miglint("new", "-m", "create base tables", "--rev-id", "aaaaaaaaaaaa")
        self.commit_all("base")
        git(self.root, "checkout", "-q", "-b", "feature")
        c = os.path.basename(self.new("add feature table"))[:12]
        self.commit_all("feature")
        git(self.root, "checkout", "-q", "main")
        b = os.path.basename(self.new("add main table"))[:12]
        self.commit_all("main")
        git(self.root, "checkout", "-q", "feature")
        proc = self.miglint("rebase")
        self.assertIn("merge main next", proc.stdout)
        self.commit_all("rebase migrations onto main")
        git(self.root, "merge", "-q", "--no-edit", "main")
        self.assert_alembic_graph(c, [c, b, "aaaaaaaaaaaa"])

    def test_rebase_onto_a_base_revision_not_merged_yet(self):
        make_alembic_project(self.root)
        self.miglint("new", "-m", "create base tables", "--rev-id", "aaaaaaaaaaaa")
        self.commit_all("base")
        git(self.root, "checkout", "-q", "-b", "feature")
        c = os.path.basename(self.new("add feature table"))[:12]
        self.commit_all("feature")
        git(self.root, "checkout", "-q", "main")
        b = os.path.basename(self.new("add main table"))[:12]
        self.commit_all("main")
        git(self.root, "checkout", "-q", "feature")
        self.miglint("rebase", "--onto", b)
        git(self.root, "merge", "-q", "--no-edit", "main")
        self.assert_alembic_graph(c, [c, b, "aaaaaaaaaaaa"])


class HeadsFileTest(FixersTestCase):
    def test_two_branches_adding_revisions_conflict_in_git(self):
        git(self.root, "init", "-q", "-b", "main")
        make_alembic_project(self.root)
        write_file(os.path.join(self.root, "miglint.toml"),
                   'versions = "migrations/versions"\nheads_file = true\n')
        first = os.path.basename(self.new("create base tables"))[:12]
        heads_path = os.path.join(self.root, "migrations", "versions", "HEADS")
        with open(heads_path) as f:
            self.assertEqual(f.read().splitlines()[-1], first)
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "base")
        git(self.root, "checkout", "-q", "-b", "feature")
        c = os.path.basename(self.new("add feature table"))[:12]
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "feature")
        git(self.root, "checkout", "-q", "main")
        b = os.path.basename(self.new("add main table"))[:12]
        with open(heads_path) as f:
            self.assertEqual(f.read().splitlines()[-1], b)
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "main")
        merge = git(self.root, "merge", "--no-edit", "feature", check=False)
        self.assertNotEqual(merge.returncode, 0)
        self.assertIn("CONFLICT", merge.stdout)
        self.assertIn("HEADS", merge.stdout)
        # Resolve the way the file says: join the heads, which rewrites HEADS.
        git(self.root, "checkout", "--theirs", "migrations/versions/HEADS")
        proc = self.miglint("merge", "-m", "merge main and feature")
        mid = os.path.basename(generated_path(proc))[:12]
        with open(heads_path) as f:
            text = f.read()
        self.assertEqual(text.splitlines()[-1], mid)
        self.assertNotIn(c, text)


if __name__ == "__main__":
    unittest.main()

"""Hostile and huge inputs: a 100,000-revision linear history, deeply nested brackets and
blocks, a huge single line and an oversized file. miglint must answer with findings or a
clear error (exit 1 or 2), never crash (a signal, a sanitizer report) or run out of stack.

And hostile repositories: lint and verify never open the database the environment or the
config names, nothing from the repository is ever executed (only its SQL, on verify's
in-memory scratch database, which cannot reach the filesystem), and no shell or other
program is started with repository content (src/ has no system/popen/exec calls).
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

from miglint_e2e import SOURCE_DIR, TempDir, miglint_path, run_miglint, write_file

# A smaller chain under the sanitizers (tests/run_all.sh): they look for memory errors, not scale.
CHAIN = int(os.environ.get("MIGLINT_LIMITS_CHAIN", 100_000))


def rev_id(i):
    return "%012x" % (0x100000000 + i)


def sql_revision(i):
    parent = rev_id(i - 1) if i else ""
    return ("-- add table number %d\n--\n-- Revision ID: %s\n-- Revises: %s\n"
            "-- Create Date: 2026-01-01 00:00:00\n\n"
            "-- migrate:up\nCREATE TABLE t%d (id INTEGER PRIMARY KEY);\n\n"
            "-- migrate:down\nDROP TABLE t%d;\n" % (i, rev_id(i), parent, i, i))


PY_HEADER = ('"""add a table\n\nRevision ID: aaaaaaaaaaaa\nRevises:\n"""\n'
             "from alembic import op\nimport sqlalchemy as sa\n\n"
             "revision = 'aaaaaaaaaaaa'\ndown_revision = None\n"
             "branch_labels = None\ndepends_on = None\n\n")


def assert_no_crash(test, done):
    test.assertIn(done.returncode, (0, 1, 2), "exit %d\nstderr: %s" % (done.returncode,
                                                                     done.stderr[-3000:]))
    test.assertNotIn("internal error", done.stderr)
    test.assertNotIn("Sanitizer", done.stderr)


class LongChainTest(unittest.TestCase):
    """One long chain (100,000 revisions; fewer under the sanitizers), built once for every
    command below."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.project = cls.tmp.path
        versions = os.path.join(cls.project, "versions")
        os.makedirs(versions)
        for i in range(CHAIN):
            with open(os.path.join(versions, "%s_add_table_number_%d.sql" % (rev_id(i), i)),
                      "w", encoding="utf-8") as f:
                f.write(sql_revision(i))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def miglint(self, *args):
        return run_miglint(list(args), cwd=self.project, timeout=600)

    def test_heads(self):
        done = self.miglint("heads")
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        self.assertEqual(done.stdout.split(), [rev_id(CHAIN - 1), "(head)"])

    def test_history(self):
        done = self.miglint("history")
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        lines = done.stdout.splitlines()
        self.assertEqual(len(lines), CHAIN)
        self.assertTrue(lines[0].startswith("%s -> %s (head)" % (rev_id(CHAIN - 2), rev_id(CHAIN - 1))))
        self.assertTrue(lines[-1].startswith("<base> -> %s" % rev_id(0)))

    def test_history_range_and_branches(self):
        done = self.miglint("history", "-r", "%s:head" % rev_id(10))
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        self.assertEqual(len(done.stdout.splitlines()), CHAIN - 10)
        done = self.miglint("branches")
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])

    def test_lint(self):
        done = self.miglint("lint", "--format", "json")
        assert_no_crash(self, done)
        self.assertEqual(done.returncode, 0, done.stdout[-3000:] + done.stderr[-3000:])

    def test_stamp_and_relative_targets(self):
        db = os.path.join(self.project, "stamp.db")
        for args, expected in ((["stamp", "head"], CHAIN - 1), (["stamp", "base"], None),
                               (["stamp", rev_id(CHAIN // 2)], CHAIN // 2)):
            done = self.miglint(*args, "--db", db)
            self.assertEqual(done.returncode, 0, done.stderr[-3000:])
            current = self.miglint("current", "--db", db)
            self.assertEqual(current.returncode, 0, current.stderr[-3000:])
            self.assertEqual(current.stdout.split()[:1], [rev_id(expected)] if expected is not None else [])
        done = self.miglint("upgrade", "+2", "--db", db)
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        done = self.miglint("downgrade", "-1", "--db", db)
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        self.assertEqual(self.miglint("current", "--db", db).stdout.split()[0], rev_id(CHAIN // 2 + 1))


class HostileFilesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.project = self.tmp.path
        self.versions = os.path.join(self.project, "versions")
        os.makedirs(self.versions)

    def tearDown(self):
        self.tmp.cleanup()

    def lint(self, name, text):
        path = os.path.join(self.versions, name)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(path, mode) as f:
            f.write(text)
        for args in (["lint"], ["heads"], ["history"], ["verify"]):
            done = run_miglint(args, cwd=self.project, timeout=300)
            assert_no_crash(self, done)
        return run_miglint(["lint"], cwd=self.project, timeout=300)

    def test_deeply_nested_brackets_at_module_level(self):
        for depth in (150, 250, 1100, 100_000):
            with self.subTest(depth=depth):
                done = self.lint("aaaaaaaaaaaa_nested.py",
                                 PY_HEADER + "x = " + "(" * depth + "1" + ")" * depth + "\n")
                assert_no_crash(self, done)

    def test_deeply_nested_brackets_in_upgrade(self):
        for opener, closer in (("(", ")"), ("[", "]"), ("{", "}"), ("f(", ")")):
            with self.subTest(opener=opener):
                body = "    op.execute(" + opener * 50_000 + "'x'" + closer * 50_000 + ")\n"
                done = self.lint("aaaaaaaaaaaa_nested.py", PY_HEADER + "def upgrade():\n" + body +
                                 "\n\ndef downgrade():\n    pass\n")
                assert_no_crash(self, done)

    def test_deep_operator_and_attribute_chains(self):
        for expr in ("-" * 100_000 + "1", "not " * 50_000 + "x", "a" + ".b" * 100_000,
                     "x" + "[0]" * 100_000, "x" + "()" * 100_000, "1" + " + 1" * 100_000,
                     "lambda: " * 20_000 + "1", "1 if x else " * 20_000 + "2",
                     "await " * 50_000 + "x", "x" + " ** x" * 50_000):
            with self.subTest(expr=expr[:20]):
                done = self.lint("aaaaaaaaaaaa_chain.py", PY_HEADER + "def upgrade():\n    y = " +
                                 expr + "\n    op.execute('select 1')\n\n"
                                 "def downgrade():\n    pass\n")
                assert_no_crash(self, done)

    def test_deeply_nested_blocks(self):
        lines = [PY_HEADER, "def upgrade():\n"]
        for depth in range(1, 300):
            lines.append("    " * depth + "if x:\n")
        lines.append("    " * 300 + "pass\n")
        lines.append("\ndef downgrade():\n    pass\n")
        done = self.lint("aaaaaaaaaaaa_blocks.py", "".join(lines))
        assert_no_crash(self, done)
        self.assertIn("unparsable-revision", done.stdout)

    def test_huge_single_line(self):
        big = "x" * (12 << 20)
        done = self.lint("aaaaaaaaaaaa_line.py",
                         PY_HEADER + "def upgrade():\n    op.execute('" + big + "')\n\n"
                         "def downgrade():\n    pass\n")
        assert_no_crash(self, done)
        os.unlink(os.path.join(self.versions, "aaaaaaaaaaaa_line.py"))
        done = self.lint("aaaaaaaaaaaa_line.sql",
                         "-- one huge line\n--\n-- Revision ID: aaaaaaaaaaaa\n-- Revises:\n\n"
                         "-- migrate:up\nSELECT '" + big + "';\n-- migrate:down\nSELECT 1;\n")
        assert_no_crash(self, done)

    def test_oversized_file_is_reported_not_read(self):
        done = self.lint("aaaaaaaaaaaa_big.py", PY_HEADER + "#" * (17 << 20) + "\n")
        # A file that cannot be read is unreadable input: exit 2, as the README says.
        self.assertEqual(done.returncode, 2, done.stderr[-2000:])
        self.assertIn("aaaaaaaaaaaa_big.py", done.stdout + done.stderr)

    def test_binary_and_invalid_utf8(self):
        done = self.lint("aaaaaaaaaaaa_bin.py", bytes(range(256)) * 64)
        assert_no_crash(self, done)
        done = self.lint("aaaaaaaaaaaa_bin.py", b"\xef\xbb\xbf" + PY_HEADER.encode() + b"x = '\xff\xfe'\n")
        assert_no_crash(self, done)

    def test_many_heads_and_labels(self):
        # 2,000 unrelated bases with labels: wide rather than deep.
        for i in range(2000):
            write_file(os.path.join(self.versions, "%s_base.sql" % rev_id(i)),
                       "-- base number %d\n--\n-- Revision ID: %s\n-- Revises:\n"
                       "-- Branch Labels: label%d\n\n-- migrate:up\n-- migrate:down\n"
                       % (i, rev_id(i), i))
        for args in (["heads"], ["history"], ["branches"], ["lint"]):
            done = run_miglint(args, cwd=self.project, timeout=300)
            assert_no_crash(self, done)


HOSTILE_PY = '''"""add a table

Revision ID: aaaaaaaaaaaa
Revises:
"""
import os
import subprocess
from alembic import op
import sqlalchemy as sa

os.system("touch {marker}/module_level")
open("{marker}/module_open", "w").write("x")

revision = 'aaaaaaaaaaaa'
down_revision = None
branch_labels = None
depends_on = None


def helper():
    subprocess.call(["touch", "{marker}/helper"])
    __import__("os").system("touch {marker}/dunder_import")
    exec("open('{marker}/exec', 'w')")
    eval("__import__('os').system('touch {marker}/eval')")


def upgrade():
    helper()
    os.system("touch {marker}/upgrade")
    with open("{marker}/with_open", "w") as f:
        f.write("x")
    op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    os.system("touch {marker}/downgrade")
    op.drop_table("t")
'''

ESCAPING_SQL = """-- reach out of the scratch database
--
-- Revision ID: bbbbbbbbbbbb
-- Revises:

-- migrate:up
ATTACH DATABASE '{marker}/attached.db' AS other;
CREATE TABLE other.evil (x INTEGER);
INSERT INTO other.evil VALUES (1);
VACUUM INTO '{marker}/vacuumed.db';
COMMIT;
VACUUM INTO '{marker}/vacuumed2.db';
SELECT load_extension('{marker}/ext');
BEGIN;

-- migrate:down
SELECT 1;
"""


class HostileRepositoryTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.project = os.path.join(self.tmp.path, "project")
        self.marker = os.path.join(self.tmp.path, "markers")
        os.makedirs(self.marker)
        versions = os.path.join(self.project, "versions")
        write_file(os.path.join(versions, "aaaaaaaaaaaa_add_a_table.py"),
                   HOSTILE_PY.format(marker=self.marker))

    def tearDown(self):
        self.tmp.cleanup()

    def assert_no_markers(self):
        self.assertEqual(sorted(os.listdir(self.marker)), [])

    def test_python_in_revision_files_is_never_run(self):
        db = os.path.join(self.tmp.path, "real.db")
        for args in (["lint"], ["heads"], ["history", "--verbose"], ["verify"],
                     ["upgrade", "head", "--db", db], ["downgrade", "base", "--db", db],
                     ["upgrade", "head", "--sql"]):
            with self.subTest(args=args):
                done = run_miglint(args, cwd=self.project, timeout=120)
                assert_no_crash(self, done)
                self.assert_no_markers()

    def test_verify_sql_cannot_reach_the_filesystem(self):
        os.unlink(os.path.join(self.project, "versions", "aaaaaaaaaaaa_add_a_table.py"))
        write_file(os.path.join(self.project, "versions", "bbbbbbbbbbbb_escape.sql"),
                   ESCAPING_SQL.format(marker=self.marker))
        done = run_miglint(["verify"], cwd=self.project, timeout=120)
        assert_no_crash(self, done)
        self.assertNotEqual(done.returncode, 0)
        self.assert_no_markers()

    def test_lint_and_verify_never_open_the_configured_database(self):
        # Every way of naming a database points into directories that do not exist (a
        # file created there would need the directory) or at a file that must stay as is.
        gone = os.path.join(self.tmp.path, "no-such-dir")
        existing = os.path.join(self.tmp.path, "existing.db")
        with open(existing, "wb") as f:
            f.write(b"")
        os.utime(existing, (1_000_000, 1_000_000))
        write_file(os.path.join(self.project, ".env"),
                   "DATABASE_URL=sqlite:///%s/dotenv.db\n" % gone)
        write_file(os.path.join(self.project, "miglint.toml"),
                   'database_url = "sqlite:///%s/toml.db"\n' % gone)
        write_file(os.path.join(self.project, "alembic.ini"),
                   "[alembic]\nscript_location = .\nsqlalchemy.url = sqlite:///%s\n" % existing)
        env = {"DATABASE_URL": "sqlite:///%s/env.db" % gone,
               "ALEMBIC_DATABASE_URL": "sqlite:///%s" % existing}
        strace = shutil.which("strace")
        traced_env = dict(os.environ, **env)
        # LeakSanitizer cannot run under ptrace (the sanitizer pass of the suite).
        traced_env["ASAN_OPTIONS"] = (traced_env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
        for args in (["lint"], ["verify"], ["heads"], ["history"], ["branches"]):
            with self.subTest(args=args):
                if strace:
                    trace = os.path.join(self.tmp.path, "trace")
                    done = subprocess.run(
                        [strace, "-f", "-qq", "-e", "trace=open,openat,creat,stat,newfstatat,access",
                         "-o", trace, miglint_path()] + args,
                        cwd=self.project, env=traced_env, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, encoding="utf-8", errors="replace", timeout=120)
                    with open(trace, encoding="utf-8", errors="replace") as f:
                        opened = f.read()
                    self.assertNotIn(existing, opened)
                    self.assertNotIn(gone, opened)
                else:
                    done = run_miglint(args, cwd=self.project, env=env, timeout=120)
                assert_no_crash(self, done)
                self.assertFalse(os.path.exists(gone))
                self.assertEqual(os.stat(existing).st_mtime, 1_000_000)
                self.assertEqual(os.path.getsize(existing), 0)

    def test_git_symlinks_are_not_followed(self):
        # A committed and staged symlink versions/x.py -> a revision outside the repository:
        # lint --staged and --against read git objects only, and skip non-blob entries.
        repo = os.path.join(self.tmp.path, "repo")
        outside = os.path.join(self.tmp.path, "outside.py")
        write_file(outside, HOSTILE_PY.format(marker=self.marker).replace(
            "aaaaaaaaaaaa", "eeeeeeeeeeee"))
        write_file(os.path.join(repo, "versions", "aaaaaaaaaaaa_add_a_table.py"),
                   HOSTILE_PY.format(marker=self.marker))
        os.symlink(outside, os.path.join(repo, "versions", "eeeeeeeeeeee_link.py"))
        os.symlink("../../outside.py", os.path.join(repo, "versions", "ffffffffffff_rel.py"))

        def git(*args):
            done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
                                  cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  encoding="utf-8")
            self.assertEqual(done.returncode, 0, done.stderr)

        git("init", "-q", "-b", "main")
        git("add", "-A")
        git("commit", "-q", "-m", "base")
        git("branch", "base")
        for args in (["lint", "--staged", "--format", "json"],
                     ["lint", "--against", "base", "--format", "json"]):
            with self.subTest(args=args):
                if "--against" in args:
                    # Only the base tree holds the links now (the working tree is the
                    # user's own filesystem, read as Alembic reads it).
                    os.unlink(os.path.join(repo, "versions", "eeeeeeeeeeee_link.py"))
                    os.unlink(os.path.join(repo, "versions", "ffffffffffff_rel.py"))
                    git("add", "-A")
                    git("commit", "-q", "-m", "drop the links")
                done = run_miglint(args, cwd=repo, timeout=120)
                assert_no_crash(self, done)
                self.assertNotIn("eeeeeeeeeeee", done.stdout + done.stderr)
                self.assert_no_markers()


class NoShellTest(unittest.TestCase):
    """miglint starts no program: no system(), popen(), exec*() or posix_spawn in src/."""

    # "path": "reason" for a call that must stay.
    ALLOWED = {
        "src/postgres/scratch_database.cpp": "fork() without exec: the watchdog that drops "
                                             "verify's scratch database when miglint is killed "
                                             "runs miglint's own code, no program",
    }

    def test_no_process_creation_in_src(self):
        pattern = re.compile(r"\b(system|popen|_popen|execl|execlp|execle|execv|execvp|execvpe|"
                             r"fexecve|posix_spawnp?|fork|vfork|wordexp)\s*\(")
        found = []
        src = os.path.join(SOURCE_DIR, "src")
        for directory, _, files in os.walk(src):
            for name in files:
                if not name.endswith((".cpp", ".hpp", ".h", ".cc")):
                    continue
                path = os.path.join(directory, name)
                rel = os.path.relpath(path, SOURCE_DIR)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        code = line.split("//", 1)[0]
                        if pattern.search(code) and rel not in self.ALLOWED:
                            found.append("%s:%d: %s" % (rel, number, line.strip()))
        self.assertEqual(found, [], "process creation in src/ (a shell with repository "
                                    "content is never allowed)")


if __name__ == "__main__":
    unittest.main()

"""Command-line basics: help, usage errors, versions-directory discovery and
graph errors (exit 2, `path:line:` message, no traceback, nothing on stdout)."""

import datetime
import os
import re
import unittest

import graphgen
import miglint_e2e as e2e

# every command of the external contract (DESIGN.md)
COMMANDS = ["heads", "history", "branches", "lint", "verify", "upgrade", "downgrade",
            "current", "stamp", "new", "merge", "rebase", "install-hooks", "rules"]


def write_rev(directory, rev, down=None, message=None, labels=(), depends=(), template="classic"):
    """Write one revision file the way `alembic revision` does; returns its path."""
    obj = graphgen.Revision(rev, down, 0)
    obj.message = message if message is not None else "revision %s" % rev
    obj.labels = list(labels)
    obj.depends = list(depends)
    obj.depends_form = "str" if len(obj.depends) == 1 else "tuple"
    obj.template = template
    obj.quote = '"' if template == "typed" else "'"
    obj.create_date = datetime.datetime(2024, 5, 17, 10, 30, 0, 123456)
    obj.filename = "%s_%s.py" % (rev, graphgen._slug(obj.message))
    path = os.path.join(directory, obj.filename)
    e2e.write_file(path, graphgen.render(obj))
    return path


def chain(directory, *ids):
    """A linear chain ids[0] <- ids[1] <- ...; returns the paths."""
    paths = []
    down = None
    for rev in ids:
        paths.append(write_rev(directory, rev, down))
        down = rev
    return paths


def heads_of(proc):
    return [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]


class Help(unittest.TestCase):
    def test_top_level_help(self):
        p = e2e.run_miglint(["--help"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("heads", p.stdout)
        self.assertNotIn("Traceback", p.stderr)

    def test_every_command_has_help(self):
        for cmd in COMMANDS:
            with self.subTest(command=cmd):
                p = e2e.run_miglint([cmd, "--help"])
                self.assertEqual(p.returncode, 0, "miglint %s --help: %s" % (cmd, p.stderr))
                self.assertTrue(p.stdout.strip(), "miglint %s --help printed nothing" % cmd)


class UsageErrors(unittest.TestCase):
    def setUp(self):
        self.tmp = e2e.TempDir()
        chain(os.path.join(self.tmp.path, "versions"), "aaa111aaa111")

    def tearDown(self):
        self.tmp.cleanup()

    def test_unknown_command_suggests(self):
        p = e2e.run_miglint(["haeds"], cwd=self.tmp.path)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertRegex(p.stderr.lower(), r"did you mean .?heads")
        self.assertEqual(p.stdout, "")

    def test_unknown_flag(self):
        for argv in (["heads", "--bogus-flag"], ["--bogus-flag", "heads"], ["history", "-Z"]):
            with self.subTest(argv=argv):
                p = e2e.run_miglint(argv, cwd=self.tmp.path)
                self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
                self.assertTrue(p.stderr.strip())
                self.assertNotIn("Traceback", p.stderr)


class Discovery(unittest.TestCase):
    """Where the versions directory is found (DESIGN.md order)."""

    def setUp(self):
        self.tmp = e2e.TempDir()
        self.root = self.tmp.path

    def tearDown(self):
        self.tmp.cleanup()

    def put(self, rel, head):
        chain(os.path.join(self.root, rel), "b%s" % head[:5], head)

    def assert_heads(self, expected, args=("heads",), cwd_is_root=False):
        if cwd_is_root:
            p = e2e.run_miglint(list(args), cwd=self.root)
        else:
            p = e2e.run_miglint(["-C", self.root] + list(args), cwd=os.path.dirname(self.root))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(heads_of(p)), sorted(expected), p.stdout)
        return p

    def assert_same_as_alembic(self, args=("heads",)):
        ref = e2e.run_alembic(["-c", "alembic.ini"] + list(args), cwd=self.root)
        self.assertEqual(ref.returncode, 0, ref.stderr)
        got = e2e.run_miglint(list(args), cwd=self.root)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(e2e.normalize(got.stdout), e2e.normalize(ref.stdout))

    def test_versions_flag(self):
        self.put("versions", "d0000000000d")
        self.put("elsewhere/revs", "f1a9f1a9f1a9")
        self.assert_heads(["f1a9f1a9f1a9"], ["--versions", "elsewhere/revs", "heads"])
        self.assert_heads(["f1a9f1a9f1a9"], ["--versions", os.path.join(self.root, "elsewhere/revs"), "heads"])

    def test_dash_C_and_cwd(self):
        self.put("versions", "d0000000000d")
        self.assert_heads(["d0000000000d"])
        self.assert_heads(["d0000000000d"], cwd_is_root=True)

    def test_default_locations(self):
        for rel, head in (("versions", "111111111111"), ("alembic/versions", "222222222222"),
                          ("migrations/versions", "333333333333")):
            with self.subTest(location=rel):
                sub = e2e.TempDir()
                try:
                    chain(os.path.join(sub.path, rel), "b%s" % head[:5], head)
                    p = e2e.run_miglint(["-C", sub.path, "heads"])
                    self.assertEqual(p.returncode, 0, p.stderr)
                    self.assertEqual(heads_of(p), [head])
                finally:
                    sub.cleanup()

    def test_default_locations_order(self):
        self.put("migrations/versions", "333333333333")
        self.put("alembic/versions", "222222222222")
        self.assert_heads(["222222222222"])
        self.put("versions", "111111111111")
        self.assert_heads(["111111111111"])

    def test_miglint_toml(self):
        self.put("versions", "d0000000000d")
        self.put("db/revs", "70e170e170e1")
        e2e.write_file(os.path.join(self.root, "miglint.toml"), 'versions = "db/revs"\n')
        self.assert_heads(["70e170e170e1"])

    def test_pyproject_toml(self):
        self.put("versions", "d0000000000d")
        self.put("db/revs", "9e9e9e9e9e9e")
        e2e.write_file(os.path.join(self.root, "pyproject.toml"),
                       '[project]\nname = "app"\nversion = "1.0"\n\n'
                       '[tool.miglint]\nversions = "db/revs"\n\n[tool.black]\nline-length = 100\n')
        self.assert_heads(["9e9e9e9e9e9e"])

    def test_alembic_ini_here(self):
        self.put("versions", "d0000000000d")
        self.put("migrations/versions", "4e4e4e4e4e4e")
        e2e.write_file(os.path.join(self.root, "migrations", "env.py"), graphgen.ENV_PY)
        e2e.write_file(os.path.join(self.root, "alembic.ini"),
                       "[alembic]\nscript_location = %(here)s/migrations\n"
                       "sqlalchemy.url = sqlite:///app.db\n\n[loggers]\nkeys = root\n")
        self.assert_heads(["4e4e4e4e4e4e"])
        self.assert_same_as_alembic()

    def test_alembic_ini_relative(self):
        self.put("versions", "d0000000000d")
        self.put("db/versions", "5e5e5e5e5e5e")
        e2e.write_file(os.path.join(self.root, "db", "env.py"), graphgen.ENV_PY)
        e2e.write_file(os.path.join(self.root, "alembic.ini"),
                       "[alembic]\nscript_location = db\nsqlalchemy.url = sqlite:///app.db\n")
        self.assert_heads(["5e5e5e5e5e5e"])
        self.assert_same_as_alembic()

    def test_alembic_ini_version_locations(self):
        self.put("db/versions", "5e5e5e5e5e5e")
        e2e.write_file(os.path.join(self.root, "db", "env.py"), graphgen.ENV_PY)
        # two more locations, one of them with a branch of its own
        chain(os.path.join(self.root, "db", "extra_a"), "0a0a0a0a0a0a", "1a1a1a1a1a1a")
        chain(os.path.join(self.root, "db", "extra_b"), "0b0b0b0b0b0b")
        e2e.write_file(os.path.join(self.root, "alembic.ini"),
                       "[alembic]\nscript_location = db\n"
                       "version_locations = %(here)s/db/versions %(here)s/db/extra_a %(here)s/db/extra_b\n"
                       "sqlalchemy.url = sqlite:///app.db\n")
        self.assert_heads(["5e5e5e5e5e5e", "1a1a1a1a1a1a", "0b0b0b0b0b0b"])
        self.assert_same_as_alembic()
        self.assert_same_as_alembic(("history",))

    def test_precedence(self):
        self.put("versions", "d0000000000d")
        self.put("migrations/versions", "4e4e4e4e4e4e")
        e2e.write_file(os.path.join(self.root, "migrations", "env.py"), graphgen.ENV_PY)
        e2e.write_file(os.path.join(self.root, "alembic.ini"),
                       "[alembic]\nscript_location = %(here)s/migrations\n")
        self.assert_heads(["4e4e4e4e4e4e"])          # alembic.ini before versions/
        self.put("db/revs", "70e170e170e1")
        e2e.write_file(os.path.join(self.root, "miglint.toml"), 'versions = "db/revs"\n')
        self.assert_heads(["70e170e170e1"])          # miglint.toml before alembic.ini
        self.put("cli/revs", "c1c1c1c1c1c1")
        self.assert_heads(["c1c1c1c1c1c1"], ["--versions", "cli/revs", "heads"])  # flag first


class GraphErrors(unittest.TestCase):
    """Broken graphs: exit 2, `path:line:` naming a file involved, no traceback."""

    def setUp(self):
        self.tmp = e2e.TempDir()
        self.versions = os.path.join(self.tmp.path, "versions")

    def tearDown(self):
        self.tmp.cleanup()

    def assert_ok(self):
        """Control: the valid part of the graph reads fine, so an error below is
        about the broken part and not about reading revision files at all."""
        p = e2e.run_miglint(["heads"], cwd=self.tmp.path)
        self.assertEqual(p.returncode, 0, "control graph failed: %s" % p.stderr)

    def assert_error(self, files, argv_list=(["heads"], ["history"], ["branches"]), must_mention=(),
                     must_match=None):
        names = [os.path.basename(f) for f in files]
        for argv in argv_list:
            with self.subTest(argv=argv):
                p = e2e.run_miglint(argv, cwd=self.tmp.path)
                self.assertEqual(p.returncode, 2, "exit %d\nstdout: %s\nstderr: %s" % (
                    p.returncode, p.stdout, p.stderr))
                self.assertNotIn("Traceback", p.stderr)
                self.assertEqual(p.stdout, "", "nothing on stdout on error")
                located = False
                for name, path in zip(names, files):
                    for m in re.finditer(r"(?:^|[\s'\"(])(\S*%s):(\d+):" % re.escape(name), p.stderr):
                        with open(path, encoding="utf-8") as f:
                            nlines = len(f.read().splitlines())
                        if 1 <= int(m.group(2)) <= nlines:
                            located = True
                self.assertTrue(located, "no `path:line:` naming one of %s in: %s" % (names, p.stderr))
                for word in must_mention:
                    self.assertIn(word, p.stderr)
                if must_match:
                    self.assertRegex(p.stderr.lower(), must_match)

    def test_cycle(self):
        write_rev(self.versions, "a0a0a0a0a0a0")
        self.assert_ok()
        files = [write_rev(self.versions, "c1c1c1c1c1c1", "c3c3c3c3c3c3"),
                 write_rev(self.versions, "c2c2c2c2c2c2", "c1c1c1c1c1c1"),
                 write_rev(self.versions, "c3c3c3c3c3c3", "c2c2c2c2c2c2")]
        self.assert_error(files, must_match="cycle")

    def test_self_loop(self):
        write_rev(self.versions, "a0a0a0a0a0a0")
        self.assert_ok()
        files = [write_rev(self.versions, "5e1f5e1f5e1f", "5e1f5e1f5e1f")]
        self.assert_error(files, must_match="cycle|loop|itself")

    def test_unknown_parent(self):
        chain(self.versions, "a0a0a0a0a0a0", "a1a1a1a1a1a1")
        self.assert_ok()
        files = [write_rev(self.versions, "b2b2b2b2b2b2", "zzz999")]
        self.assert_error(files, must_mention=("zzz999",))

    def test_unknown_parent_typed_merge(self):
        chain(self.versions, "a0a0a0a0a0a0", "a1a1a1a1a1a1")
        self.assert_ok()
        files = [write_rev(self.versions, "b2b2b2b2b2b2", ("a1a1a1a1a1a1", "ffff0000ffff"), template="typed")]
        self.assert_error(files, must_mention=("ffff0000ffff",))

    def test_duplicate_ids(self):
        chain(self.versions, "a0a0a0a0a0a0")
        self.assert_ok()
        first = write_rev(self.versions, "d0d0d0d0d0d0", "a0a0a0a0a0a0", message="first copy")
        second = write_rev(self.versions, "d0d0d0d0d0d0", "a0a0a0a0a0a0", message="second copy")
        self.assertNotEqual(first, second)
        self.assert_error([first, second], must_mention=("d0d0d0d0d0d0",),
                          must_match="duplicate|more than once|already|twice")

    def test_parent_that_needs_python(self):
        chain(self.versions, "a0a0a0a0a0a0")
        self.assert_ok()
        path = write_rev(self.versions, "b1b1b1b1b1b1", "a0a0a0a0a0a0")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        e2e.write_file(path, text.replace("down_revision = 'a0a0a0a0a0a0'",
                                          "down_revision = previous.REVISION"))
        self.assert_error([path], must_mention=("down_revision = previous.REVISION",))

    def test_labels_that_need_python_are_left_out_and_said(self):
        chain(self.versions, "a0a0a0a0a0a0")
        path = write_rev(self.versions, "b1b1b1b1b1b1", "a0a0a0a0a0a0", labels=("expand",))
        with open(path, encoding="utf-8") as f:
            text = f.read()
        lines = text.splitlines()
        line = [i for i, l in enumerate(lines) if l.startswith("branch_labels = ")][0] + 1
        lines[line - 1] = "branch_labels = (cli.EXPAND_BRANCH,)"
        e2e.write_file(path, "\n".join(lines) + "\n")
        p = e2e.run_miglint(["heads"], cwd=self.tmp.path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "b1b1b1b1b1b1 (head)\n")
        self.assertRegex(p.stderr, r"%s:%d:\d+: warning: cannot resolve `branch_labels = "
                                   r"\(cli\.EXPAND_BRANCH,\)` without running Python"
                         % (re.escape(os.path.basename(path)), line))

    def test_syntax_error(self):
        chain(self.versions, "a0a0a0a0a0a0")
        self.assert_ok()
        path = os.path.join(self.versions, "b1b1b1b1b1b1_broken.py")
        e2e.write_file(path, '"""broken\n\nRevision ID: b1b1b1b1b1b1\n"""\n'
                             "revision = 'b1b1b1b1b1b1'\ndown_revision = ('a0a0a0a0a0a0'\n"
                             "branch_labels = None\n")
        self.assert_error([path])

    def test_ambiguous_prefix_in_range(self):
        chain(self.versions, "abc111111111", "abc222222222", "def333333333")
        self.assert_ok()
        for rng in ("abc:", ":abc", "abc:def333333333"):
            with self.subTest(range=rng):
                p = e2e.run_miglint(["history", "-r", rng], cwd=self.tmp.path)
                self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
                self.assertNotIn("Traceback", p.stderr)
                self.assertEqual(p.stdout, "")
                self.assertIn("abc", p.stderr)
                self.assertIn("abc111111111", p.stderr)
                self.assertIn("abc222222222", p.stderr)
                self.assertRegex(p.stderr.lower(), "ambiguous|multiple|matches")

    def test_unknown_revision_in_range(self):
        chain(self.versions, "abc111111111", "abc222222222")
        p = e2e.run_miglint(["history", "-r", "fff:"], cwd=self.tmp.path)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("fff", p.stderr)
        self.assertNotIn("Traceback", p.stderr)

    def test_valid_prefix_in_range(self):
        chain(self.versions, "abc111111111", "abc222222222", "def333333333")
        ref_root = self.tmp.path
        e2e.write_file(os.path.join(ref_root, "alembic.ini"),
                       "[alembic]\nscript_location = %(here)s\n")
        e2e.write_file(os.path.join(ref_root, "env.py"), graphgen.ENV_PY)
        for rng in ("abc2:", "abc1:def", ":abc2"):
            with self.subTest(range=rng):
                ref = e2e.run_alembic(["-c", "alembic.ini", "history", "-r", rng], cwd=ref_root)
                self.assertEqual(ref.returncode, 0, ref.stderr)
                p = e2e.run_miglint(["history", "-r", rng], cwd=ref_root)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(p.stdout, ref.stdout)


if __name__ == "__main__":
    unittest.main()

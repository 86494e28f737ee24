"""Lint on histories as real projects write them: no finding where the file and the code
agree in another spelling, or where the project's own conventions differ from Alembic's
defaults (file_template, Flask-Migrate's alembic.ini), and advice that follows those
conventions. Real Alembic writes the revisions and names the files."""

import datetime
import json
import os
import shutil
import unittest

import graphgen
import miglint_e2e as e2e


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def alembic_templates():
    """Alembic's own generic script.py.mako, so that `alembic revision` runs here."""
    proc = e2e.run_alembic(["--version"])  # proves the interpreter has Alembic
    assert proc.returncode == 0, proc.stderr
    import subprocess
    out = subprocess.run([e2e.python_for_alembic(), "-c",
                          "import alembic, os; print(os.path.dirname(alembic.__file__))"],
                         stdout=subprocess.PIPE, encoding="utf-8", check=True)
    return os.path.join(out.stdout.strip(), "templates", "generic", "script.py.mako")


def make_project(root, ini_lines=(), location="alembic", ini_dir=None):
    """root/<location>/{env.py, script.py.mako, versions/} and an alembic.ini (in
    `ini_dir`, default root) with an absolute script_location; returns the ini path."""
    script_dir = os.path.join(root, location)
    os.makedirs(os.path.join(script_dir, "versions"), exist_ok=True)
    e2e.write_file(os.path.join(script_dir, "env.py"), graphgen.ENV_PY)
    shutil.copy(alembic_templates(), os.path.join(script_dir, "script.py.mako"))
    ini = os.path.join(ini_dir or root, "alembic.ini")
    e2e.write_file(ini, "[alembic]\nscript_location = %s\nsqlalchemy.url = sqlite:///app.db\n%s"
                   % (script_dir, "".join(line + "\n" for line in ini_lines)))
    return ini


def alembic_revisions(ini, revisions):
    """`alembic revision` for each (rev_id, message, extra args), in one process."""
    jobs = [["-c", ini, "revision", "--rev-id", rev, "-m", message] + list(extra)
            for rev, message, extra in revisions]
    for result in e2e.run_alembic_batch(jobs):
        assert result["rc"] == 0, result["stdout"] + result["stderr"]


def versions_of(root, location="alembic"):
    directory = os.path.join(root, location, "versions")
    return {name: os.path.join(directory, name) for name in sorted(os.listdir(directory))
            if name.endswith(".py")}


def proposed_name(message):
    """The file name a filename-mismatch message proposes."""
    return message.split("rename it to ", 1)[1].split(" ")[0]


def lint_json(root, *args):
    proc = e2e.run_miglint(["-C", root, "--format", "json", "lint"] + list(args))
    assert "Traceback" not in proc.stderr and proc.returncode in (0, 1), proc.stderr
    return proc, json.loads(proc.stdout)["diagnostics"]


class HeaderSpellings(unittest.TestCase):
    """header-mismatch: the `Revises:` line in the spellings Alembic and Flask-Migrate
    versions wrote agrees with down_revision; a real disagreement is still reported."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = e2e.TempDir(prefix="miglint-header-")
        cls.root = cls.tmp.path
        ini = make_project(cls.root)
        alembic_revisions(ini, [
            ("aaa111aaa111", "create base tables", []),
            ("bbb222bbb222", "add users", []),
            ("ccc333ccc333", "add orders", ["--head", "aaa111aaa111", "--splice"]),
        ])
        e2e.run_alembic_batch([["-c", ini, "merge", "--rev-id", "ddd444ddd444", "-m",
                                "merge users and orders", "heads"]])
        files = versions_of(cls.root)
        cls.base = next(p for n, p in files.items() if n.startswith("aaa111"))
        cls.merge = next(p for n, p in files.items() if n.startswith("ddd444"))
        cls.originals = {p: read(p) for p in (cls.base, cls.merge)}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def tearDown(self):
        for path, text in self.originals.items():
            e2e.write_file(path, text)

    def findings_with(self, path, revises):
        self.tearDown()
        text = self.originals[path]
        start = text.index("Revises:")
        end = text.index("\n", start)
        e2e.write_file(path, text[:start] + revises + text[end:])
        _, found = lint_json(self.root, "--select", "header-mismatch")
        return [(os.path.basename(d["path"]), d["message"]) for d in found]

    def test_what_alembic_writes_agrees(self):
        self.assertIn("Revises: \n", self.originals[self.base])
        self.assertIn("Revises: bbb222bbb222, ccc333ccc333\n", self.originals[self.merge])
        self.assertEqual(lint_json(self.root, "--select", "header-mismatch")[1], [])

    def test_other_spellings_of_a_first_revision(self):
        for revises in ("Revises: None", "Revises: (none)", "Revises:", "Revises: none"):
            with self.subTest(revises=revises):
                self.assertEqual(self.findings_with(self.base, revises), [])

    def test_other_spellings_of_a_merge(self):
        for revises in ("Revises: ('bbb222bbb222', 'ccc333ccc333')",
                        "Revises: ccc333ccc333, bbb222bbb222",
                        "Revises: ['bbb222bbb222', 'ccc333ccc333']",
                        "Revises: bbb222bbb222,ccc333ccc333"):
            with self.subTest(revises=revises):
                self.assertEqual(self.findings_with(self.merge, revises), [])

    def test_a_real_disagreement_is_still_reported(self):
        for path, revises in ((self.base, "Revises: bbb222bbb222"),
                              (self.merge, "Revises: bbb222bbb222"),
                              (self.merge, "Revises: ('bbb222bbb222', 'eee555eee555')")):
            with self.subTest(revises=revises):
                found = self.findings_with(path, revises)
                self.assertEqual(len(found), 1, found)
                self.assertEqual(found[0][0], os.path.basename(path))
                self.assertIn("docstring says '%s'" % revises, found[0][1])


class FileTemplateNames(unittest.TestCase):
    """filename-mismatch follows the project's file_template: silent when names carry
    no revision id, and suggesting the name Alembic would have given the file."""

    def setUp(self):
        self.tmp = e2e.TempDir(prefix="miglint-names-")
        self.root = self.tmp.path

    def tearDown(self):
        self.tmp.cleanup()

    def test_template_without_revision_id_is_not_checked(self):
        ini = make_project(self.root, [
            "file_template = %%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(slug)s"])
        alembic_revisions(ini, [("aaa111aaa111", "create users", []),
                                ("bbb222bbb222", "add orders", [])])
        self.assertTrue(all("aaa111" not in n and "bbb222" not in n
                            for n in versions_of(self.root)))
        proc, found = lint_json(self.root, "--select", "filename-mismatch")
        self.assertEqual(found, [])

    def misnamed(self, template, message, wrong_name, extra_ini=()):
        """Alembic writes revision bbb222bbb222 under `template`; the file is renamed
        to `wrong_name(alembic_name)`. Returns (Alembic's name, miglint's message)."""
        ini = make_project(self.root, ["file_template = " + template] + list(extra_ini))
        alembic_revisions(ini, [("aaa111aaa111", "create users", []),
                                ("bbb222bbb222", message, [])])
        name, path = next((n, p) for n, p in versions_of(self.root).items() if "bbb222" in n)
        os.rename(path, os.path.join(os.path.dirname(path), wrong_name(name)))
        proc, found = lint_json(self.root, "--select", "filename-mismatch")
        self.assertEqual(len(found), 1, found)
        self.assertEqual(found[0]["severity"], "warning")
        return name, found[0]["message"]

    def test_copied_file_keeps_its_date_prefix(self):
        template = ("%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d%%(second).2d"
                    "_%%(rev)s_%%(slug)s")
        name, message = self.misnamed(template, "remove flow run id requirement",
                                      lambda n: n.replace("bbb222bbb222", "8167af8df781"))
        self.assertEqual(proposed_name(message), name)

    def test_name_without_the_template_shape_gets_alembics_name(self):
        cases = [
            ("%%(rev)s_%%(slug)s", []),
            ("%%(year)d-%%(month).2d-%%(day).2d-%%(hour).2d.%%(minute).2d.%%(second).2d"
             "_%%(rev)s_%%(slug)s", []),
            ("%%(epoch)s_%%(rev)s_%%(slug)s", []),
            ("%%(rev)s_%%(slug)s", ["truncate_slug_length = 12"]),
        ]
        for template, extra in cases:
            with self.subTest(template=template, extra=extra):
                shutil.rmtree(os.path.join(self.root, "alembic"), ignore_errors=True)
                name, message = self.misnamed(template, "Add a rather long message, here!",
                                              lambda n: "renamed_by_hand.py", extra)
                self.assertEqual(proposed_name(message), name)

    def test_create_date_with_offset(self):
        # alembic.ini's timezone makes Alembic write `Create Date:` with its UTC offset
        # and take the date keys in that zone; Alembic's own _rev_path is the oracle.
        ini = make_project(self.root, ["file_template = %%(epoch)s_%%(hour).2d_%%(rev)s_%%(slug)s"])
        created = datetime.datetime(2024, 3, 1, 23, 40, 7,
                                    tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30)))
        script = (
            "import sys\nfrom alembic.config import Config\n"
            "from alembic.script import ScriptDirectory\nimport datetime\n"
            "d = ScriptDirectory.from_config(Config(sys.argv[1]))\n"
            "tz = datetime.timezone(datetime.timedelta(hours=5, minutes=30))\n"
            "print(d._rev_path('', 'bbb222bbb222', 'add orders', "
            "datetime.datetime(2024, 3, 1, 23, 40, 7, tzinfo=tz)))\n")
        import subprocess
        oracle = subprocess.run([e2e.python_for_alembic(), "-c", script, ini],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                encoding="utf-8", env=e2e.alembic_env())
        self.assertEqual(oracle.returncode, 0, oracle.stderr)
        expected = oracle.stdout.strip()
        e2e.write_file(os.path.join(self.root, "alembic", "versions", "orders.py"),
                       '"""add orders\n\nRevision ID: bbb222bbb222\nRevises: \n'
                       'Create Date: %s\n\n"""\nrevision = "bbb222bbb222"\n'
                       'down_revision = None\n\n\ndef upgrade():\n    pass\n\n\n'
                       'def downgrade():\n    pass\n' % created)
        proc, found = lint_json(self.root, "--select", "filename-mismatch")
        self.assertEqual(len(found), 1, found)
        self.assertEqual(proposed_name(found[0]["message"]), expected)


class SessionSettings(unittest.TestCase):
    """missing-downgrade: SET / SET LOCAL / PRAGMA / LOCK TABLE change neither schema nor
    rows, so a backfill that uses them is a data change (warning), in .py and .sql."""

    def setUp(self):
        self.tmp = e2e.TempDir(prefix="miglint-session-")
        self.versions = os.path.join(self.tmp.path, "versions")

    def tearDown(self):
        self.tmp.cleanup()

    def python_rev(self, statements, downgrade=("pass",)):
        body = "".join("    op.execute(%r)\n" % s for s in statements)
        down = "".join("    %s\n" % s for s in downgrade)
        e2e.write_file(os.path.join(self.versions, "a1b2c3d4e5f6_backfill_user_flags.py"),
                       '"""backfill user flags\n\nRevision ID: a1b2c3d4e5f6\nRevises: \n"""\n'
                       "from alembic import op\n\nrevision = 'a1b2c3d4e5f6'\n"
                       "down_revision = None\n\n\ndef upgrade():\n%s\n\n"
                       "def downgrade():\n%s" % (body, down))

    def sql_rev(self, statements):
        e2e.write_file(os.path.join(self.versions, "a1b2c3d4e5f6_backfill_user_flags.sql"),
                       "-- backfill user flags\n--\n-- Revision ID: a1b2c3d4e5f6\n"
                       "-- Revises:\n\n-- migrate:up\n%s\n\n-- migrate:down\n"
                       % "\n".join(s + ";" for s in statements))

    def severities(self):
        proc, found = lint_json(self.tmp.path, "--select", "missing-downgrade")
        return proc.returncode, [d["severity"] for d in found]

    SETTINGS = ["SET LOCAL lock_timeout = '5s'", "SET statement_timeout = 0",
                "PRAGMA foreign_keys=OFF", "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"]

    def test_data_migration_with_settings_is_a_warning(self):
        for writer in (self.python_rev, self.sql_rev):
            with self.subTest(format=writer.__name__):
                shutil.rmtree(self.versions, ignore_errors=True)
                writer(self.SETTINGS + ["UPDATE users SET active = 1 WHERE active IS NULL"])
                self.assertEqual(self.severities(), (0, ["warning"]))

    def test_settings_only_is_silent_and_schema_changes_stay_errors(self):
        for writer in (self.python_rev, self.sql_rev):
            with self.subTest(format=writer.__name__):
                shutil.rmtree(self.versions, ignore_errors=True)
                writer(self.SETTINGS)
                self.assertEqual(self.severities(), (0, []))
                shutil.rmtree(self.versions, ignore_errors=True)
                writer(self.SETTINGS + ["ALTER TABLE users ADD COLUMN active INTEGER"])
                self.assertEqual(self.severities(), (1, ["error"]))
        shutil.rmtree(self.versions, ignore_errors=True)
        self.python_rev(["SET LOCAL lock_timeout = '5s'; ALTER TABLE users ADD COLUMN x INTEGER"])
        self.assertEqual(self.severities(), (1, ["error"]))
        # A downgrade made of settings only reverses nothing.
        self.python_rev(["ALTER TABLE users ADD COLUMN x INTEGER"],
                        ["op.execute(\"SET LOCAL lock_timeout = '5s'\")"])
        self.assertEqual(self.severities(), (1, ["error"]))


class DiscoveryLikeAlembic(unittest.TestCase):
    """Where alembic.ini's locations point and how paths print, with Alembic as oracle."""

    def setUp(self):
        self.tmp = e2e.TempDir(prefix="miglint-where-")
        self.root = self.tmp.path

    def tearDown(self):
        self.tmp.cleanup()

    def heads_both(self, alembic_args, miglint_args, cwd):
        ref = e2e.run_alembic(alembic_args + ["heads"], cwd=cwd)
        self.assertEqual(ref.returncode, 0, ref.stderr)
        got = e2e.run_miglint(miglint_args + ["heads"], cwd=cwd)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(got.stdout, ref.stdout)
        return got.stdout

    def test_relative_script_location_is_relative_to_the_working_directory(self):
        ini = make_project(self.root)
        alembic_revisions(ini, [("aaa111aaa111", "create users", [])])
        conf = os.path.join(self.root, "deploy", "alembic.ini")
        e2e.write_file(conf, "[alembic]\nscript_location = alembic\n")
        # A decoy where the ini's own folder would put it.
        os.makedirs(os.path.join(self.root, "deploy", "alembic", "versions"))
        out = self.heads_both(["-c", "deploy/alembic.ini"], ["--config", "deploy/alembic.ini"],
                              self.root)
        self.assertEqual(out, "aaa111aaa111 (head)\n")

    def test_flask_migrate_ini_without_script_location(self):
        migrations = os.path.join(self.root, "migrations")
        ini = make_project(self.root, ["file_template = %%(year)d_%%(month).2d_%%(slug)s"],
                           location="migrations", ini_dir=migrations)
        alembic_revisions(ini, [("aaa111aaa111", "create users", []),
                                ("bbb222bbb222", "add orders", [])])
        # Flask-Migrate's ini: no script_location (it is passed in code).
        e2e.write_file(ini, "[alembic]\nfile_template = %%(year)d_%%(month).2d_%%(slug)s\n\n"
                            "[loggers]\nkeys = root\n")
        for cwd, args in ((migrations, []), (self.root, ["--config", "migrations/alembic.ini"]),
                          (self.root, [])):
            with self.subTest(cwd=cwd, args=args):
                got = e2e.run_miglint(args + ["heads"], cwd=cwd)
                self.assertEqual((got.returncode, got.stdout), (0, "bbb222bbb222 (head)\n"),
                                 got.stderr)
                lint = e2e.run_miglint(args + ["--format", "json", "lint", "--select",
                                               "filename-mismatch"], cwd=cwd)
                self.assertEqual(json.loads(lint.stdout)["diagnostics"], [], lint.stderr)

    def test_verbose_path_is_absolute_like_alembic(self):
        ini = make_project(self.root)
        alembic_revisions(ini, [("aaa111aaa111", "create users", []),
                                ("bbb222bbb222", "add orders", [])])
        elsewhere = os.path.join(self.root, "elsewhere")
        os.makedirs(elsewhere)
        versions = os.path.join(self.root, "alembic", "versions")
        for command in (["history", "-v"], ["heads", "-v"]):
            ref = e2e.run_alembic(["-c", ini] + command, cwd=elsewhere)
            self.assertEqual(ref.returncode, 0, ref.stderr)
            paths = [l for l in ref.stdout.splitlines() if l.startswith("Path: ")]
            self.assertTrue(paths and all(p.startswith("Path: /") for p in paths), paths)
            for given in (versions, os.path.relpath(versions, elsewhere)):
                with self.subTest(command=command, versions=given):
                    got = e2e.run_miglint(["--versions", given] + command, cwd=elsewhere)
                    self.assertEqual(got.returncode, 0, got.stderr)
                    self.assertEqual([l for l in got.stdout.splitlines()
                                      if l.startswith("Path: ")], paths)


if __name__ == "__main__":
    unittest.main()

"""Input that a loader cannot take, checked through the real binary with the real tools
as the oracle: revision files Python cannot decode (NUL bytes, bytes that are not the
declared encoding), symbolic links that lead nowhere, database URLs as SQLAlchemy 1.4
parses them, and the messages and exit codes of a few edge cases."""

import json
import os
import sqlite3
import subprocess
import unittest

import graphgen
import miglint_e2e as e2e

FIRST = "1a2b3c4d5e6f"
SECOND = "2b3c4d5e6f70"


def revision_bytes(rev, down, prefix=b"", comment=b"ok", doc=b""):
    """An Alembic revision with arbitrary bytes in a comment line and in its docstring."""
    return (prefix + b'"""step %s%s\n\nRevision ID: %s\n"""\n# %s\nfrom alembic import op\n\n'
            b"revision = '%s'\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\n\n\n"
            b"def upgrade():\n    op.execute('CREATE TABLE t_%s (id INTEGER)')\n\n\n"
            b"def downgrade():\n    op.execute('DROP TABLE t_%s')\n"
            % (rev.encode(), doc, rev.encode(), comment, rev.encode(),
               (b"'%s'" % down.encode()) if down else b"None", rev.encode(), rev.encode()))


def write_project(root, second_bytes):
    """alembic.ini + env.py + two revisions, the second given as bytes."""
    versions = os.path.join(root, "alembic", "versions")
    os.makedirs(versions)
    e2e.write_file(os.path.join(root, "alembic.ini"),
                   graphgen.ALEMBIC_INI.format(location="alembic"))
    e2e.write_file(os.path.join(root, "alembic", "env.py"), graphgen.ENV_PY)
    with open(os.path.join(versions, FIRST + "_first.py"), "wb") as f:
        f.write(revision_bytes(FIRST, None))
    if second_bytes is not None:
        with open(os.path.join(versions, SECOND + "_second.py"), "wb") as f:
            f.write(second_bytes)
    return versions


class UndecodableRevisionTest(unittest.TestCase):
    """A revision Python cannot load is an unparsable revision, with the byte offset."""

    # name -> (bytes of the second revision, whether Python can load it)
    CASES = {
        "nul-in-comment": revision_bytes(SECOND, FIRST, comment=b"a\x00b"),
        "invalid-utf8": revision_bytes(SECOND, FIRST, doc=b" caf\xe9"),
        "invalid-utf8-in-comment": revision_bytes(SECOND, FIRST, comment=b"caf\xe9 'x"),
        "surrogate-utf8": revision_bytes(SECOND, FIRST, doc=b"\xed\xa0\x80"),
        "latin1-declared": revision_bytes(SECOND, FIRST, prefix=b"# -*- coding: latin-1 -*-\n",
                                          doc=b" caf\xe9"),
        "declared-on-line-2": revision_bytes(SECOND, FIRST,
                                             prefix=b"#!/usr/bin/env python\n# vim: set "
                                                    b"fileencoding=iso-8859-1 :\n",
                                             doc=b" caf\xe9"),
        "declared-after-code": revision_bytes(SECOND, FIRST,
                                              prefix=b"import os\n# coding: latin-1\n",
                                              doc=b" caf\xe9"),
        "utf-8-declared": revision_bytes(SECOND, FIRST, prefix=b"# coding: utf-8\n",
                                         doc=b" caf\xe9"),
        "utf-8-declared-comment": revision_bytes(SECOND, FIRST, prefix=b"# coding: utf-8\n",
                                                 comment=b"caf\xe9"),
        "utf8-alias-comment": revision_bytes(SECOND, FIRST, prefix=b"# coding: utf8\n",
                                             comment=b"caf\xe9"),
        "ascii-declared": revision_bytes(SECOND, FIRST, prefix=b"# coding: ascii\n",
                                         comment=b"caf\xc3\xa9"),
        "utf8-with-bom": revision_bytes(SECOND, FIRST, prefix=b"\xef\xbb\xbf",
                                        doc=b" caf\xc3\xa9"),
    }

    @classmethod
    def setUpClass(cls):
        cls.tmp = e2e.TempDir(prefix="miglint-undecodable-")
        cls.roots = {}
        jobs = []
        for name, data in cls.CASES.items():
            root = os.path.join(cls.tmp.path, name)
            write_project(root, data)
            cls.roots[name] = root
            jobs.append(["-c", os.path.join(root, "alembic.ini"), "heads"])
        cls.alembic = dict(zip(cls.CASES, e2e.run_alembic_batch(jobs)))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_heads_agrees_with_alembic(self):
        for name, root in self.roots.items():
            with self.subTest(case=name):
                expected = self.alembic[name]
                done = e2e.run_miglint(["-C", root, "heads"])
                if expected["rc"] == 0:
                    self.assertEqual(done.returncode, 0, done.stderr)
                    self.assertEqual(done.stdout, expected["stdout"])
                else:
                    self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
                    self.assertIn(SECOND + "_second.py", done.stderr)
                    self.assertIn("[unparsable-revision]", done.stderr)
                    self.assertIn("offset", done.stderr)

    def test_lint_reports_offset_and_line(self):
        data = self.CASES["invalid-utf8"]
        offset = data.index(b"\xe9")
        line = data[:offset].count(b"\n") + 1
        done = e2e.run_miglint(["-C", self.roots["invalid-utf8"], "--format", "json", "lint"])
        self.assertEqual(done.returncode, 1, done.stderr)
        found = [d for d in json.loads(done.stdout)["diagnostics"]
                 if d["rule"] == "unparsable-revision"]
        self.assertEqual(len(found), 1, done.stdout)
        self.assertEqual(found[0]["line"], line)
        self.assertIn("offset %d" % offset, found[0]["message"])
        self.assertIn("0xe9", found[0]["message"])

    def test_upgrade_refuses_and_creates_nothing(self):
        for name in ("nul-in-comment", "invalid-utf8"):
            with self.subTest(case=name):
                root = self.roots[name]
                db = os.path.join(root, "app.db")
                done = e2e.run_miglint(["-C", root, "upgrade", "head", "--db", db])
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn("cannot be built", done.stderr)
                self.assertFalse(os.path.exists(db))

    def test_sql_revision_must_be_utf8(self):
        with e2e.TempDir() as root:
            versions = os.path.join(root, "versions")
            os.makedirs(versions)
            with open(os.path.join(versions, "aaa111_first.sql"), "wb") as f:
                f.write(b"-- first step\n--\n-- Revision ID: aaa111\n-- Revises:\n\n"
                        b"-- migrate:up\nCREATE TABLE t (name TEXT DEFAULT 'caf\xe9');\n\n"
                        b"-- migrate:down\nDROP TABLE t;\n")
            done = e2e.run_miglint(["-C", root, "heads"])
            self.assertEqual(done.returncode, 2, done.stdout)
            self.assertIn("aaa111_first.sql:7:", done.stderr)
            self.assertIn("0xe9", done.stderr)
            self.assertIn("not UTF-8", done.stderr)


class BrokenSymlinkTest(unittest.TestCase):
    """A revision-named link that leads nowhere stops the commands, as it stops Alembic."""

    def setUp(self):
        self.tmp = e2e.TempDir()
        self.root = self.tmp.path
        self.versions = write_project(self.root, None)

    def tearDown(self):
        self.tmp.cleanup()

    def check(self, link_name, expect):
        alembic = e2e.run_alembic(["-c", os.path.join(self.root, "alembic.ini"), "heads"])
        self.assertNotEqual(alembic.returncode, 0, alembic.stdout)
        heads = e2e.run_miglint(["-C", self.root, "heads"])
        self.assertEqual(heads.returncode, 2, heads.stdout)
        self.assertIn(link_name, heads.stderr)
        self.assertIn(expect, heads.stderr)
        db = os.path.join(self.root, "app.db")
        upgrade = e2e.run_miglint(["-C", self.root, "upgrade", "--db", db])
        self.assertEqual(upgrade.returncode, 2, upgrade.stderr)
        self.assertFalse(os.path.exists(db))
        lint = e2e.run_miglint(["-C", self.root, "lint"])
        self.assertEqual(lint.returncode, 2, lint.stdout + lint.stderr)
        self.assertIn(link_name, lint.stdout)
        self.assertIn("could not be read", lint.stderr)

    def test_dangling_link(self):
        os.symlink("gone_elsewhere.py", os.path.join(self.versions, SECOND + "_second.py"))
        self.check(SECOND + "_second.py", "broken symbolic link to gone_elsewhere.py")

    def test_link_loop(self):
        os.symlink("b_loop.py", os.path.join(self.versions, "a_loop.py"))
        os.symlink("a_loop.py", os.path.join(self.versions, "b_loop.py"))
        self.check("a_loop.py", "loops")


SQLALCHEMY_ORACLE = r"""
import json, os, sqlite3, sys, warnings
warnings.simplefilter("ignore")
from sqlalchemy.engine import make_url
out = []
for text in json.loads(sys.argv[1]):
    try:
        url = make_url(text)
        args = url.get_dialect()().create_connect_args(url)
        db = sqlite3.connect(args[0][0], uri=bool(args[1].get("uri")))
        db.execute("CREATE TABLE IF NOT EXISTS probe (x)")
        path = db.execute("PRAGMA database_list").fetchone()[2]
        db.close()
        inside = path.startswith(os.getcwd() + os.sep)
        out.append({"ok": True, "path": os.path.relpath(path) if inside else path})
    except Exception as e:
        out.append({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
print(json.dumps(out))
"""


class DatabaseUrlTest(unittest.TestCase):
    """--db is parsed as SQLAlchemy 1.4 parses it; what it would get wrong is refused."""

    # Each is a --db value; `mine` is what miglint must do with it beyond SQLAlchemy:
    #   None: the same as SQLAlchemy; "refuse": refuse although SQLAlchemy takes it.
    URLS = {
        "sqlite:app.db": None,
        "sqlite:/app.db": None,
        "SQLite:///app.db": None,
        "sqlite+nosuch:///app.db": None,
        "sqlite://host/app.db": None,
        "sqlite://user@/app.db": None,
        "sqlite://:5/app.db": None,
        "sqlite:///app.db?timeout=abc": None,
        "sqlite:///app.db?uri=maybe": None,
        "sqlite:///file:app.db?mode=RO&uri=true": None,
        "sqlite:///file://elsewhere/app.db?uri=true": None,
        "sqlite:///app.db?mode=RO": "refuse",
        "sqlite:///app.db?mode=ro": "refuse",
        "sqlite:///file:app.db?mode=ro": "refuse",
        "sqlite:///file:app.db": "refuse",
        "sqlite:///app.db?mode=ro&uri=true": "refuse",
        "sqlite:///file:app.db?uri=true&immutable=1": "refuse",
        "sqlite:///file:app.db?uri=true&vfs=unix-none": "refuse",
        "sqlite:///file:a%00b.db?uri=true": "refuse",
    }

    def setUp(self):
        self.tmp = e2e.TempDir()
        self.root = self.tmp.path
        write_project(self.root, None)

    def tearDown(self):
        self.tmp.cleanup()

    def oracle(self, urls):
        """SQLAlchemy's verdict on each URL, connecting in a directory of its own."""
        with e2e.TempDir() as scratch:
            done = subprocess.run(["/usr/bin/python3", "-c", SQLALCHEMY_ORACLE,
                                   json.dumps(urls)], cwd=scratch, env=e2e.alembic_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  encoding="utf-8", check=True)
        return json.loads(done.stdout)

    def files(self):
        return sorted(os.listdir(self.root))

    def test_refused_urls_create_nothing(self):
        urls = list(self.URLS)
        before = self.files()
        for url, sa in zip(urls, self.oracle(urls)):
            with self.subTest(url=url):
                if self.URLS[url] is None:
                    self.assertFalse(sa["ok"], "SQLAlchemy takes %s: %s" % (url, sa))
                done = e2e.run_miglint(["-C", self.root, "upgrade", "--db", url])
                self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
                self.assertIn("miglint: error:", done.stderr)
                self.assertEqual(self.files(), before)

    def test_accepted_urls_open_the_file_sqlalchemy_opens(self):
        urls = ["sqlite:///plain.db", "sqlite:///my%20app.db", "sqlite:///a%00b.db",
                "sqlite+pysqlite:///drv.db",
                "sqlite:///file:uri.db?uri=true", "sqlite:///file:sp%20ace.db?mode=rwc&uri=true",
                "sqlite:///file:c.db?cache=shared&uri=true", "sqlite://@/at.db",
                "sqlite:///opt.db?timeout=30&check_same_thread=false",
                "sqlite:///file://localhost/%s/loc.db?uri=true" % self.root.lstrip("/")]
        for url, sa in zip(urls, self.oracle(urls)):
            with self.subTest(url=url):
                self.assertTrue(sa["ok"], sa)
                done = e2e.run_miglint(["-C", self.root, "upgrade", "--db", url])
                self.assertEqual(done.returncode, 0, done.stderr)
                # The file SQLite opened for SQLAlchemy, here rather than in its scratch dir.
                path = os.path.join(self.root, sa["path"])
                self.assertTrue(os.path.exists(path), path)
                rows = sqlite3.connect(path).execute(
                    "SELECT version_num FROM alembic_version").fetchall()
                self.assertEqual(rows, [(FIRST,)])

    def test_read_only_uri_is_honoured(self):
        db = os.path.join(self.root, "ro.db")
        self.assertEqual(e2e.run_miglint(["-C", self.root, "upgrade", "--db", db]).returncode, 0)
        with open(db, "rb") as f:
            before = f.read()
        url = "sqlite:///file:ro.db?mode=ro&uri=true"
        done = e2e.run_miglint(["-C", self.root, "stamp", "base", "--db", url])
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("read-only", done.stderr)
        current = e2e.run_miglint(["-C", self.root, "current", "--db", url])
        self.assertEqual(current.returncode, 0, current.stderr)
        self.assertIn(FIRST, current.stdout)
        with open(db, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_plain_paths_still_work(self):
        for path in ("plain.db", os.path.join(self.root, "abs.db"), "./odd:name.db"):
            with self.subTest(path=path):
                done = e2e.run_miglint(["-C", self.root, "upgrade", "--db", path])
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertTrue(os.path.exists(os.path.join(self.root, path)))


if __name__ == "__main__":
    unittest.main()


class MessagesAndExitCodesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = e2e.TempDir()
        self.root = self.tmp.path
        self.versions = write_project(self.root, None)
        self.ini = os.path.join(self.root, "alembic.ini")

    def tearDown(self):
        self.tmp.cleanup()

    def add(self, name, data):
        with open(os.path.join(self.versions, name), "wb") as f:
            f.write(data)

    def test_versions_naming_a_file(self):
        path = os.path.join(self.versions, FIRST + "_first.py")
        done = e2e.run_miglint(["-C", self.root, "--versions", path, "heads"])
        self.assertEqual(done.returncode, 2)
        self.assertIn("is not a directory", done.stderr)
        self.assertNotIn("does not exist", done.stderr)

    def test_graph_commands_refuse_a_syntax_error_in_a_body(self):
        # Alembic cannot import the file, so its heads fails; so do miglint's heads, history
        # and branches, as upgrade does.
        broken = revision_bytes(SECOND, FIRST).replace(b"op.execute('DROP", b"x = (1 +)\n    op.execute('DROP")
        self.add(SECOND + "_second.py", broken)
        alembic = e2e.run_alembic(["-c", self.ini, "heads"])
        self.assertNotEqual(alembic.returncode, 0)
        self.assertIn("SyntaxError", alembic.stderr)
        for command in ("heads", "history", "branches", "upgrade"):
            with self.subTest(command=command):
                done = e2e.run_miglint(["-C", self.root, command] +
                                       (["head", "--db", os.path.join(self.root, "x.db")]
                                        if command == "upgrade" else []))
                self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
                self.assertIn(SECOND + "_second.py:19:13:", done.stderr)
                self.assertIn("[unparsable-revision]", done.stderr)

    def test_id_with_a_dash_is_an_invalid_id(self):
        self.add("x_second.py", revision_bytes("2b3c-4d5e", FIRST))
        alembic = e2e.run_alembic(["-c", self.ini, "heads"])
        self.assertNotEqual(alembic.returncode, 0)
        self.assertIn("not allowed in revision identifier", alembic.stderr)
        lint = e2e.run_miglint(["-C", self.root, "lint"])
        self.assertEqual(lint.returncode, 1)
        self.assertIn("revision id '2b3c-4d5e' contains '-'", lint.stdout)
        self.assertIn("[invalid-revision-id]", lint.stdout)
        self.assertNotIn("duplicate-revision", lint.stdout)
        heads = e2e.run_miglint(["-C", self.root, "heads"])
        self.assertEqual(heads.returncode, 2)

    def test_new_refuses_a_parent_id_it_cannot_write(self):
        self.add("x_second.py", revision_bytes("ab\\ncd", FIRST))
        before = sorted(os.listdir(self.versions))
        done = e2e.run_miglint(["-C", self.root, "new", "-m", "add the third table"])
        self.assertEqual(done.returncode, 2, done.stdout)
        self.assertIn("control character", done.stderr)
        self.assertEqual(sorted(os.listdir(self.versions)), before)

    def test_offline_sql_quotes_ids(self):
        self.add("x_second.py", revision_bytes("it''s2", FIRST).replace(
            b"revision = 'it''s2'", b"revision = \"it's2\"").replace(
            b"t_it''s2", b"t_second"))
        mine = e2e.run_miglint(["-C", self.root, "upgrade", "head", "--sql"])
        self.assertEqual(mine.returncode, 0, mine.stderr)
        self.assertIn("UPDATE alembic_version SET version_num='it''s2' WHERE "
                      "alembic_version.version_num = '%s';" % FIRST, mine.stdout)
        # The script runs as it is (Alembic 1.8 writes 'it's2' here, which does not).
        db = sqlite3.connect(":memory:")
        db.executescript(mine.stdout)
        self.assertEqual(db.execute("SELECT version_num FROM alembic_version").fetchall(),
                         [("it's2",)])

    def test_end_is_named_end(self):
        with e2e.TempDir() as root:
            e2e.write_file(os.path.join(root, "versions", "aaa111_first.sql"),
                           "-- first step\n--\n-- Revision ID: aaa111\n-- Revises:\n\n"
                           "-- migrate:up\nBEGIN;\nCREATE TABLE t (id INTEGER);\nEND;\n\n"
                           "-- migrate:down\nDROP TABLE t;\n")
            e2e.write_file(os.path.join(root, "versions", "bbb222_second.sql"),
                           "-- second step\n--\n-- Revision ID: bbb222\n-- Revises: aaa111\n\n"
                           "-- migrate:up\nCREATE TABLE u (id INTEGER);\nEND TRANSACTION;\n\n"
                           "-- migrate:down\nDROP TABLE u;\n")
            for target, word in (("aaa111", "BEGIN"), ("bbb222", "END")):
                if word == "END":
                    e2e.write_file(os.path.join(root, "versions", "aaa111_first.sql"),
                                   "-- first step\n--\n-- Revision ID: aaa111\n-- Revises:\n\n"
                                   "-- migrate:up\nCREATE TABLE t (id INTEGER);\n\n"
                                   "-- migrate:down\nDROP TABLE t;\n")
                done = e2e.run_miglint(["-C", root, "upgrade", target, "--db", "app.db"])
                self.assertEqual(done.returncode, 1, done.stderr)
                self.assertIn("`%s` would end the transaction" % word, done.stderr)

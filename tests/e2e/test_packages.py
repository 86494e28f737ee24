"""The packages `cpack` makes from the build directory the tests run from (it packages the
miglint built there; nothing is compiled): the .deb declares a Depends for every library
its miglint loads, each installed here in a version it accepts, and its miglint, unpacked
with dpkg-deb, passes CLI checks (git included); as root, `dpkg -i` installs it and the
installed miglint works, then it is removed; the tarball holds the same binary."""

import os
import re
import subprocess
import tarfile
import unittest

from miglint_e2e import TempDir, miglint_path, write_file
from test_hooks import git, revision_text


def check_output(args, **kwargs):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          encoding="utf-8", check=True, timeout=600, **kwargs).stdout


def package_of(path):
    """The Debian package that owns a file (by its real path, as dpkg records it)."""
    for candidate in (path, os.path.realpath(path)):
        for spelling in (candidate, re.sub(r"^/usr/lib/", "/lib/", candidate)):
            proc = subprocess.run(["dpkg", "-S", spelling], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, encoding="utf-8")
            if proc.returncode == 0:
                return proc.stdout.split(":")[0]
    raise AssertionError("no package owns %s" % path)


class PackagesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir(prefix="miglint-packages-")
        config = os.path.join(os.path.dirname(miglint_path()), "CPackConfig.cmake")
        assert os.path.exists(config), "%s: configure the build with CMake first" % config
        out = os.path.join(cls.tmp.path, "out")
        check_output(["cpack", "--config", config, "-B", out], cwd=cls.tmp.path)
        names = os.listdir(out)
        cls.deb = os.path.join(out, [n for n in names if n.endswith(".deb")][0])
        cls.tarball = os.path.join(out, [n for n in names if n.endswith(".tar.gz")][0])
        cls.root = os.path.join(cls.tmp.path, "root")
        check_output(["dpkg-deb", "-x", cls.deb, cls.root])
        cls.binary = os.path.join(cls.root, "usr", "bin", "miglint")
        cls.project = os.path.join(cls.tmp.path, "project")
        os.makedirs(os.path.join(cls.project, "versions"))
        write_file(os.path.join(cls.project, "versions", "aaaaaaaaaaaa_create_users.py"),
                   revision_text("aaaaaaaaaaaa", None, "users"))
        write_file(os.path.join(cls.project, "versions", "bbbbbbbbbbbb_create_orders.py"),
                   revision_text("bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders"))
        git(cls.project, "init", "-q", "-b", "main")
        git(cls.project, "add", "-A")
        git(cls.project, "commit", "-q", "-m", "initial")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def miglint(self, binary, args, cwd):
        return subprocess.run([binary] + args, cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, encoding="utf-8", timeout=60)

    def libraries_loaded(self):
        """The libraries the unpacked miglint itself loads, linked or opened (libgit2), as
        the dynamic loader reports them while it lints a git repository's index."""
        env = dict(os.environ, LD_DEBUG="files")
        proc = subprocess.run([self.binary, "lint", "--staged"], cwd=self.project, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              encoding="utf-8", timeout=60)
        by_us = r"file=(\S+) \[0\];  (?:needed|dynamically loaded) by %s " % re.escape(
            self.binary)
        names = re.findall(by_us, proc.stderr)
        self.assertIn("libfmt.so.9", " ".join(names))
        self.assertTrue([n for n in names if n.startswith("libgit2.so.")], names)
        cache = check_output(["ldconfig", "-p"])
        return [re.search(r"^\s*%s \(.*x86-64.*\) => (\S+)$" % re.escape(name), cache,
                          re.M).group(1) for name in names]

    def test_deb_depends_on_every_library_it_loads_and_this_machine_has_them(self):
        depends = {}
        for item in check_output(["dpkg-deb", "-f", self.deb, "Depends"]).strip().split(","):
            m = re.match(r"\s*([\w.+-]+)\s*(?:\(>=\s*([^)]+)\))?", item)
            depends[m.group(1)] = m.group(2)
        for path in self.libraries_loaded():
            self.assertIn(package_of(path), depends, (path, depends))
        for name, minimum in depends.items():
            installed = check_output(["dpkg-query", "-W", "-f", "${Version}", name])
            if minimum:
                subprocess.run(["dpkg", "--compare-versions", installed, "ge", minimum],
                               check=True)

    def test_the_deb_miglint_works(self):
        self.assertTrue(self.binary.startswith(self.root))
        version = self.miglint(self.binary, ["--version"], self.tmp.path)
        self.assertRegex(version.stdout, r"^miglint \d+\.\d+\.\d+\n$")
        self.assertIn("MG001", self.miglint(self.binary, ["rules"], self.tmp.path).stdout)
        project = self.project
        heads = self.miglint(self.binary, ["heads"], project)
        self.assertEqual(heads.stdout, "bbbbbbbbbbbb (head)\n")
        staged = self.miglint(self.binary, ["lint", "--staged"], project)  # through libgit2
        self.assertEqual(staged.returncode, 0, staged.stdout)
        self.assertIn("2 revisions (staged)", staged.stdout)
        verify = self.miglint(self.binary, ["verify"], project)
        self.assertEqual(verify.returncode, 0, verify.stdout)
        upgrade = self.miglint(self.binary, ["upgrade", "head", "--db", "sqlite:///app.db"],
                               project)
        self.assertEqual(upgrade.returncode, 0, upgrade.stdout)
        current = self.miglint(self.binary, ["current", "--db", "sqlite:///app.db"], project)
        self.assertIn("bbbbbbbbbbbb (head)", current.stdout)

    @unittest.skipUnless(os.geteuid() == 0, "dpkg -i needs root (CI and the quick start run as root)")
    def test_dpkg_installs_it_and_the_installed_miglint_works(self):
        # A real install into this machine (the quick start's root), removed afterwards;
        # never over a miglint package that was there before.
        before = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", "miglint"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, encoding="utf-8")
        self.assertNotIn("install ok installed", before.stdout, "a miglint package is installed already")
        check_output(["dpkg", "-i", self.deb])
        try:
            installed = "/usr/bin/miglint"
            with open(installed, "rb") as a, open(self.binary, "rb") as b:
                self.assertEqual(a.read(), b.read())
            heads = self.miglint(installed, ["heads"], self.project)
            self.assertEqual(heads.stdout, "bbbbbbbbbbbb (head)\n")
            staged = self.miglint(installed, ["lint", "--staged"], self.project)
            self.assertEqual(staged.returncode, 0, staged.stdout)
            verify = self.miglint(installed, ["verify"], self.project)
            self.assertEqual(verify.returncode, 0, verify.stdout)
        finally:
            check_output(["dpkg", "-r", "miglint"])
        self.assertFalse(os.path.exists("/usr/bin/miglint"))

    def test_the_tarball_holds_the_same_binary_and_the_readme(self):
        root = os.path.join(self.tmp.path, "tarball")
        with tarfile.open(self.tarball) as archive:
            archive.extractall(root)
        [top] = os.listdir(root)
        binary = os.path.join(root, top, "bin", "miglint")
        with open(binary, "rb") as a, open(self.binary, "rb") as b:
            self.assertEqual(a.read(), b.read())
        self.assertTrue(os.path.exists(os.path.join(root, top, "share", "doc", "miglint",
                                                    "README.md")))
        version = self.miglint(binary, ["--version"], self.tmp.path)
        self.assertEqual(version.returncode, 0, version.stdout)


if __name__ == "__main__":
    unittest.main()

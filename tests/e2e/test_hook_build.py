"""End-to-end test of the `language: script` hooks as users get them: the real pre-commit
framework clones this repository (offline, from a local clone), and the hook's first run
builds miglint into that clone (hooks/pre-commit-build.sh) while later runs reuse it.

It is its own test file, so ctest starts it first (it spends minutes in the build, next to
the other tests) and the sanitizer pass can leave it out: the binary it builds is a Release
build of its own, not the sanitized one."""

import glob
import os
import unittest

from miglint_e2e import SOURCE_DIR, TempDir, write_file
from test_hooks import HookRepoMixin, downgrade_line, git, hook_env, run

FIRST_USE = "first use: building miglint"


def file_identity(path):
    """What a rebuild or a re-publication of `path` would change."""
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class BuildOnFirstUseTest(HookRepoMixin, unittest.TestCase):

    def setUp(self):
        self.tmp = TempDir(prefix="miglint-hook-build-")
        self.home = os.path.join(self.tmp.path, "pre-commit-home")
        self.repo = self.make_project(os.path.join(self.tmp.path, "project"))

    def tearDown(self):
        self.tmp.cleanup()

    def built(self):
        """The .pre-commit-build directories in pre-commit's clones of the hook repository."""
        return sorted(glob.glob(os.path.join(self.home, "*", ".pre-commit-build")))

    def test_build_on_first_use(self):
        # The hook repository: this repository as committed (what `rev:` pins).
        source = os.path.join(self.tmp.path, "miglint-clone")
        git(self.tmp.path, "clone", "-q", SOURCE_DIR, source)
        rev = git(source, "rev-parse", "HEAD").stdout.strip()
        write_file(os.path.join(self.repo, ".pre-commit-config.yaml"),
                   "repos:\n-   repo: %s\n    rev: %s\n    hooks:\n    -   id: miglint\n"
                   % (source, rev))
        git(self.repo, "add", ".pre-commit-config.yaml")
        git(self.repo, "commit", "-q", "--no-verify", "-m", "pre-commit config")
        # No miglint but the one the hook builds.
        env = hook_env({"PRE_COMMIT_HOME": self.home})
        env.pop("MIGLINT", None)
        env.pop("MIGLINT_PRE_COMMIT_BINARY", None)
        run(self.repo, ["pre-commit", "install"], env=env)
        before = git(self.repo, "rev-parse", "HEAD").stdout.strip()

        # First commit: a revision whose downgrade is empty. The hook builds miglint into
        # pre-commit's clone, then blocks the commit with the finding.
        text = self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders",
                                 downgrade="pass")
        first = git(self.repo, "commit", "-m", "orders", check=False, env=env)
        self.assertNotEqual(first.returncode, 0, first.stdout)
        self.assertEqual(first.stdout.count(FIRST_USE), 1, first.stdout)
        self.assertIn("Failed", first.stdout)
        self.assertRegex(first.stdout, r"versions/bbbbbbbbbbbb_create_orders\.py:%d:\d+: error: "
                         r".*\[missing-downgrade\]" % downgrade_line(text))
        self.assertEqual(git(self.repo, "rev-parse", "HEAD").stdout.strip(), before)
        built = self.built()
        self.assertEqual(len(built), 1, built)
        binary = os.path.join(built[0], "miglint")
        log = os.path.join(built[0], "build.log")
        self.assertTrue(os.access(binary, os.X_OK), binary)
        identity = (file_identity(binary), file_identity(log))

        # Second commit, fixed: it passes, run by the same binary. A rebuild would print the
        # first-use line again, rewrite build.log and publish a new file (new inode).
        self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        second = git(self.repo, "commit", "-m", "orders", check=False, env=env)
        self.assertEqual(second.returncode, 0, second.stdout)
        self.assertNotIn("first use", second.stdout)
        self.assertIn("Passed", second.stdout)
        self.assertNotEqual(git(self.repo, "rev-parse", "HEAD").stdout.strip(), before)
        self.assertEqual(self.built(), built)
        self.assertEqual((file_identity(binary), file_identity(log)), identity)


if __name__ == "__main__":
    unittest.main()

"""End-to-end test of the `language: script` hooks as users get them: the real pre-commit
framework clones this repository (offline, from a local clone), and the hook's first run
builds miglint (hooks/pre-commit-build.sh) into a cache shared by every clone of the same
sources, keeping only the binary; a second pre-commit clone and `try-repo` reuse it with no
build tool run.

It is its own test file, so ctest starts it first (it spends minutes in the build, next to
the other tests) and the sanitizer pass can leave it out: the binary it builds is a Release
build of its own, not the sanitized one."""

import os
import stat
import subprocess
import unittest

from miglint_e2e import SOURCE_DIR, TempDir, write_file
from test_hooks import HookRepoMixin, downgrade_line, git, hook_env

FIRST_USE = "miglint: building miglint once, about "


def file_identity(path):
    """What a rebuild or a re-publication of `path` would change."""
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def run_detached(cwd, args, env):
    """Runs as pre-commit runs in CI: no controlling terminal, so the build's messages go
    to the hook's output, where the test reads them."""
    return subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, encoding="utf-8", errors="replace",
                          timeout=1200, start_new_session=True)


def files_under(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, names in os.walk(root) for f in names)


class BuildOnFirstUseTest(HookRepoMixin, unittest.TestCase):

    def setUp(self):
        self.tmp = TempDir(prefix="miglint-hook-build-")
        self.cache = os.path.join(self.tmp.path, "cache")
        self.repo = self.make_project(os.path.join(self.tmp.path, "project"))

    def tearDown(self):
        self.tmp.cleanup()

    def env(self, home, extra_path=None):
        # No miglint but the one the hook builds.
        env = hook_env({"PRE_COMMIT_HOME": os.path.join(self.tmp.path, home),
                        "XDG_CACHE_HOME": self.cache})
        env.pop("MIGLINT", None)
        env.pop("MIGLINT_PRE_COMMIT_BINARY", None)
        if extra_path:
            env["PATH"] = extra_path + os.pathsep + env["PATH"]
        return env

    def test_build_once_and_share_it(self):
        # The hook repository: this repository as committed (what `rev:` pins).
        source = os.path.join(self.tmp.path, "miglint-clone")
        git(self.tmp.path, "clone", "-q", SOURCE_DIR, source)
        rev = git(source, "rev-parse", "HEAD").stdout.strip()
        write_file(os.path.join(self.repo, ".pre-commit-config.yaml"),
                   "repos:\n-   repo: %s\n    rev: %s\n    hooks:\n    -   id: miglint\n"
                   % (source, rev))
        git(self.repo, "add", ".pre-commit-config.yaml")
        git(self.repo, "commit", "-q", "--no-verify", "-m", "pre-commit config")
        env = self.env("pre-commit-home")
        run_detached(self.repo, ["pre-commit", "install"], env)
        before = git(self.repo, "rev-parse", "HEAD").stdout.strip()

        # First commit: a revision whose downgrade is empty. The hook says it builds, shows
        # progress, builds, then blocks the commit with the finding.
        text = self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders",
                                 downgrade="pass")
        first = run_detached(self.repo, ["git", "commit", "-m", "orders"], env)
        self.assertNotEqual(first.returncode, 0, first.stdout)
        self.assertEqual(first.stdout.count(FIRST_USE), 1, first.stdout)
        self.assertRegex(first.stdout, r"miglint: build \[ *\d+%\]")
        self.assertIn("Failed", first.stdout)
        self.assertRegex(first.stdout, r"versions/bbbbbbbbbbbb_create_orders\.py:%d:\d+: error: "
                         r".*\[missing-downgrade\]" % downgrade_line(text))
        self.assertEqual(git(self.repo, "rev-parse", "HEAD").stdout.strip(), before)
        # Only the binary is kept: no build tree, no object files, nothing in the clone.
        cache = os.path.join(self.cache, "miglint")
        kept = [p for p in files_under(cache) if not p.endswith(".lock")]
        self.assertEqual(len(kept), 1, kept)
        self.assertEqual(os.path.basename(kept[0]), "miglint", kept)
        binary = os.path.join(cache, kept[0])
        self.assertTrue(os.access(binary, os.X_OK), binary)
        self.assertFalse([p for p in files_under(os.path.join(self.tmp.path, "pre-commit-home"))
                          if p.endswith(".o") or "/CMakeFiles/" in p])
        identity = file_identity(binary)

        # From now on no build tool may run: a `cmake` first on PATH that records any call.
        sentinel_dir = os.path.join(self.tmp.path, "no-build")
        marker = os.path.join(self.tmp.path, "cmake-was-run")
        write_file(os.path.join(sentinel_dir, "cmake"),
                   "#!/bin/sh\necho \"$@\" >>'%s'\nexit 1\n" % marker)
        os.chmod(os.path.join(sentinel_dir, "cmake"), stat.S_IRWXU)

        # Second commit, fixed: it passes, run by the same binary.
        self.add_revision(self.repo, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "orders")
        second = run_detached(self.repo, ["git", "commit", "-m", "orders"],
                              self.env("pre-commit-home", sentinel_dir))
        self.assertEqual(second.returncode, 0, second.stdout)
        self.assertIn("Passed", second.stdout)
        self.assertNotEqual(git(self.repo, "rev-parse", "HEAD").stdout.strip(), before)

        # Another pre-commit clone of the same rev (another PRE_COMMIT_HOME), and
        # `try-repo` (its own temporary clone): both reuse the build.
        for args, home in ((["pre-commit", "run", "miglint", "--all-files"], "second-home"),
                           (["pre-commit", "try-repo", source, "miglint", "--ref", rev,
                             "--all-files"], "third-home")):
            proc = run_detached(self.repo, args, self.env(home, sentinel_dir))
            self.assertEqual(proc.returncode, 0, proc.stdout)
            self.assertIn("Passed", proc.stdout)
            self.assertNotIn("building", proc.stdout)
        self.assertFalse(os.path.exists(marker), "cmake ran: %s" % (
            open(marker).read() if os.path.exists(marker) else ""))
        self.assertEqual(file_identity(binary), identity)


if __name__ == "__main__":
    unittest.main()

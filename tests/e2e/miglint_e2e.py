"""Shared helpers for the end-to-end tests: run miglint, make temporary
projects, run the real Alembic (through alembic_sorted.py), normalize the
cosmetic differences between the two outputs."""

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("MIGLINT_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
ALEMBIC_SORTED = os.path.join(HERE, "alembic_sorted.py")


def miglint_path():
    path = os.environ.get("MIGLINT")
    if path:
        return path
    for build in ("build", "build-e2e"):
        candidate = os.path.join(SOURCE_DIR, build, "miglint")
        if os.path.exists(candidate):
            return candidate
    raise RuntimeError("set MIGLINT to the miglint binary")


def python_for_alembic():
    """Debian's interpreter sees python3-alembic; prefer the one running us if it does."""
    try:
        import alembic  # noqa: F401
        return sys.executable
    except ImportError:
        return "/usr/bin/python3"


def run_miglint(args, cwd=None, env=None, timeout=60):
    """Run the miglint binary; returns subprocess.CompletedProcess (text)."""
    full_env = dict(os.environ)
    full_env.pop("ALEMBIC_DATABASE_URL", None)
    full_env.pop("DATABASE_URL", None)
    if env:
        full_env.update(env)
    return subprocess.run([miglint_path()] + list(args), cwd=cwd, env=full_env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, encoding="utf-8", errors="replace")


class TempDir:
    """A temporary directory (context manager); kept when MIGLINT_E2E_KEEP=1."""

    def __init__(self, prefix="miglint-e2e-"):
        self.path = tempfile.mkdtemp(prefix=prefix)

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        self.cleanup()

    def cleanup(self):
        if os.environ.get("MIGLINT_E2E_KEEP") == "1":
            sys.stderr.write("kept %s\n" % self.path)
        else:
            shutil.rmtree(self.path, ignore_errors=True)


def write_file(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def alembic_env(hashseed=0):
    env = dict(os.environ)
    env["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1"
    env["PYTHONHASHSEED"] = str(hashseed)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONPATH", None)
    return env


def run_alembic_batch(jobs, hashseed=0, timeout=600):
    """Run many Alembic commands in one Python process.

    jobs: list of argv lists, each with an absolute ``-c alembic.ini``.
    Returns a list of dicts {stdout, stderr, rc}.
    """
    return run_alembic_batches(jobs, [hashseed], timeout)[0]


def run_alembic_batches(jobs, hashseeds, timeout=600):
    """The same jobs under several PYTHONHASHSEEDs, one process per seed, run
    concurrently; returns one result list per seed."""
    if not jobs:
        return [[] for _ in hashseeds]
    fd, jobs_path = tempfile.mkstemp(prefix="miglint-alembic-jobs-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(jobs, f)
        procs = []
        outputs = []
        for seed in hashseeds:
            out = tempfile.TemporaryFile()
            err = tempfile.TemporaryFile()
            procs.append((subprocess.Popen(
                [python_for_alembic(), ALEMBIC_SORTED, "--batch", jobs_path],
                env=alembic_env(seed), stdout=out, stderr=err), out, err))
        for proc, out, err in procs:
            rc = proc.wait(timeout=timeout)
            out.seek(0)
            err.seek(0)
            if rc != 0:
                raise RuntimeError("alembic batch failed (%d): %s" % (
                    rc, err.read().decode("utf-8", "replace")))
            outputs.append(json.loads(out.read().decode("utf-8")))
            out.close()
            err.close()
        return outputs
    finally:
        os.unlink(jobs_path)


def run_alembic(args, cwd=None, hashseed=0, timeout=120):
    """Run the Alembic command line (sorted listings) in its own process."""
    return subprocess.run([python_for_alembic(), ALEMBIC_SORTED] + list(args), cwd=cwd,
                          env=alembic_env(hashseed), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, encoding="utf-8",
                          errors="replace")


# ------------------------------------------------------------ normalization

_FLAGS = {"head", "effective head", "branchpoint", "mergepoint", "current"}
_CHILD = re.compile(r"^ +-> ")


def _sort_label_group(rest):
    """rest starts right after a revision id: sort the items of a label group."""
    m = re.match(r"^ \(([^()]*)\)", rest)
    if not m or m.group(1) in _FLAGS:
        return rest
    items = sorted(m.group(1).split(", "))
    return " (%s)" % ", ".join(items) + rest[m.end():]


def _normalize_line(line):
    # history / branches child: "DOWN[ (DEPS)] -> REV[ (LABELS)]..."
    if " -> " in line:
        left, right = line.split(" -> ", 1)
        m = re.match(r"^[^\s,()]+", right)
        if m:
            right = m.group(0) + _sort_label_group(right[m.end():])
        return left + " -> " + right
    # heads / branches header: "REV[ (LABELS)] (head)..."
    m = re.match(r"^([^\s,()]+)( \(.*)$", line)
    if m:
        return m.group(1) + _sort_label_group(m.group(2))
    return line


def _sorted_csv(value):
    return ", ".join(sorted(value.split(", ")))


def normalize(output, verbose=False, branches=False):
    """Make hash-order and path differences vanish, nothing else."""
    lines = output.split("\n")
    out = []
    in_block = False  # inside a verbose block's header lines
    for line in lines:
        if verbose and line.startswith("Rev: "):
            in_block = True
            out.append(line)
            continue
        if verbose and in_block:
            if line == "":
                in_block = False
                out.append(line)
                continue
            if line.startswith("Path: "):
                out.append("Path: " + os.path.basename(line[len("Path: "):]))
                continue
            for key in ("Branches into: ", "Branch names: "):
                if line.startswith(key):
                    line = key + _sorted_csv(line[len(key):])
            out.append(line)
            continue
        if verbose and line.startswith("    ") and not (branches and _CHILD.match(line)):
            out.append(line)  # docstring text
            continue
        out.append(_normalize_line(line))
    if branches:
        out = _sort_branch_children(out)
    return "\n".join(out)


def _sort_branch_children(lines):
    """In `branches` output, compare the children of one branch point as a set."""
    result = []
    i = 0
    while i < len(lines):
        if _CHILD.match(lines[i]):
            entries = []
            while i < len(lines) and _CHILD.match(lines[i]):
                entry = [lines[i]]
                i += 1
                while i < len(lines) and lines[i] != "" and not _CHILD.match(lines[i]):
                    entry.append(lines[i])
                    i += 1
                entries.append(entry)
            for entry in sorted(entries):
                result.extend(entry)
        else:
            result.append(lines[i])
            i += 1
    return result


def unified_diff(expected, actual, expected_name="alembic", actual_name="miglint"):
    return "".join(difflib.unified_diff(
        expected.splitlines(True), actual.splitlines(True),
        fromfile=expected_name, tofile=actual_name))

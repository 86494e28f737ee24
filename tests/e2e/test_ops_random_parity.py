"""Differential test on random projects: miglint's op.* interpreter against real Alembic.

opsgen.py generates seeded Alembic projects (4-12 revisions of create_table, add/drop
column, indexes, renames, op.execute, bulk_insert, batch_alter_table with every batch
op, rows inserted before the batches). For each project, real Alembic 1.8 runs
``upgrade +1`` to head then ``downgrade -1`` to base on one SQLite file, and
``miglint upgrade +1`` / ``downgrade -1`` on another; after every step the schema
(PRAGMA table_info, index_list, index_info, foreign_key_list, sqlite_master SQL) and
the rows of every table must be identical, with the normalization of test_ops_parity.py
(autoindex numbers, constraint-line order). A project whose last revision is one
Alembic cannot run on SQLite must fail at that step in both tools.

Sample rows are on, as in `verify`: before every upgrade step both databases get the same
rows (sample_rows.py tops every table up to 3 rows, the way `verify --rows 3` does), so the
rows compared after every step include rows the history never wrote. Odd seeds number the
sample values from 1 as verify does (so they meet the history's own fixed ids); even seeds
from 100000, so that most of them walk to the head with sample rows. An upgrade that
Alembic then fails (the generator only writes upgrades that work on the history's own
rows, so the sample rows are what it fails on) must fail in miglint too, and `miglint verify
--start-from` a copy of that database (same rows) must report it as
upgrade-fails-on-populated-table at that revision.

The seeds are fixed so that a failure reproduces; MIGLINT_OPS_SEEDS=START:COUNT runs
others (``python3 opsgen.py SEED DIR`` writes one project to look at). Alembic runs in
a few long-lived processes (one ``alembic.command`` call per step, many projects each),
next to the miglint runs.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import miglint_e2e as e2e
import opsgen
import sample_rows
from test_ops_parity import ALEMBIC_INI, ENV_PY, snapshot, describe_difference

DEFAULT_SEEDS = (1, 100)

# Runs the steps of many projects; one JSON line per project on stdout.
DRIVER = r'''
import json, sys, logging
sys.path.insert(0, sys.argv[2])
from alembic.config import Config
from alembic import command
from test_ops_parity import snapshot
from sample_rows import seed
logging.disable(logging.CRITICAL)
with open(sys.argv[1]) as f:
    jobs = json.load(f)
for job in jobs:
    cfg = Config(job["ini"])
    out = []
    for kind, target in job["steps"]:
        try:
            if kind == "upgrade":
                seed(job["db"], first=job["first"])
                command.upgrade(cfg, target)
            else:
                command.downgrade(cfg, target)
            out.append({"ok": True, "schema": snapshot(job["db"])})
        except Exception as e:
            out.append({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
            if not job["failure_expected_at"] == len(out) - 1:
                break
    sys.stdout.write(json.dumps({"seed": job["seed"], "steps": out}) + "\n")
    sys.stdout.flush()
'''


def seeds():
    spec = os.environ.get("MIGLINT_OPS_SEEDS")
    if spec:
        start, count = (int(x) for x in spec.split(":"))
    else:
        start, count = DEFAULT_SEEDS
    return list(range(start, start + count))


class Case:
    """One generated project on disk and the steps to walk it."""

    def __init__(self, seed, root):
        self.seed = seed
        self.root = root
        project = opsgen.generate_project(seed)
        versions = os.path.join(root, "alembic", "versions")
        self.files = opsgen.write_project(project, versions)
        e2e.write_file(os.path.join(root, "alembic.ini"), ALEMBIC_INI)
        e2e.write_file(os.path.join(root, "alembic", "env.py"), ENV_PY)
        n = len(self.files)
        failing = bool(self.files) and self.files[-1][2]
        self.failure_expected_at = n - 1 if failing else None
        self.first_sample = 1 if seed % 2 else 100000
        self.steps = [("upgrade", "+1")] * n + [("downgrade", "-1")] * (n - (1 if failing else 0))

    def revision_at(self, i):
        """The file a step runs: upgrade i+1 runs file i; downgrades walk back."""
        n = len(self.files)
        if i < n:
            return self.files[i][1]
        back = i - n
        top = n - 2 if self.failure_expected_at is not None else n - 1
        return self.files[top - back][1]

    def job(self):
        return {"seed": self.seed, "ini": os.path.join(self.root, "alembic.ini"),
                "db": os.path.join(self.root, "alembic.db"), "steps": self.steps,
                "failure_expected_at": self.failure_expected_at, "first": self.first_sample}


def start_alembic(jobs, workdir):
    path = os.path.join(workdir, "jobs-%d.json" % len(os.listdir(workdir)))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(jobs, f)
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen([e2e.python_for_alembic(), "-c", DRIVER, path, e2e.HERE],
                            env=e2e.alembic_env(), stdout=out, stderr=err)
    return proc, out, err


def finish_alembic(handle, timeout=900):
    proc, out, err = handle
    try:
        rc = proc.wait(timeout=timeout)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8")
        if rc != 0:
            raise RuntimeError("alembic driver failed (%d): %s" % (
                rc, err.read().decode("utf-8", "replace")[-3000:]))
    finally:
        out.close()
        err.close()
    return {r["seed"]: r["steps"] for r in (json.loads(line) for line in text.splitlines() if line)}


def verify_from(case, db):
    """`miglint verify` (sample rows on) of the revisions above `db`, on a copy of it."""
    proc = e2e.run_miglint(["-C", case.root, "--format", "json", "verify", "--start-from", db],
                           timeout=300)
    try:
        return json.loads(proc.stdout)["diagnostics"]
    except ValueError:
        return [{"rule": "(no JSON)", "message": proc.stdout + proc.stderr, "revision": None}]


def run_miglint(case):
    db = os.path.join(case.root, "miglint.db")
    out = []
    for i, (kind, target) in enumerate(case.steps):
        if kind == "upgrade":
            sample_rows.seed(db, first=case.first_sample)
        proc = e2e.run_miglint(["-C", case.root, kind, target, "--db", db], timeout=300)
        if proc.returncode != 0:
            out.append({"ok": False, "error": proc.stderr.strip()})
            if case.failure_expected_at != i:
                if kind == "upgrade":
                    # The failed upgrade left the database as it was: verify from there.
                    out[-1]["verify"] = verify_from(case, db)
                break
            continue
        out.append({"ok": True, "schema": snapshot(db)})
    return out


def compare(case, expected, actual, populated_failures):
    """None when both walks agree, else a message naming seed, step, file, difference.
    Appends to `populated_failures` the seed whose upgrade failed on the sample rows."""
    for i, step in enumerate(case.steps):
        where = "seed %d, step %d (%s %s, %s)" % (case.seed, i + 1, step[0], step[1], case.revision_at(i))
        if i >= len(expected):
            return "%s: Alembic stopped before this step" % where
        exp = expected[i]
        act = actual[i] if i < len(actual) else {"ok": False, "error": "(miglint stopped earlier)"}
        if i == case.failure_expected_at:
            if exp["ok"]:
                return "%s: Alembic was expected to fail but succeeded" % where
            if act["ok"]:
                return "%s: Alembic fails (%s) but miglint succeeded" % (where, exp["error"])
            continue
        if not exp["ok"] and step[0] == "upgrade":
            # It works on the history's own rows: the sample rows are what it fails on.
            if act["ok"]:
                return "%s: Alembic fails on the sample rows (%s) but miglint succeeded" % (
                    where, exp["error"])
            rev = case.files[i][0]
            found = [d for d in act.get("verify", [])
                     if d.get("rule") == "upgrade-fails-on-populated-table"
                     and d.get("revision") == rev]
            if not found:
                return ("%s: Alembic fails on the sample rows (%s), but `miglint verify` does "
                        "not report upgrade-fails-on-populated-table for %s: %s" % (
                            where, exp["error"], rev,
                            json.dumps(act.get("verify"), indent=1)[:3000]))
            populated_failures.append("%d (%s)" % (case.seed, exp["error"].split("\n")[0][-60:]))
            return None  # both stop here
        if not exp["ok"]:
            return "%s: Alembic failed (the generator should not write this): %s; miglint %s" % (
                where, exp["error"], "failed too: " + act["error"] if not act["ok"] else "succeeded")
        if not act["ok"]:
            return "%s: miglint failed: %s" % (where, act["error"])
        if exp["schema"] != act["schema"]:
            return "%s: schemas differ (- Alembic, + miglint)\n%s" % (
                where, describe_difference(exp["schema"], act["schema"]))
    return None


class OpsRandomParityTest(unittest.TestCase):
    maxDiff = None

    def test_random_projects_match_alembic_after_every_step(self):
        with e2e.TempDir() as tmp:
            cases = []
            for seed in seeds():
                root = os.path.join(tmp, "p%d" % seed)
                os.makedirs(root)
                cases.append(Case(seed, root))
            jobdir = os.path.join(tmp, "jobs")
            os.makedirs(jobdir)
            workers = 2 if (os.cpu_count() or 1) >= 2 else 1
            handles = [start_alembic([c.job() for c in cases[k::workers]], jobdir)
                       for k in range(workers)]
            actual = {c.seed: run_miglint(c) for c in cases}
            expected = {}
            for h in handles:
                expected.update(finish_alembic(h))
            failures = []
            populated = []
            for c in cases:
                message = compare(c, expected.get(c.seed, []), actual[c.seed], populated)
                if message:
                    failures.append((c, message))
            if failures:
                if os.environ.get("MIGLINT_E2E_KEEP") == "1":
                    sys.stderr.write("projects kept in %s\n" % tmp)
                seeds_failed = ", ".join(str(c.seed) for c, _ in failures)
                details = "\n\n".join(m for _, m in failures[:5])
                self.fail("%d of %d random projects differ from Alembic (seeds %s); "
                          "`python3 opsgen.py SEED DIR` writes one\n\n%s" % (
                              len(failures), len(cases), seeds_failed, details))
            if not os.environ.get("MIGLINT_OPS_SEEDS"):
                # The check of upgrade-fails-on-populated-table must have had cases.
                self.assertGreater(len(populated), 0, "no project failed on the sample rows")
                sys.stderr.write("%d of %d projects failed on the sample rows (seeds %s)\n" % (
                    len(populated), len(cases), ", ".join(populated)))


if __name__ == "__main__":
    unittest.main()

"""Differential test: miglint's heads / history / branches against real Alembic.

Generated revision graphs (graphgen.py, one per seed) are written as Alembic
projects; every command runs through miglint and through Alembic (with sorted
directory listings, see alembic_sorted.py, all Alembic commands batched in one
Python process).  Outputs must be identical up to cosmetic differences only:
the ``Path:`` line (compared by base name) and what Alembic prints in Python
set order (labels inside one pair of parentheses, ``Branch names:``,
``Branches into:``, the children of a branch point in ``branches``), compared
as sets.  Alembic runs with PYTHONHASHSEED=0; when an output differs, Alembic
is re-run under other hash seeds and miglint passes if it matches any of them
(some walk orders, e.g. with several ``depends_on`` entries, follow set order).

Environment: MIGLINT_PARITY_GRAPHS (default 64) graphs, seeds from
MIGLINT_PARITY_SEED (default 0).  To reproduce seed S by hand:
``python3 graphgen.py graph S DIR`` then compare ``miglint -C DIR ...`` with
``python3 alembic_sorted.py -c DIR/alembic.ini ...``.
"""

import os
import random
import unittest

import graphgen
import miglint_e2e as e2e

GRAPHS = int(os.environ.get("MIGLINT_PARITY_GRAPHS", "64"))
FIRST_SEED = int(os.environ.get("MIGLINT_PARITY_SEED", "0"))
RETRY_HASHSEEDS = range(1, 9)
MAX_DETAILED = 4  # failures printed with the whole graph, per test

COMMANDS = {
    "heads": ["heads"],
    "heads_verbose": ["heads", "--verbose"],
    "history": ["history"],
    "history_verbose": ["history", "--verbose"],
    "branches": ["branches"],
    "branches_verbose": ["branches", "--verbose"],
}


def _versioned_ancestors(by_id, rev):
    seen = []
    todo = list(by_id[rev].parents)
    while todo:
        r = todo.pop(0)
        if r not in seen:
            seen.append(r)
            todo.extend(by_id[r].parents)
    return seen


def _range_commands(graph, seed):
    """history -r X:Y, -r :Y and -r X: for two revisions Y, X a versioned ancestor."""
    rng = random.Random(seed * 7919 + 1)
    by_id = {r.rev: r for r in graph}
    non_bases = [r.rev for r in graph if r.parents]
    out = {}
    for k, y in enumerate(rng.sample(non_bases, min(2, len(non_bases)))):
        x = rng.choice(_versioned_ancestors(by_id, y))
        out["range%d_x_y" % k] = ["history", "-r", "%s:%s" % (x, y)]
        out["range%d_to_y" % k] = ["history", "-r", ":%s" % y]
        out["range%d_from_x" % k] = ["history", "-r", "%s:" % x]
        if k == 0:
            out["range%d_x_y_verbose" % k] = ["history", "--verbose", "-r", "%s:%s" % (x, y)]
    return out


def _describe(graph, root):
    """The graph as the revision files say it: identifier lines and docstring head."""
    lines = ["files (%s):" % root]
    versions = os.path.join(root, "alembic", "versions")
    for name in sorted(os.listdir(versions)):
        with open(os.path.join(versions, name), encoding="utf-8") as f:
            text = f.read()
        ids = [l for l in text.splitlines()
               if l.split(":")[0].split(" ")[0] in ("revision", "down_revision", "branch_labels", "depends_on")]
        head = text.split("\nfrom ")[0].splitlines()[:3]
        lines.append("  %s" % name)
        lines += ["      | %s" % l for l in head + ids]
    return "\n".join(lines)


class AlembicParity(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = e2e.TempDir(prefix="miglint-parity-")
        cls.graphs = {}
        cls.commands = {}
        jobs = []
        cls.job_index = {}
        for seed in range(FIRST_SEED, FIRST_SEED + GRAPHS):
            graph = graphgen.generate_graph(seed)
            root = os.path.join(cls.tmp.path, "g%d" % seed)
            graphgen.write_project(graph, root)
            cls.graphs[seed] = (graph, root)
            cmds = dict(COMMANDS)
            cmds.update(_range_commands(graph, seed))
            cls.commands[seed] = cmds
            ini = os.path.join(root, "alembic.ini")
            for name, argv in cmds.items():
                cls.job_index[(seed, name)] = len(jobs)
                jobs.append(["-c", ini] + argv)
        cls.jobs = jobs
        cls.alembic = e2e.run_alembic_batch(jobs, hashseed=0)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def _compare(self, names):
        """Run miglint for the named commands on every graph; fail with diffs."""
        pending = []  # (seed, name, miglint_stdout, alembic_result)
        skipped = 0
        for seed, (graph, root) in self.graphs.items():
            for name in names:
                argv = self.commands[seed].get(name)
                if argv is None:
                    continue
                ref = self.alembic[self.job_index[(seed, name)]]
                if ref["rc"] != 0:
                    if name.startswith("range"):
                        skipped += 1  # Alembic itself cannot walk this range
                        continue
                    self.fail("Alembic failed on generated graph seed %d (%s): %s\n%s" % (
                        seed, " ".join(argv), ref["stderr"][-2000:], _describe(graph, root)))
                got = e2e.run_miglint(["--versions", "alembic/versions"] + argv, cwd=root)
                if got.returncode != 0 or not self._same(name, ref["stdout"], got.stdout):
                    pending.append((seed, name, got, ref))
        if not pending:
            return
        # Outputs that follow Python set order (e.g. the walk order with several
        # depends_on entries) only permute lines: for those, accept the output
        # of Alembic under any hash seed.
        retry = [p for p in pending
                 if p[2].returncode == 0 and self._same_lines(p[1], p[3]["stdout"], p[2].stdout)]
        alternatives = {}
        retry_jobs = [self.jobs[self.job_index[(s, n)]] for s, n, _, _ in retry]
        for results in e2e.run_alembic_batches(retry_jobs, list(RETRY_HASHSEEDS)):
            for (s, n, _, _), res in zip(retry, results):
                alternatives.setdefault((s, n), []).append(res["stdout"])
        failures = []
        for seed, name, got, ref in pending:
            alts = alternatives.get((seed, name), [])
            if any(self._same(name, alt, got.stdout) for alt in alts):
                continue
            failures.append((seed, name, got, ref))
        if not failures:
            return
        report = []
        for k, (seed, name, got, ref) in enumerate(failures):
            graph, root = self.graphs[seed]
            argv = self.commands[seed][name]
            report.append("=" * 70)
            status = ("killed by signal %d" % -got.returncode if got.returncode < 0
                      else "exit %d" % got.returncode)
            report.append("seed %d: miglint %s (%s)" % (seed, " ".join(argv), status))
            if got.stderr:
                report.append("miglint stderr: " + got.stderr.strip()[:1500])
            if k < MAX_DETAILED:
                report.append(_describe(graph, root))
            verbose = "--verbose" in argv
            branches = argv[0] == "branches"
            report.append(e2e.unified_diff(
                e2e.normalize(ref["stdout"], verbose, branches),
                e2e.normalize(got.stdout, verbose, branches),
                "alembic (normalized)", "miglint (normalized)"))
        self.fail("%d of %d outputs differ from Alembic (seeds %s)%s\n%s" % (
            len(failures), sum(1 for s in self.graphs for n in names if n in self.commands[s]),
            sorted({f[0] for f in failures}),
            "; %d ranges skipped (Alembic error)" % skipped if skipped else "",
            "\n".join(report)))

    @staticmethod
    def _same(name, expected, actual):
        verbose = name.endswith("verbose")
        branches = name.startswith("branches")
        return e2e.normalize(expected, verbose, branches) == e2e.normalize(actual, verbose, branches)

    @staticmethod
    def _same_lines(name, expected, actual):
        verbose = name.endswith("verbose")
        branches = name.startswith("branches")
        return (sorted(e2e.normalize(expected, verbose, branches).split("\n"))
                == sorted(e2e.normalize(actual, verbose, branches).split("\n")))

    def test_heads(self):
        self._compare(["heads"])

    def test_heads_verbose(self):
        self._compare(["heads_verbose"])

    def test_history(self):
        self._compare(["history"])

    def test_history_verbose(self):
        self._compare(["history_verbose"])

    def test_branches(self):
        self._compare(["branches"])

    def test_branches_verbose(self):
        self._compare(["branches_verbose"])

    def test_history_ranges(self):
        names = ["range%d_%s" % (k, kind) for k in range(2)
                 for kind in ("x_y", "to_y", "from_x", "x_y_verbose")]
        self._compare(names)

    def test_generator_exercises_the_features(self):
        """Keep the generator honest: the graphs cover what they are meant to."""
        seen = set()
        for graph, _ in self.graphs.values():
            for r in graph:
                if r.parents and len(r.parents) == 2:
                    seen.add("merge2")
                if len(r.parents) == 3:
                    seen.add("merge3")
                if r.labels and not r.parents:
                    seen.add("label_on_base")
                if r.labels and r.parents:
                    seen.add("label_mid_chain")
                if r.depends:
                    labels = {l for g in graph for l in g.labels}
                    seen.add("depends_label" if set(r.depends) & labels else "depends_id")
                if r.docstyle == "none":
                    seen.add("no_docstring")
                if "\n" in r.message:
                    seen.add("two_line_message")
                if r.extra:
                    seen.add("paragraphs")
                seen.add(r.template)
            if sum(1 for r in graph if not r.parents) > 1:
                seen.add("several_bases")
            parents = [p for r in graph for p in r.parents]
            if any(parents.count(p) > 1 for p in parents):
                seen.add("branchpoint")
        want = {"merge2", "merge3", "label_on_base", "label_mid_chain", "depends_label",
                "depends_id", "no_docstring", "two_line_message", "paragraphs", "classic",
                "typed", "several_bases", "branchpoint"}
        if GRAPHS >= 40:
            self.assertEqual(want - seen, set())
        outputs = "".join(r["stdout"] for r in self.alembic)
        for flag in ("(effective head)", "(mergepoint)", "(branchpoint)", "Branch names:",
                     "Also depends on:", "Merges:"):
            if GRAPHS >= 40:
                self.assertIn(flag, outputs)


if __name__ == "__main__":
    unittest.main()

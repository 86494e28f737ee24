#!/usr/bin/env bash
# Benchmark: the git-aware checks on a synthetic repository with 10,000 commits and
# 2,000 revisions (built in seconds with git fast-import, see gen_git_history.py), with
# a feature branch that diverges from main.
#
# Measures, from the feature branch's working tree:
#   - `miglint lint --against main`: both trees, the merge base, and the commit that
#     introduced every revision on both sides (two history walks) — target < 300 ms;
#   - `miglint lint`: the same without git, for reference;
#   - attribution of every revision (the commit that added each file), through miglint's
#     git layer (git_attribution.cpp, linked against the build's library), and
#     `miglint history --verbose` when it prints the introducing commits — target < 1 s.
# lint --against attributes only the files its findings name, walking back from each
# side just as far as the commit that added the file.
#
# Usage: bench/bench_git.sh
# Environment:
#   MIGLINT=path          miglint binary (default: build Release into $BENCH_BUILD_DIR)
#   BENCH_BUILD_DIR=dir   build directory (default: <repo>/build-bench)
#   BENCH_COMMITS=N       commits on main (default 10000)
#   BENCH_REVISIONS=N     revisions on main (default 2000)
#   BENCH_RUNS=N          runs per command (default 10)
#   BENCH_WORK_DIR=dir    where the repository goes (default: a temp dir, removed)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
commits="${BENCH_COMMITS:-10000}"
revisions="${BENCH_REVISIONS:-2000}"
runs="${BENCH_RUNS:-10}"

source "$here/common.sh"
use_release_miglint

if [[ -n "${BENCH_WORK_DIR:-}" ]]; then
  work="$BENCH_WORK_DIR"; mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/miglint-bench-git.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE

r="$work/repo"
if [[ ! -d "$r/.git" ]]; then
  echo "building the repository ($commits commits, $revisions revisions) ..." >&2
  start=$(date +%s.%N)
  git init -q -b main "$r"
  python3 "$here/gen_git_history.py" "$commits" "$revisions" |
    git -C "$r" fast-import --done --quiet
  git -C "$r" checkout -q -f feature
  end=$(date +%s.%N)
  python3 -c "print('repository built in %.1f s' % ($end - $start))"
fi
echo "commits: $(git -C "$r" rev-list --count main) on main," \
     "$(git -C "$r" rev-list --count main..feature) on feature;" \
     "revisions: $(ls "$r/versions" | wc -l) in feature's tree," \
     "$(git -C "$r" ls-tree --name-only main versions/ | wc -l) on main"

# Sanity: the divergence is found and attributed.
set +e
"$MIGLINT" -C "$r" lint --against main >"$work/lint.txt" 2>&1
rc=$?
set -e
if [[ $rc -ne 1 ]] || ! grep -q "diverges-from-base" "$work/lint.txt" ||
   ! grep -q "Fay Featurewright" "$work/lint.txt"; then
  echo "unexpected lint --against result (exit $rc):" >&2
  cat "$work/lint.txt" >&2
  exit 1
fi

# The attribution timer links miglint's library (next to the binary of a CMake build),
# which loads libgit2 itself when first used.
lib="$(dirname "$MIGLINT")/libmiglint_lib.a"
timer="$work/git_attribution"
if [[ -f "$lib" ]]; then
  c++ -std=c++20 -O2 -I"$repo/src" "$here/git_attribution.cpp" "$lib" -lfmt -ldl -o "$timer"
fi
history_verbose=0
if "$MIGLINT" -C "$r" history --verbose 2>/dev/null | grep -q "Fay Featurewright"; then
  history_verbose=1
fi

median_ms() { # hyperfine JSON -> "median (cpu: user+system mean)" in ms
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f (cpu %.1f)" % (r["median"]*1000, (r["user"]+r["system"])*1000))' "$1"
}
measure() { # name, command -> prints the median (ms)
  local name="$1"; shift
  if command -v hyperfine >/dev/null; then
    hyperfine -N -i -w 2 -r "$runs" --export-json "$work/$name.json" "$*" >/dev/null 2>&1
    median_ms "$work/$name.json"
  else
    python3 - "$runs" "$@" <<'EOF'
import statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
times = []
for _ in range(runs + 2):
    t = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); times.append(time.perf_counter() - t)
print("%.1f" % (statistics.median(times[2:]) * 1000))  # wall clock only
EOF
  fi
}

against_ms=$(measure against "$MIGLINT" -C "$r" lint --against main)
plain_ms=$(measure plain "$MIGLINT" -C "$r" lint)
attribution=""
if [[ -x "$timer" ]]; then
  read -r both_ms both_n < <("$timer" "$r" versions "$runs" HEAD main)
  read -r one_ms one_n < <("$timer" "$r" versions "$runs" main)
  attribution=1
fi
if [[ $history_verbose -eq 1 ]]; then
  history_ms=$(measure history "$MIGLINT" -C "$r" history --verbose)
fi
cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')"
echo
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median of $runs runs (hyperfine: $(command -v hyperfine >/dev/null && echo yes || echo no))"
printf '%-58s %18s ms  (target < 300 ms)\n' "miglint lint --against main" "$against_ms"
printf '%-58s %18s ms\n' "miglint lint (no git)" "$plain_ms"
if [[ -n "$attribution" ]]; then
  printf '%-58s %18s ms  (target < 1000 ms)\n' \
    "attribution of every revision, main ($one_n files)" "$one_ms"
  printf '%-58s %18s ms  (target < 1000 ms)\n' \
    "attribution of every revision, feature + main ($both_n)" "$both_ms"
fi
if [[ $history_verbose -eq 1 ]]; then
  printf '%-58s %18s ms  (target < 1000 ms)\n' "miglint history --verbose" "$history_ms"
fi

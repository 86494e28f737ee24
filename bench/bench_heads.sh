#!/usr/bin/env bash
# Benchmark: `miglint heads` against `alembic heads` on the same generated
# Alembic project (mostly linear, a side branch merged back every ~50
# revisions, 2-4 KB files with op.* upgrade/downgrade bodies).
#
# Usage: bench/bench_heads.sh
# Environment:
#   MIGLINT=path           miglint binary (default: build Release into $BENCH_BUILD_DIR)
#   BENCH_BUILD_DIR=dir    build directory (default: <repo>/build-bench)
#   BENCH_SIZES="1000 10000"  project sizes (revisions)
#   BENCH_ALEMBIC_MAX=N    skip Alembic for projects larger than N (default: no limit)
#   BENCH_SKIP_ALEMBIC_10K=1  shorthand for BENCH_ALEMBIC_MAX=9999
#   BENCH_RUNS=N           runs per command (default 10; Alembic at 10k: 3)
#   BENCH_WORK_DIR=dir     where projects and results go (default: a temp dir, removed)
#   ALEMBIC_PYTHON=python  interpreter that can import alembic (default /usr/bin/python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
sizes="${BENCH_SIZES:-1000 10000}"
runs="${BENCH_RUNS:-10}"
alembic_max="${BENCH_ALEMBIC_MAX:-}"
if [[ "${BENCH_SKIP_ALEMBIC_10K:-}" == "1" ]]; then alembic_max=9999; fi

if [[ -n "${ALEMBIC_PYTHON:-}" ]]; then
  py="$ALEMBIC_PYTHON"
elif [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import alembic' 2>/dev/null; then
  py=/usr/bin/python3
else
  py=python3
fi
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONDONTWRITEBYTECODE=1

source "$here/common.sh"
use_release_miglint

if [[ -n "${BENCH_WORK_DIR:-}" ]]; then
  work="$BENCH_WORK_DIR"; mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/miglint-bench.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi

have_alembic=1
if ! "$py" -c 'import alembic' 2>/dev/null; then
  echo "note: $py cannot import alembic; timing miglint only" >&2
  have_alembic=0
fi

# median_ms COMMAND...: median wall time of $runs runs in milliseconds
median_ms() {
  local name="$1"; shift
  local n="$1"; shift
  if command -v hyperfine >/dev/null; then
    local json="$work/$name.json"
    hyperfine --shell=none --warmup "$([[ $n -le 3 ]] && echo 1 || echo 2)" --runs "$n" \
      --export-json "$json" --style none "$*" >/dev/null 2>&1 ||
      { echo "NaN"; return; }
    "$py" -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f" % (r["median"]*1000))' "$json"
  else
    local times=() i t0 t1
    "$@" >/dev/null 2>&1 || true
    for ((i = 0; i < n; i++)); do
      t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
      times+=($(( (t1 - t0) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n |
      awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m/1000}'
  fi
}

rows=()
for n in $sizes; do
  proj="$work/p$n"
  if [[ ! -d "$proj/alembic/versions" ]]; then
    echo "generating $n revisions ..." >&2
    "$py" "$repo/tests/e2e/graphgen.py" bench "$n" "$proj" >/dev/null
  fi
  nfiles=$(find "$proj/alembic/versions" -name '*.py' | wc -l)
  kb=$(du -sk "$proj/alembic/versions" | cut -f1)

  m_out="$("$MIGLINT" -C "$proj" heads 2>&1 || true)"
  echo "timing miglint heads ($n) ..." >&2
  m_ms=$(median_ms "miglint-$n" "$runs" "$MIGLINT" -C "$proj" heads)

  a_ms="skipped"; ratio="-"; agree="-"
  if [[ $have_alembic == 1 && ( -z "$alembic_max" || $n -le $alembic_max ) ]]; then
    a_runs=$runs
    if [[ $n -ge 5000 && -z "${BENCH_RUNS:-}" ]]; then a_runs=3; fi
    a_out="$(cd "$proj" && "$py" -m alembic -c "$proj/alembic.ini" heads 2>/dev/null || true)"
    if [[ "$a_out" == "$m_out" ]]; then agree="yes"; else agree="NO"; fi
    echo "timing alembic heads ($n, $a_runs runs) ..." >&2
    a_ms=$(median_ms "alembic-$n" "$a_runs" "$py" -m alembic -c "$proj/alembic.ini" heads)
    ratio=$(awk -v a="$a_ms" -v m="$m_ms" 'BEGIN { if (m > 0) printf "%.1fx", a / m; else print "-" }')
  fi
  rows+=("$(printf '%-10s %-8s %-9s %14s %14s %10s %8s' "$n" "$nfiles" "${kb}K" "$m_ms" "$a_ms" "$ratio" "$agree")")
done

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo unknown)"
echo
echo "machine: $(nproc) CPUs, $cpu; $(uname -sr)"
echo "miglint: $MIGLINT ($("$MIGLINT" --version 2>/dev/null | head -1 || echo '?'))"
echo "alembic: $("$py" -c 'import alembic, sys; print(alembic.__version__, "on Python", sys.version.split()[0])' 2>/dev/null || echo 'not available')"
echo "timer: $(command -v hyperfine >/dev/null && hyperfine --version || echo 'date +%s%N loop'), median of runs, warm cache"
echo
printf '%-10s %-8s %-9s %14s %14s %10s %8s\n' "revisions" "files" "size" "miglint (ms)" "alembic (ms)" "alembic/ml" "same out"
for r in "${rows[@]}"; do echo "$r"; done

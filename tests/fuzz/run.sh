#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for a set time.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     (default: 120 s, every target)
#
# Targets: python_parser alembic_reader sql_reader config targets. FUZZ_JOBS=N runs N
# targets at once (default 1). The working corpus lives in $MIGLINT_FUZZ_BUILD_DIR/corpus
# and grows across runs; it is seeded from tests/fixtures, versions/ and tests/fuzz/seeds.
# A crash, leak or timeout is minimized and saved under tests/fuzz/regressions/<target>/,
# which tests/unit/fuzz_regressions_test.cpp replays in the normal suite. Exit status is
# 1 when any target found something.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
seconds=${1:-120}
shift || true
all=(python_parser alembic_reader sql_reader config targets)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
build=${MIGLINT_FUZZ_BUILD_DIR:-build/fuzz}
jobs=${FUZZ_JOBS:-1}

cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DMIGLINT_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

# seed DIR PATTERN [PREFIX]: copies matching files into the corpus DIR, optionally with a
# first byte prepended (the config target's format selector).
seed() {
  local dir=$1 pattern=$2 prefix=${3:-}
  while IFS= read -r -d '' f; do
    local name
    name=$(printf '%s' "$f" | cksum | cut -d' ' -f1)
    if [ -n "$prefix" ]; then
      { printf '%s' "$prefix"; cat "$f"; } >"$dir/seed-$name"
    else
      cp "$f" "$dir/seed-$name"
    fi
  done < <(find tests/fixtures versions -type f -name "$pattern" -print0 2>/dev/null)
}

prepare() {
  local t=$1 corpus=$build/corpus/$1
  mkdir -p "$corpus" "$build/artifacts/$t"
  case $t in
    python_parser|alembic_reader) seed "$corpus" '*.py' ;;
    sql_reader) seed "$corpus" '*.sql' ;;
    config)
      seed "$corpus" 'miglint.toml' 0
      seed "$corpus" 'pyproject.toml' 1 ;;
  esac
  for extra in tests/fuzz/seeds/$t tests/fuzz/regressions/$t; do
    [ -d "$extra" ] && cp -r "$extra/." "$corpus/"
  done
  return 0
}

run_one() {
  local t=$1 corpus=$build/corpus/$1 artifacts=$build/artifacts/$1 log=$build/fuzz-$1.log
  prepare "$t"
  local status=0
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
  local runs
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?')
  echo "fuzz_$t: $runs runs in ${seconds}s (exit $status, log $log)"
  shopt -s nullglob
  local found=0
  for crash in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
    found=1
    local kept=tests/fuzz/regressions/$t/$(basename "$crash")
    mkdir -p "tests/fuzz/regressions/$t"
    "$build/tests/fuzz/fuzz_$t" -minimize_crash=1 -runs=20000 -exact_artifact_path="$kept" "$crash" \
      >/dev/null 2>&1 || cp "$crash" "$kept"
    [ -s "$kept" ] || cp "$crash" "$kept"
    echo "fuzz_$t: FINDING $crash -> $kept"
    mv "$crash" "$crash.seen"
  done
  return $(( status != 0 || found ))
}

failed=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if ((${#pids[@]} >= jobs)); then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
exit "$failed"

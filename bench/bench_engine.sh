#!/usr/bin/env bash
# Benchmark: `miglint upgrade heads` and `miglint verify` against `alembic upgrade head`
# on the same generated history (native SQL for miglint, op.execute of the same SQL for
# Alembic), applied to a fresh SQLite file each run.
#
# Usage: bench/bench_engine.sh
# Environment:
#   MIGLINT=path        miglint binary (default: build Release into $BENCH_BUILD_DIR)
#   BENCH_BUILD_DIR=dir build directory (default: <repo>/build-bench)
#   BENCH_SIZE=N        revisions (default 1000)
#   BENCH_RUNS=N        runs per miglint command (default 3; Alembic runs once)
#   BENCH_WORK_DIR=dir  where the project goes (default: a temp dir, removed)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
size="${BENCH_SIZE:-1000}"
runs="${BENCH_RUNS:-3}"
py=/usr/bin/python3
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONDONTWRITEBYTECODE=1
unset DATABASE_URL ALEMBIC_DATABASE_URL

source "$here/common.sh"
use_release_miglint

work="${BENCH_WORK_DIR:-$(mktemp -d)}"
[[ -z "${BENCH_WORK_DIR:-}" ]] && trap 'rm -rf "$work"' EXIT
project="$work/engine-$size"
rm -rf "$project"
"$py" "$here/gen_engine_history.py" "$project" "$size"


m_up=$(for _ in $(seq "$runs"); do
  rm -f "$project/app.db"
  seconds "$MIGLINT" -C "$project" --versions sqlversions upgrade heads -q --db "$project/app.db"
done | median)
m_verify=$(for _ in $(seq "$runs"); do
  seconds "$MIGLINT" -C "$project" --versions sqlversions verify
done | median)
rm -f "$project/app.db"
a_up=$(cd "$project" && seconds "$py" -m alembic -c alembic.ini upgrade head)

printf 'revisions: %s, machine: %s cores, %s\n' "$size" "$(nproc)" "$(uname -sr)"
printf '%-34s %8.3f s\n' "alembic upgrade head" "$a_up"
printf '%-34s %8.3f s  (%.1fx faster)\n' "miglint upgrade heads" "$m_up" "$(echo "$a_up / $m_up" | bc -l)"
printf '%-34s %8.3f s  (%.1fx of alembic upgrade time)\n' "miglint verify (up, down, up each)" \
  "$m_verify" "$(echo "$a_up / $m_verify" | bc -l)"

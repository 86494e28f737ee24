#!/usr/bin/env bash
# Benchmark: `miglint upgrade heads` and `miglint verify` against `alembic upgrade head`
# on the same generated history (native SQL for miglint, op.execute of the same SQL for
# Alembic), applied to a fresh SQLite file each run. The project and its databases live on
# tmpfs (/dev/shm when there is one), so that the figures measure the tools rather than the
# disk: Alembic's SQLite connection commits each DDL statement, each one an fsync on disk.
#
# Usage: bench/bench_engine.sh
# Environment:
#   MIGLINT=path        miglint binary (default: build Release into $BENCH_BUILD_DIR)
#   BENCH_BUILD_DIR=dir build directory (default: <repo>/build-bench)
#   BENCH_SIZE=N        revisions (default 1000)
#   BENCH_RUNS=N        runs per miglint command (default 3; Alembic runs once)
#   BENCH_WORK_DIR=dir  where the project goes (default: a temp dir on /dev/shm, removed)
#   BENCH_ROWS=N        verify's --rows (default 3: sample rows on, as verify runs by default)
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

rows="${BENCH_ROWS:-3}"
tmpfs=/dev/shm
[[ -d "$tmpfs" && -w "$tmpfs" ]] || tmpfs="${TMPDIR:-/tmp}"
work="${BENCH_WORK_DIR:-$(mktemp -d "$tmpfs/miglint-bench.XXXXXX")}"
[[ -z "${BENCH_WORK_DIR:-}" ]] && trap 'rm -rf "$work"' EXIT
project="$work/engine-$size"
rm -rf "$project"
"$py" "$here/gen_engine_history.py" "$project" "$size"


m_up=$(for _ in $(seq "$runs"); do
  rm -f "$project/app.db"
  seconds "$MIGLINT" -C "$project" --versions sqlversions upgrade heads -q --db "$project/app.db"
done | median)
m_verify=$(for _ in $(seq "$runs"); do
  seconds "$MIGLINT" -C "$project" --versions sqlversions verify --rows "$rows"
done | median)
rm -f "$project/app.db"
a_up=$(cd "$project" && seconds "$py" -m alembic -c alembic.ini upgrade head)
floor=$("$py" "$here/sqlite_floor.py" "$size")

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)"
printf 'revisions: %s, machine: %s cores (%s), %s, load %s, databases on %s (%s)\n' \
  "$size" "$(nproc)" "${cpu:-unknown cpu}" "$(uname -sr)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$work" "$(df --output=fstype "$work" 2>/dev/null | tail -n1)"
printf '%-44s %8.3f s\n' "alembic upgrade head" "$a_up"
printf '%-44s %8.3f s  (%.2fx faster)\n' "miglint upgrade heads" "$m_up" "$(echo "$a_up / $m_up" | bc -l)"
printf '%-44s %8.3f s  (%.2fx faster than alembic upgrade head)\n' \
  "miglint verify --rows $rows (up, down, up each)" "$m_verify" "$(echo "$a_up / $m_verify" | bc -l)"
printf '%-44s %8.3f s  (the statements verify runs, nothing compared)\n' \
  "sqlite3 alone, same statements as verify" "$floor"

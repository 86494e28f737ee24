#!/usr/bin/env bash
# Benchmark: `miglint upgrade head` then `miglint downgrade base` against the alembic CLI
# doing the same, on one PostgreSQL server started for the run (tests/e2e/pg_server.py:
# initdb in a temp dir, loopback TCP, fsync off), on a generated history of Alembic
# revisions that op.execute PostgreSQL DDL, so that both tools run the same statements.
# Each run starts from a freshly created database.
#
# Usage: bench/bench_pg.sh
# Environment:
#   MIGLINT=path        miglint binary (default: build Release into $BENCH_BUILD_DIR)
#   BENCH_BUILD_DIR=dir build directory (default: <repo>/build-bench)
#   BENCH_SIZE=N        revisions (default 1000)
#   BENCH_RUNS=N        runs per command and tool (default 3; the median is printed)
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

work="${BENCH_WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/miglint-bench-pg.XXXXXX")}"
project="$work/pg-$size"
rm -rf "$project"

# The server lives as long as this coprocess: it prints its port, then stops and removes
# its data directory when its stdin closes, when this script's process goes away, or on
# SIGTERM/SIGHUP, whatever ends the run.
coproc PG { "$py" -c '
import os, select, signal, sys
sys.path.insert(0, sys.argv[1])
from pg_server import Server
def leave(*_):
    raise SystemExit(0)
signal.signal(signal.SIGTERM, leave)
signal.signal(signal.SIGHUP, leave)
parent = os.getppid()
s = Server().start()
print(s.port, flush=True)
try:
    while os.getppid() == parent:
        ready, _, _ = select.select([sys.stdin], [], [], 1.0)
        if ready and not os.read(sys.stdin.fileno(), 4096):
            break
finally:
    s.stop()
' "$repo/tests/e2e"; }
pg_in="${PG[1]}"
pg_pid="$PG_PID"
read -r port <&"${PG[0]}"
cleanup() {
  exec {pg_in}>&-
  wait "$pg_pid" 2>/dev/null || true
  if [[ -z "${BENCH_WORK_DIR:-}" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

password=$("$py" -c 'import sys; sys.path.insert(0, sys.argv[1]); import pg_server; print(pg_server.PASSWORD)' "$repo/tests/e2e")
url="postgresql://postgres:$password@127.0.0.1:$port/bench"
head=$("$py" "$here/gen_pg_history.py" "$project" "$size" "$url")

psql_() { PGPASSWORD="$password" PGOPTIONS='-c client_min_messages=warning' psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }
fresh_database() { psql_ -d postgres -c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench'; }
expect_version() {
  local rows
  rows=$(psql_ -d bench -c 'SELECT string_agg(version_num, $$,$$) FROM alembic_version')
  [[ "$rows" == "$1" ]] || { echo "expected version rows '$1', found '$rows'" >&2; exit 1; }
}

declare -A times
for tool in miglint alembic; do
  for _ in $(seq "$runs"); do
    fresh_database
    if [[ $tool == miglint ]]; then
      up=$(seconds "$MIGLINT" -C "$project" upgrade head -q --db "$url")
      expect_version "$head"
      down=$(seconds "$MIGLINT" -C "$project" downgrade base -q --db "$url")
    else
      up=$(cd "$project" && seconds "$py" -m alembic -c alembic.ini upgrade head)
      expect_version "$head"
      down=$(cd "$project" && seconds "$py" -m alembic -c alembic.ini downgrade base)
    fi
    expect_version ""
    times[$tool-up]+="$up "
    times[$tool-down]+="$down "
  done
done
med() { tr ' ' '\n' <<<"$1" | grep . | median; }

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)"
server="$(psql_ -d postgres -c 'SHOW server_version')"
printf 'revisions: %s, PostgreSQL %s (loopback TCP, fsync off), machine: %s cores (%s), %s, load %s, median of %s runs\n' \
  "$size" "$server" "$(nproc)" "${cpu:-unknown cpu}" "$(uname -sr)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs"
for step in up down; do
  name=$([[ $step == up ]] && echo "upgrade head" || echo "downgrade base")
  a=$(med "${times[alembic-$step]}")
  m=$(med "${times[miglint-$step]}")
  printf '%-28s %8.3f s\n' "alembic $name" "$a"
  printf '%-28s %8.3f s  (%.2fx faster)\n' "miglint $name" "$m" "$(echo "$a / $m" | bc -l)"
done

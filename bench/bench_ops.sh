#!/usr/bin/env bash
# Benchmark: `upgrade head` then `downgrade base` of a generated Alembic project whose
# revisions are op.* bodies (bench/gen_ops_history.py), miglint against the alembic CLI in
# the same run, each on a fresh SQLite file. Run twice: in a directory on disk, where both
# tools wait on fsync (Alembic commits every DDL statement, miglint every revision), and
# on tmpfs (/dev/shm), where the work itself is measured. The schemas at head are compared.
# A third line replays the statements miglint ran (`--echo`) in the sqlite3 shell: the
# time SQLite itself needs for them.
#
# Usage: bench/bench_ops.sh
# Environment:
#   MIGLINT=path        miglint binary (default: build Release into $BENCH_BUILD_DIR)
#   BENCH_BUILD_DIR=dir build directory (default: <repo>/build-bench)
#   BENCH_SIZE=N        revisions (default 1000)
#   BENCH_RUNS=N        runs of miglint per place (default 3, median; Alembic runs once)
#   BENCH_DISK_DIR=dir  the on-disk place (default: a temp dir under $TMPDIR or /tmp)
#   BENCH_SKIP_DISK=1   only tmpfs
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

places=()
[[ "${BENCH_SKIP_DISK:-0}" == 1 ]] || places+=("disk:$(mktemp -d "${BENCH_DISK_DIR:-${TMPDIR:-/tmp}}/miglint-ops.XXXXXX")")
[[ -d /dev/shm && -w /dev/shm ]] && places+=("tmpfs:$(mktemp -d /dev/shm/miglint-ops.XXXXXX)")
cleanup() { for p in "${places[@]}"; do rm -rf "${p#*:}"; done; }
trap cleanup EXIT

schema() { # the structural schema of an SQLite file, for comparing the two tools
  "$py" - "$1" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
    q = '"%s"' % name
    print(name, con.execute("PRAGMA table_info(%s)" % q).fetchall(),
          sorted(con.execute("PRAGMA foreign_key_list(%s)" % q).fetchall()),
          sorted((r[1], r[2], con.execute('PRAGMA index_info("%s")' % r[1]).fetchall())
                 for r in con.execute("PRAGMA index_list(%s)" % q)))
PY
}

printf 'revisions: %s; machine: %s CPUs, %s; %s; alembic %s\n' "$size" "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(uname -sr)" \
  "$("$py" -c 'import alembic; print(alembic.__version__)')"
printf '%-6s %-8s %12s %12s %12s %9s\n' place tool "upgrade (s)" "downgrade (s)" "total (s)" ratio
for place in "${places[@]}"; do
  kind="${place%%:*}" project="${place#*:}/project"
  "$py" "$here/gen_ops_history.py" "$project" "$size"
  cd "$project"
  rm -f app.db
  a_up=$(seconds "$py" -m alembic upgrade head)
  schema app.db >alembic.schema
  a_down=$(seconds "$py" -m alembic downgrade base)
  m_up=() m_down=()
  for _ in $(seq "$runs"); do
    rm -f app.db
    m_up+=("$(seconds "$MIGLINT" upgrade head -q)")
    schema app.db >miglint.schema
    m_down+=("$(seconds "$MIGLINT" downgrade base -q)")
  done
  cmp -s alembic.schema miglint.schema || { echo "the schemas at head differ ($kind)" >&2; exit 1; }
  mu=$(printf '%s\n' "${m_up[@]}" | median) md=$(printf '%s\n' "${m_down[@]}" | median)
  a_total=$(echo "$a_up + $a_down" | bc) m_total=$(echo "$mu + $md" | bc)
  printf '%-6s %-8s %12.3f %12.3f %12.3f\n' "$kind" alembic "$a_up" "$a_down" "$a_total"
  printf '%-6s %-8s %12.3f %12.3f %12.3f %8.1fx\n' "$kind" miglint "$mu" "$md" "$m_total" \
    "$(echo "$a_total / $m_total" | bc -l)"
  # SQLite's share: the statements miglint ran (--echo), replayed by the sqlite3 shell
  # with no interpretation at all; miglint's own work is the difference.
  if command -v sqlite3 >/dev/null; then
    rm -f app.db replay.db
    "$MIGLINT" upgrade head -q --echo 2>upgrade.sql
    "$MIGLINT" downgrade base -q --echo 2>downgrade.sql
    s_up=$(seconds sh -c 'sqlite3 replay.db <upgrade.sql')
    s_down=$(seconds sh -c 'sqlite3 replay.db <downgrade.sql')
    s_total=$(echo "$s_up + $s_down" | bc)
    printf '%-6s %-8s %12.3f %12.3f %12.3f %8.1fx  (miglint'"'"'s statements in the sqlite3 shell)\n' \
      "$kind" sqlite3 "$s_up" "$s_down" "$s_total" "$(echo "$a_total / $s_total" | bc -l)"
  fi
  cd - >/dev/null
done
echo "same schema at head: yes"

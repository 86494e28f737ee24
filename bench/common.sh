# What the benchmark scripts share; sourced, not run.
#   use_release_miglint   sets MIGLINT to an absolute path: $MIGLINT as given, or a Release
#                         build of this checkout in $BENCH_BUILD_DIR (default <repo>/build-bench)
#   seconds CMD...        runs CMD quietly and prints its wall time in seconds (exits on failure)
#   median                the median of the numbers on stdin, one a line

use_release_miglint() {
  local repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if [[ -z "${MIGLINT:-}" ]]; then
    local build="${BENCH_BUILD_DIR:-$repo/build-bench}"
    echo "building miglint (Release) in $build ..." >&2
    cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$build" --target miglint -j "$(nproc)" >/dev/null
    MIGLINT="$build/miglint"
  fi
  MIGLINT="$(cd "$(dirname "$MIGLINT")" && pwd)/$(basename "$MIGLINT")"
}

seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

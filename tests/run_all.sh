#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every unit and end-to-end test;
# then builds again with AddressSanitizer + UndefinedBehaviorSanitizer and runs the suite on
# that build too (MIGLINT_SKIP_SANITIZERS=1 skips this second pass).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps
build=${MIGLINT_BUILD_DIR:-build/test}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 900

if [ "${MIGLINT_SKIP_SANITIZERS:-0}" = 1 ]; then
  exit 0
fi
# -O0 compiles in about half the time of -O1 (the suite is bound by processes and I/O, not
# by the sanitized code); -g1 is enough for file:line in reports.
asan=${MIGLINT_ASAN_BUILD_DIR:-build/asan}
cmake -S . -B "$asan" -DMIGLINT_SANITIZE=ON -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_FLAGS="-O0 -g1" >/dev/null
cmake --build "$asan" -j "$(nproc)"
# Every test, except the end-to-end ones that spend their time in real Alembic
# (they exercise the same miglint code paths as the unit and other e2e tests, and would
# double the run time under the sanitizers), the parser's speed test (a time bound for
# an optimized build; its input is parsed by the other parser tests), and the pre-commit
# build-on-first-use test (it builds and runs a Release miglint of its own, not this
# sanitized one, so it would only repeat the first pass's minutes of compiling), and the
# packages test (what ships is the first pass's build, not a sanitized one).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
ctest --test-dir "$asan" --output-on-failure -j "$(nproc)" --timeout 900 \
  -E '^(e2e\.test_(alembic_parity|ops_parity|ops_random_parity|engine_alembic_interop|hook_build|packages)|a 10 MB file parses quickly)$'

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
# One more test than cores: the end-to-end tests spend part of their time waiting on
# processes, lock timeouts and the PostgreSQL server.
jobs=$(( $(nproc) + 1 ))
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 900

if [ "${MIGLINT_SKIP_SANITIZERS:-0}" = 1 ]; then
  exit 0
fi
# -O0 compiles in about half the time of -O1 (the suite is bound by processes and I/O, not
# by the sanitized code); -g1 is enough for file:line in reports.
asan=${MIGLINT_ASAN_BUILD_DIR:-build/asan}
cmake -S . -B "$asan" -DMIGLINT_SANITIZE=ON -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_FLAGS="-O0 -g1" >/dev/null
cmake --build "$asan" -j "$(nproc)"
# The sanitizers watch the code that reads, parses and interprets what users hand miglint:
# every unit test, and the end-to-end tests of hostile input, faults, the interpreter and
# verify. Left out: the tests that spend their time in real Alembic or git and the hook
# machinery, PostgreSQL's parity tests among them (the same miglint code paths as the tests
# kept, at twice the run time under the sanitizers), and the
# build-on-first-use and packages tests (they build or ship the first pass's miglint, not
# this one). The 100,000-revision chain of test_limits is 20,000 here: scale is the first
# pass's business, memory errors this pass's.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export MIGLINT_LIMITS_CHAIN=20000
ctest --test-dir "$asan" --output-on-failure -j "$jobs" --timeout 900 \
  -E '^(e2e\.test_(alembic_parity|ops_parity|ops_random_parity|engine_alembic_interop|hook_build|packages|git|hooks|hook_scope|fixers|two_heads_fix|engine_concurrency|lint_precision|engine_verify|pg_engine|pg_ops_parity))$'

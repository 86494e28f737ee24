#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every unit and end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps
build=${MIGLINT_BUILD_DIR:-build/test}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 900

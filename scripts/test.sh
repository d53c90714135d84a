#!/usr/bin/env bash
# Builds volley and runs every test: unit and integration tests on the Release build, the same
# tests again on an AddressSanitizer + UndefinedBehaviorSanitizer build, and the benchmark in its
# quick form so that it cannot rot (it checks that the benchmark runs, not how fast).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

echo "== tests (Release)"
ctest --test-dir build --output-on-failure -j2 --timeout 300

echo "== tests (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVOLLEY_SANITIZE=ON >/dev/null
cmake --build build-asan -j2
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j2 --timeout 300

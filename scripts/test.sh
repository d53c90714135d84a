#!/usr/bin/env bash
# Builds volley and runs every test: unit and integration tests on the Release build, the same
# tests again on an AddressSanitizer + UndefinedBehaviorSanitizer build, and the benchmark in its
# quick form so that it cannot rot (it checks that the benchmark runs, not how fast).
set -euo pipefail
cd "$(dirname "$0")/.."

# nginx serves the HTTP/2 integration test (Python's standard library has no HTTP/2 server).
VOLLEY_EXTRA_PACKAGES="nginx" scripts/setup.sh

# Each ctest run's "N tests failed out of M" line feeds the closing count.
counts=()
run_ctest() {
  local log=$1
  shift
  "$@" ctest --output-on-failure -j2 --timeout 300 | tee "$log"
  counts+=("$(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$log" | awk '{ print $6 - $1, $1 }')")
}

echo "== tests (Release)"
run_ctest build/ctest.log env --chdir=build

echo "== tests (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVOLLEY_SANITIZE=ON >/dev/null
cmake --build build-asan -j2
run_ctest build-asan/ctest.log env --chdir=build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The extraction code reads hostile bytes; a short libFuzzer run catches what fixtures miss.
if command -v clang++ >/dev/null 2>&1; then
  echo "== fuzz (extract, 30 s)"
  cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DVOLLEY_FUZZ=ON -DBUILD_TESTING=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build-fuzz -j2 --target extract_fuzz
  mkdir -p build-fuzz/corpus
  # libFuzzer logs every new input; the whole log is shown only when it finds something.
  if ! build-fuzz/extract_fuzz -max_total_time=30 -rss_limit_mb=2048 build-fuzz/corpus tests/fixtures \
    >build-fuzz/fuzz.log 2>&1; then
    cat build-fuzz/fuzz.log
    exit 1
  fi
  tail -n 3 build-fuzz/fuzz.log
else
  echo "== fuzz skipped: clang++ not found"
fi

echo "== benchmark (quick: checks that it runs, not how fast)"
scripts/bench.sh --quick | tee build/bench-quick.md
grep -q '^bench: done' build/bench-quick.md

read -r p1 f1 <<<"${counts[0]}"
read -r p2 f2 <<<"${counts[1]}"
echo "test.sh: $((p1 + p2)) passed, $((f1 + f2)) failed"

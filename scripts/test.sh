#!/usr/bin/env bash
# Builds volley and runs every test: unit and integration tests on the Release build, the same
# tests again on an AddressSanitizer + UndefinedBehaviorSanitizer build, short fuzz runs of the
# extractor, the robots.txt rules and the sitemap reader, and the benchmark in its quick form so
# that it cannot rot (it checks that the benchmark runs, not how fast).
#
# One line per stage with its result and time; a failing stage prints its log's failures in full.
# Every log stays in build/test-logs/. The last line is "test.sh: N passed, N failed" (ctest's
# counts over both builds); the exit status is 1 when any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."

logs=build/test-logs
mkdir -p "$logs"
passed=0
failed=0
broken=()

# stage NAME LOG CMD...: runs CMD with its output in LOG, prints NAME, the result and the time.
stage() {
  local name=$1 log=$2
  shift 2
  printf '%-30s' "$name"
  local t0=$SECONDS rc=0
  "$@" >"$log" 2>&1 || rc=$?
  if [ $rc -eq 0 ]; then
    printf 'ok      %4ds\n' $((SECONDS - t0))
  else
    printf 'FAILED  %4ds  (exit %d, log %s)\n' $((SECONDS - t0)) $rc "$log"
    broken+=("$name")
  fi
  return $rc
}

# A failed ctest run shows each failing test's output and the summary, not the passing lines.
ctest_stage() {
  local name=$1 dir=$2
  shift 2
  local log=$logs/ctest-$(basename "$dir").log
  if ! stage "$name" "$log" env --chdir="$dir" "$@" ctest --output-on-failure -j2 --timeout 300; then
    grep -Ev '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* +Passed +[0-9.]+ sec$' "$log"
  fi
  local counts
  counts=$(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
  if [ -n "$counts" ]; then
    read -r f _ _ _ _ total <<<"$counts"
    passed=$((passed + total - f))
    failed=$((failed + f))
  fi
}

# nginx serves the HTTP/2 integration test (Python's standard library has no HTTP/2 server); jq
# runs the docs' examples (test_docs.py).
if ! stage "setup + build (Release)" "$logs/setup.log" env VOLLEY_EXTRA_PACKAGES="nginx jq" scripts/setup.sh; then
  tail -n 40 "$logs/setup.log"
  echo "test.sh: 0 passed, 1 failed"
  exit 1
fi
ctest_stage "tests (Release)" build

asan_build() {
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVOLLEY_SANITIZE=ON && cmake --build build-asan -j2
}
if stage "build (ASan + UBSan)" "$logs/build-asan.log" asan_build; then
  ctest_stage "tests (ASan + UBSan)" build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  tail -n 40 "$logs/build-asan.log"
fi

# The extraction, robots.txt and sitemap code read hostile bytes; short libFuzzer runs catch what
# fixtures miss. The HTML scanner's run against gumbo has a fixed seed and count, so CI replays the inputs
# a run here passed: longer runs hunt for differences outside CI (docs/behaviour.md).
fuzz() {
  cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DVOLLEY_FUZZ=ON -DBUILD_TESTING=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
    cmake --build build-fuzz -j2 --target extract_fuzz robots_fuzz sitemap_fuzz html_fuzz &&
    mkdir -p build-fuzz/corpus build-fuzz/robots-corpus build-fuzz/sitemap-corpus build-fuzz/html-corpus &&
    build-fuzz/extract_fuzz -max_total_time=20 -rss_limit_mb=2048 build-fuzz/corpus tests/fixtures &&
    build-fuzz/robots_fuzz -max_total_time=10 -rss_limit_mb=2048 build-fuzz/robots-corpus &&
    build-fuzz/sitemap_fuzz -max_total_time=10 -rss_limit_mb=2048 build-fuzz/sitemap-corpus tests/fuzz/sitemap_seeds &&
    build-fuzz/html_fuzz -seed=1 -runs=100000 -max_len=2048 -rss_limit_mb=2048 -dict=tests/fuzz/html_fuzz.dict \
      build-fuzz/html-corpus tests/fixtures
}
if command -v clang++ >/dev/null 2>&1; then
  stage "fuzz (extract, robots, sitemap, html vs gumbo: ~60 s)" "$logs/fuzz.log" fuzz || tail -n 60 "$logs/fuzz.log"
else
  printf '%-30s%s\n' "fuzz" "skipped: clang++ not found"
fi

bench() { scripts/bench.sh --quick && grep -q '^bench: done' "$logs/bench.log"; }
stage "benchmark (quick)" "$logs/bench.log" bench || tail -n 40 "$logs/bench.log"

echo "test.sh: $passed passed, $failed failed"
if [ ${#broken[@]} -gt 0 ]; then
  echo "test.sh: failed stages: ${broken[*]}"
  exit 1
fi

#!/usr/bin/env bash
# Set up, build and run every test: the Release build (unit, CLI, regression,
# system, bench smoke) and the fuzz targets' deterministic runs, then the same
# tests under ASan+UBSan, then the threaded engine under TSan.
#   scripts/test.sh [--quick]   (--quick: the Release build's tests only)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"

jobs=$(nproc)
run_ctest() {  # dir, extra ctest args...
  local dir=$1; shift
  (cd "$dir" && ctest --output-on-failure -j"$jobs" "$@")
}

echo "== Release build" >&2
dir=$("$root/scripts/build.sh" release)
run_ctest "$dir"

if [ "${1:-}" = "--quick" ]; then exit 0; fi

echo "== Fuzz targets (clang, ASan+UBSan): corpus replay, then 20,000 runs each with -seed=1" >&2
dir=$("$root/scripts/build.sh" fuzz)
run_ctest "$dir" -L system

echo "== ASan + UBSan build" >&2
dir=$("$root/scripts/build.sh" asan)
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest "$dir" -LE 'slow|system'

echo "== TSan build (the threaded engine)" >&2
dir=$("$root/scripts/build.sh" tsan)
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  run_ctest "$dir" -R 'commit|key_set|write_behind|distinct counts|near seen|key counter|cli_near|cli_diversity|cli_determinism|cli_pipes|cli_dedup|cli_select|cli_run|cli_shard|cli_stats|cli_gate|cli_filter|cli_tasks|cli_merge'

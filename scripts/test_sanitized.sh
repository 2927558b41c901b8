#!/usr/bin/env bash
# Builds tinyc with AddressSanitizer + UndefinedBehaviorSanitizer (scripts/build_sanitized.sh, build-san/)
# and runs the tests under them. Default: every test case not tagged [slow], shared
# over the cores, plus the fuzz targets over their seeds and saved inputs (what CI runs). `--slow`:
# only the [slow] ones (the rest of the suite); `--all`: every test case. Any sanitizer report
# fails the run. Assumes scripts/setup.sh has run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-san"
case "${1:-}" in
  "") spec=("~[slow]") ;;
  --slow) spec=("[slow]") ;;
  --all) spec=() ;;
  *) echo "usage: scripts/test_sanitized.sh [--slow | --all]" >&2; exit 2 ;;
esac

"$root/scripts/build_sanitized.sh"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$build"
# Catch2 v2 has no sharding: list the selected test cases, deal them round-robin to one file per core,
# and run one test binary per file.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tests="$build/tests/tinyc_tests"
# (Catch exits with the number of test cases it listed; in a name file, ',', '[', ']', '*' and '\' are escaped.)
{ "$tests" --list-test-names-only "${spec[@]}" || true; } | sed '/^$/d; s/[],[\\*]/\\&/g' >"$work/all"
shards="$(nproc)"
awk -v n="$shards" -v dir="$work" '{ print > (dir "/shard" (NR % n)) }' "$work/all"
echo "running $(wc -l <"$work/all") test cases under ASan+UBSan on $shards cores"
pids=()
for shard in "$work"/shard*; do
  # Line-buffered, with each case's duration: a long run shows where it is in the logs.
  (cd "$root" && stdbuf -oL "$tests" -f "$shard" -d yes >"$shard.log" 2>&1) &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then failed=1; fi
done
for shard in "$work"/shard*.log; do tail -n 3 "$shard"; done
if [[ $failed -ne 0 ]]; then
  for shard in "$work"/shard*.log; do grep -n -B2 -A30 "FAILED\|ERROR: AddressSanitizer\|runtime error" "$shard" | head -200 || true; done
  echo "sanitized tests failed" >&2
  exit 1
fi
ctest --output-on-failure -R "^fuzz target"

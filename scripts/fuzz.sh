#!/usr/bin/env bash
# Fuzzes tinyc's readers and pipeline: runs each libFuzzer target (tests/fuzz) for SECONDS (default 60),
# two at a time, under ASan + UBSan, and prints executions, speed and findings per target.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   targets: onnx_import npy tflite pipeline compress
# Corpora grow in build-san/fuzz/<target>/corpus (seeded from the shared corpus, ONNX's node tests and
# tests/fuzz/seeds); a finding is saved as build-san/fuzz/<target>/crash-* (or timeout-*, oom-*): minimize
# it with `<target>_fuzz -minimize_crash=1 FILE`, fix the bug, and add the input to
# tests/fuzz/regressions/<target>/ so every build replays it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(onnx_import npy tflite pipeline compress)
corpus="$root/../shared/corpus"
fuzz_dir="$root/tests/fuzz"
work="$root/build-san/fuzz"

"$root/scripts/build_sanitized.sh"

# Small .tflite seeds written by tinyc itself: the int8 digits models and float single-op models from
# ONNX's node tests (the MLPerf Tiny files are 54 KiB and more, too slow to mutate and run).
tflite_seeds() {
  local dest="$work/tflite/generated" tinyc="$root/build-san/apps/tinyc/tinyc"
  mkdir -p "$dest"
  for m in digits_mlp digits_cnn; do
    "$tinyc" -q compress "$corpus/models/$m.onnx" --int8 --calib "$corpus/data/digits_calib.npy" -o "$dest/$m.tflite" >/dev/null
  done
  for t in conv_with_strides_padding maxpool_2d_pads averagepool_2d_pads relu sigmoid softmax_axis_1 gemm_default_no_bias \
    add concat_2d_axis_0 transpose_default reshape_reordered_all_dims globalaveragepool tanh; do
    "$tinyc" -q compress "/usr/share/libonnx-testdata/data/node/test_$t/model.onnx" -o "$dest/$t.tflite" >/dev/null 2>&1 || true
  done
}

# Copies the seed files of a target (at most 32 KiB each: mutating larger inputs is slow) into its corpus.
seed() {
  local target="$1" dest="$work/$1/corpus"
  mkdir -p "$dest"
  local sources=()
  case "$target" in
    onnx_import) sources=("$corpus"/models/digits_*.onnx /usr/share/libonnx-testdata/data/node/*/model.onnx) ;;
    npy) sources=("$fuzz_dir"/seeds/npy/* "$corpus"/data/*labels.npy) ;;
    tflite) tflite_seeds && sources=("$work"/tflite/generated/*.tflite) ;;
    pipeline) sources=("$fuzz_dir"/seeds/pipeline/*) ;;
    compress) sources=("$fuzz_dir"/seeds/compress/*) ;;
  esac
  [[ -d "$fuzz_dir/regressions/$target" ]] && sources+=("$fuzz_dir/regressions/$target"/*)
  local i=0
  for f in "${sources[@]}"; do
    [[ -f "$f" && $(stat -c %s "$f") -le 32768 ]] && cp "$f" "$dest/seed_$((i++))_$(basename "$f")"
  done
  return 0
}

run() {
  local target="$1" dict=() dir="$work/$1"
  [[ -f "$fuzz_dir/$target.dict" ]] && dict=(-dict="$fuzz_dir/$target.dict")
  [[ "$target" == onnx_import ]] && dict=(-dict="$fuzz_dir/onnx.dict")
  ASAN_OPTIONS="detect_leaks=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$root/build-san/tests/fuzz/${target}_fuzz" "$dir/corpus" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2560 -max_len=32768 -print_final_stats=1 -artifact_prefix="$dir/" "${dict[@]}" \
    >"$dir/log" 2>&1 || true
}

for t in "${targets[@]}"; do
  rm -f "$work/$t"/crash-* "$work/$t"/timeout-* "$work/$t"/oom-* "$work/$t"/leak-*
  seed "$t"
done
# Two targets at a time (one per core on the 2-core reference machine).
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[$i]}" &
  [[ $((i + 1)) -lt ${#targets[@]} ]] && run "${targets[$((i + 1))]}" &
  wait
done

status=0
printf '%-12s %12s %10s %9s %s\n' target executions exec/s corpus findings
for t in "${targets[@]}"; do
  log="$work/$t/log"
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{print $2}' | tail -1)
  findings=$(find "$work/$t" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  printf '%-12s %12s %10s %9s %s\n' "$t" "${runs:-?}" "${speed:-?}" "$(ls "$work/$t/corpus" | wc -l)" "$findings"
  if [[ "$findings" -ne 0 || -z "$runs" ]]; then
    status=1
    grep -m1 -A12 "ERROR\|runtime error\|deadly signal\|Timeout\|out-of-memory" "$log" || tail -20 "$log"
  fi
done
exit $status

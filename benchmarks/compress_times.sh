#!/usr/bin/env bash
# Wall time of the compress step users put in CI, per corpus model: `tinyc compress --int8 --calib
# <calibration split> --eval <test split> --labels <its labels>` (goal ≤ 10 s on 2 cores) and the same
# with `--prune 0.5` (goal ≤ 20 s), and structured `--prune 0.5 --calib` alone (pruning's pipeline
# time; goal ≤ 5 s on fmnist_resnet8). The peer, measured in the same run: ONNX Runtime evaluating
# the float model over the same test rows (ort_throughput.js: the best of 3 timed runs inside the
# process, so without its start-up). Each tinyc time is the best of TINYC_RUNS runs (default 2) of
# the whole process.
#   benchmarks/compress_times.sh [build_dir] [models...]
set -euo pipefail
name=compress_times
models=(digits_mlp digits_cnn fmnist_mlp fmnist_cnn_bn fmnist_dscnn fmnist_resnet8 fmnist_autoencoder)
source "$(dirname "$0")/corpus_runs.sh"
"$root/scripts/install_onnxruntime.sh"
runs="${TINYC_RUNS:-2}"

# The best wall seconds of `runs` runs of `tinyc ARGS...`.
best_seconds() {
  local best="" start seconds
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    "$tinyc" "$@" >/dev/null 2>&1
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    if [ -z "$best" ] || [ "$(echo "$seconds < $best" | bc)" = 1 ]; then best=$seconds; fi
  done
  printf "%.2f" "$best"
}

manifest() { node -e "process.stdout.write(require('$corpus/manifest.json').models['$1']['$2'])"; }
# Rows of an .npy file: the first dim of the shape in its header.
npy_rows() {
  node -e "const b = require('fs').readFileSync(process.argv[1]);
    const header = b.toString('latin1', 10, 10 + b.readUInt16LE(8));
    process.stdout.write(header.match(/'shape': \\((\\d+)/)[1]);" "$1"
}

echo "threads: $(nproc), best of $runs runs"
echo "| model | eval rows | ORT float eval s | --int8 + eval s | + --prune 0.5 s | --prune 0.5 alone s |"
echo "|---|---:|---:|---:|---:|---:|"
for model in "${models[@]}"; do
  onnx="$corpus/models/$model.onnx"
  calib="$corpus/$(manifest "$model" calib_data)"
  test="$corpus/$(manifest "$model" eval_data)"
  labels="$corpus/$(manifest "$model" eval_labels)"
  rows=$(npy_rows "$test")
  ort=$(node -e "process.stdout.write(String(JSON.parse(process.argv[1]).seconds))" \
    "$(node "$root/benchmarks/ort_throughput.js" "$onnx" "$test" "$(nproc)")")
  evaluated=(compress "$onnx" --int8 --calib "$calib" --eval "$test" --labels "$labels" -o "$work/m.tflite")
  printf "| %s | %s | %.2f | %s | %s | %s |\n" "$model" "$rows" "$ort" \
    "$(best_seconds "${evaluated[@]}")" "$(best_seconds "${evaluated[@]}" --prune 0.5)" \
    "$(best_seconds compress "$onnx" --prune 0.5 --calib "$calib" -o "$work/p.tflite")"
done

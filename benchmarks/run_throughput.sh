#!/usr/bin/env bash
# Throughput of tinyc's float executor vs ONNX Runtime on every corpus model: same data, same
# thread count, same run. Prints a table of samples/s and ratios (tinyc / ORT). The last columns are
# tinyc's int8 model (`compress --int8` with the corpus calibration rows, float edges) run by the same
# executor over the same rows, and ONNX Runtime running tinyc's `--format onnx-qdq` export of the same
# int8 model. Every column is the best of 3 timed runs after a warm-up, timed inside the process.
#   benchmarks/run_throughput.sh [build_dir] [threads]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
threads="${2:-$(nproc)}"
corpus="$root/../shared/corpus"
bench="$build/benchmarks/tinyc_throughput"
[ -x "$bench" ] || { echo "run_throughput: build first (missing $bench)" >&2; exit 1; }
"$root/scripts/install_onnxruntime.sh"

field() { node -e "process.stdout.write(String(JSON.parse(process.argv[1])['$2']))" "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

printf "threads: %s\n" "$threads"
tinyc="$build/apps/tinyc/tinyc"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Samples/s of tinyc's int8 executor on the model's int8 blob, timed inside as the float runs.
int8_rate() {
  local onnx="$1" calib="$2" data="$3"
  "$tinyc" compress "$onnx" --int8 --calib "$calib" --io-type float32 -o "$work/m.tflite" >/dev/null 2>&1
  field "$("$bench" "$work/m.tflite" "$data" "$threads" 32)" samples_per_s
}

"$tinyc" --version  # names the instruction set of the int8 kernels
printf "%-20s %6s %14s %16s %16s %9s %9s %12s %10s %12s %13s\n" model rows "ORT samples/s" "tinyc batch 1" \
  "tinyc stacked" "ratio b1" "ratio st" "tinyc int8" "int8/ORT" "ORT qdq" "int8/ORT qdq"
for model in digits_mlp digits_cnn fmnist_mlp fmnist_cnn_bn fmnist_dscnn fmnist_resnet8 fmnist_autoencoder; do
  data="$corpus/$(node -e "const m=require('$corpus/manifest.json').models['$model'];process.stdout.write(m.eval_data)")"
  calib="$corpus/$(node -e "const m=require('$corpus/manifest.json').models['$model'];process.stdout.write(m.calib_data)")"
  onnx="$corpus/models/$model.onnx"
  ort=$(node "$root/benchmarks/ort_throughput.js" "$onnx" "$data" "$threads")
  one=$("$bench" "$onnx" "$data" "$threads" 1)
  stacked=$("$bench" "$onnx" "$data" "$threads" 32)
  o=$(field "$ort" samples_per_s); a=$(field "$one" samples_per_s); s=$(field "$stacked" samples_per_s)
  q=$(int8_rate "$onnx" "$calib" "$data")
  "$tinyc" compress "$onnx" --int8 --calib "$calib" --format onnx-qdq -o "$work/q.onnx" >/dev/null 2>&1
  p=$(field "$(node "$root/benchmarks/ort_throughput.js" "$work/q.onnx" "$data" "$threads")" samples_per_s)
  printf "%-20s %6s %14.0f %16.0f %16.0f %9s %9s %12.0f %10s %12.0f %13s\n" "$model" "$(field "$ort" rows)" "$o" "$a" \
    "$s" "$(ratio "$a" "$o")" "$(ratio "$s" "$o")" "$q" "$(ratio "$q" "$o")" "$p" "$(ratio "$q" "$p")"
done

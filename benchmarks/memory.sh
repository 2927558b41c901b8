#!/usr/bin/env bash
# Flash and RAM of tinyc's .tflite files under TensorFlow Lite Micro (the table of docs/benchmarks.md):
# per corpus model (default int8), blob bytes vs constant bytes (buffers), quantization parameter
# bytes (scale and zero point lists) and the FlatBuffer tables around them, and TFLM's measured activation arena
# (head) with TFLM's own plan (--no-memory-plan) vs with tinyc's stored plan vs the lower bound, TFLM's
# measured tail on this host and tinyc's 32-bit RAM estimate; then the MLPerf Tiny int8 files made by
# the TF converter: their bytes, TFLM's head as they are, and tinyc's plan of the same operator order.
#   benchmarks/memory.sh [build_dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
corpus="$root/../shared/corpus"
tflm="$root/../shared/tools/tflm/tflm_run"
tinyc="$build/apps/tinyc/tinyc"
[ -x "$tinyc" ] || { echo "memory: build first (missing $tinyc)" >&2; exit 1; }
[ -x "$tflm" ] || { echo "memory: missing $tflm" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# shellcheck source=json_field.sh
source "$root/benchmarks/json_field.sh"

echo "| model | blob B | constants B | quantization params B | tables B | blob / constants | constants x 1.03 + 1 KiB | TFLM head, TFLM's plan | TFLM head, tinyc's plan | lower bound | TFLM tail (host) | RAM, 32-bit MCU (estimate) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for model in $(node -e 'console.log(Object.keys(JSON.parse(require("fs").readFileSync(process.argv[1])).models).join(" "))' \
               "$corpus/manifest.json"); do
  calib="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1])).models[process.argv[2]].calib_data)' \
           "$corpus/manifest.json" "$model")"
  "$tinyc" compress "$corpus/models/$model.onnx" --int8 --calib "$corpus/$calib" -o "$work/m.tflite" >/dev/null 2>&1
  "$tinyc" compress "$corpus/models/$model.onnx" --int8 --calib "$corpus/$calib" -o "$work/n.tflite" \
    --no-memory-plan >/dev/null 2>&1
  "$tinyc" inspect --json "$work/m.tflite" > "$work/m.json"
  "$tflm" "$work/m.tflite" --no-min-arena > "$work/tm.json"
  "$tflm" "$work/n.tflite" --no-min-arena > "$work/tn.json"
  blob=$(field "$work/m.json" file_bytes); constants=$(field "$work/m.json" constant_bytes)
  quant=$(field "$work/m.json" quantization_bytes)
  head_with=$(field "$work/tm.json" arena_breakdown.head_nonpersistent_bytes)
  head_without=$(field "$work/tn.json" arena_breakdown.head_nonpersistent_bytes)
  tail=$(( $(field "$work/tm.json" arena_used_bytes) - head_with ))
  ratio=$(node -e "process.stdout.write(($blob / $constants).toFixed(3))")
  goal=$(node -e "process.stdout.write(String(Math.floor($constants * 1.03 + 1024)))")
  echo "| $model | $blob | $constants | $quant | $(( blob - constants - quant )) | $ratio | $goal | $head_without | $head_with | $(field "$work/m.json" memory.lower_bound_bytes) | $tail | $(field "$work/m.json" memory.ram_bytes_mcu) |"
done

echo
echo "| MLPerf Tiny file (TF converter) | file B | constants B | quantization params B | tables B | TFLM head, as written | tinyc's plan, same op order | lower bound |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for file in pretrainedResnet_quant ad01_int8 kws_ref_model str_ww_ref_model; do
  f="$corpus/tflite/$file.tflite"
  "$tinyc" inspect --json "$f" > "$work/f.json"
  "$tflm" "$f" --no-min-arena > "$work/tf.json"
  bytes=$(field "$work/f.json" file_bytes); constants=$(field "$work/f.json" constant_bytes)
  quant=$(field "$work/f.json" quantization_bytes)
  echo "| $file | $bytes | $constants | $quant | $(( bytes - constants - quant )) | $(field "$work/tf.json" arena_breakdown.head_nonpersistent_bytes) | $(field "$work/f.json" memory.planned_head_bytes) | $(field "$work/f.json" memory.lower_bound_bytes) |"
done

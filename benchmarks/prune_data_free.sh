#!/usr/bin/env bash
# Pruning without data (docs/pruning.md): `tinyc compress MODEL --prune 0.5 --int8` with the
# calibration pool (512 / 300 rows) and with none (rows synthesized from the model's BatchNorm
# statistics), each evaluated on the test split: top-1 of the compressed model and its change from
# the float model, top-1 agreement with the float model, the time the synthesis took and the whole run.
#   benchmarks/prune_data_free.sh [build_dir] [models...]
set -euo pipefail
name=prune_data_free
models=(fmnist_cnn_bn fmnist_dscnn fmnist_resnet8 digits_cnn)
source "$(dirname "$0")/corpus_runs.sh"
source "$root/benchmarks/json_field.sh"

echo "| model | calibration | top-1 % | change (points) | agreement % | synthesis s | run s |"
echo "|---|---|---:|---:|---:|---:|---:|"
for model in "${models[@]}"; do
  splits "$model"
  for calib in pool none; do
    args=()
    [ "$calib" = pool ] && args=(--calib "$pool")
    start=$(date +%s.%N)
    "$tinyc" compress "$corpus/models/$model.onnx" --prune 0.5 --int8 "${args[@]}" --eval "$test" \
      --labels "${test%.npy}_labels.npy" --report "$work/r.json" -o "$work/m.tflite" >/dev/null 2>&1
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    label=$([ "$calib" = pool ] && echo "$(basename "$pool")" || echo "none (synthesized rows)")
    printf "| %s | %s | %.2f | %+.2f | %.2f | %.1f | %.1f |\n" "$model" "$label" \
      "$(field "$work/r.json" evaluation.classification.top1_compressed_pct)" \
      "$(field "$work/r.json" evaluation.classification.top1_delta_points)" \
      "$(field "$work/r.json" evaluation.classification.agreement_pct)" \
      "$(field "$work/r.json" pruning.synthesis_seconds)" "$seconds"
  done
done

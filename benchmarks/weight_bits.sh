#!/usr/bin/env bash
# Below 8 bits (docs/quantization.md): every corpus model compressed with int8 weights, 4-bit
# weights rounded to nearest, 4-bit weights rounded optimally, --weight-bits auto, and --prune 0.5
# with --weight-bits auto, all calibrated on the calibration split and evaluated on the test split:
# 4-bit layers, blob bytes (and their share of the int8 blob and of the float ONNX file), top-1 (AUC
# for the autoencoder) and its change from the float model, top-1 agreement, output SNR, RAM on a
# 32-bit MCU (TFLM's reference kernels unpack each 4-bit filter into the arena) and the run's time.
#   benchmarks/weight_bits.sh [build_dir] [models...]
set -euo pipefail
name=weight_bits
models=(digits_mlp digits_cnn fmnist_mlp fmnist_cnn_bn fmnist_dscnn fmnist_resnet8 fmnist_autoencoder)
source "$(dirname "$0")/corpus_runs.sh"
source "$root/benchmarks/json_field.sh"

configs=("int8|" "int4 nearest|--weight-bits 4 --rounding nearest" "int4 optimal|--weight-bits 4"
         "auto|--weight-bits auto" "prune 0.5 + auto|--prune 0.5 --weight-bits auto")
echo "| model | weights | 4-bit layers | blob B | of int8 blob | of float file | top-1 % or AUC | change | agreement % | SNR dB | RAM B | run s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for model in "${models[@]}"; do
  splits "$model"
  extra=()
  [ "$model" = fmnist_autoencoder ] && extra=(--normal-classes 0,1,2,3,4)
  int8_blob=""
  for config in "${configs[@]}"; do
    label="${config%%|*}"
    read -r -a flags <<< "${config#*|}"
    start=$(date +%s.%N)
    "$tinyc" compress "$corpus/models/$model.onnx" --int8 --calib "$pool" "${flags[@]}" --eval "$test" \
      --labels "${test%.npy}_labels.npy" "${extra[@]}" --report "$work/r.json" -o "$work/m.tflite" >/dev/null 2>&1
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    blob=$(field "$work/r.json" models.compressed.blob_bytes)
    [ -n "$int8_blob" ] || int8_blob=$blob
    layers=$(node -e 'const w = JSON.parse(require("fs").readFileSync(process.argv[1])).quantization.weights.layers;
                      process.stdout.write(w.filter(l => l.bits === 4).length + " of " + w.length);' "$work/r.json")
    if [ "$model" = fmnist_autoencoder ]; then
      quality=$(printf "%.4f | %+.4f | —" "$(field "$work/r.json" evaluation.anomaly.auc_compressed)" \
        "$(echo "$(field "$work/r.json" evaluation.anomaly.auc_delta_points) / 100" | bc -l)")
    else
      quality=$(printf "%.2f | %+.2f | %.2f" "$(field "$work/r.json" evaluation.classification.top1_compressed_pct)" \
        "$(field "$work/r.json" evaluation.classification.top1_delta_points)" \
        "$(field "$work/r.json" evaluation.classification.agreement_pct)")
    fi
    printf "| %s | %s | %s | %s | %.1f %% | %.1f %% | %s | %.1f | %s | %.1f |\n" "$model" "$label" "$layers" "$blob" \
      "$(echo "100 * $blob / $int8_blob" | bc -l)" \
      "$(echo "100 * $blob / $(field "$work/r.json" models.original.file_bytes)" | bc -l)" "$quality" \
      "$(field "$work/r.json" evaluation.outputs.0.snr_db)" "$(field "$work/r.json" models.compressed.ram_bytes)" "$seconds"
  done
done

#!/usr/bin/env bash
# Calibration-row selection on the corpus models (docs/quantization.md): int8 quantized with all 512
# (digits: 300) calibration rows, with 32 rows chosen by `--calib-select 32`, and with 32 rows drawn
# at random (10 seeded draws), and with none (`--data-free`). For each, the int8 model against the float model on the whole
# calibration pool (top-1 agreement, output SNR: what a choice may be made on) and on the test split
# (top-1 agreement, output SNR, and top-1 accuracy or, for the autoencoder, anomaly AUC: what is
# reported).
#   benchmarks/calib_select.sh [build_dir] [models...]
# (CALIB_SELECT_DRAWS=0 leaves out the random draws.)
set -euo pipefail
name=calib_select
models=(fmnist_mlp fmnist_cnn_bn fmnist_dscnn fmnist_resnet8 fmnist_autoencoder digits_cnn digits_mlp)
source "$(dirname "$0")/corpus_runs.sh"
draws="${CALIB_SELECT_DRAWS:-10}"

# "agreement SNR" on the pool, then "agreement SNR accuracy" on the test split, of one compression.
measure() {
  local model="$1" pool="$2" test="$3" labels="$4"
  shift 4
  local extra=()
  [[ "$model" == *autoencoder* ]] && extra=(--normal-classes 0,1,2,3,4)
  "$tinyc" compress "$corpus/models/$model.onnx" --int8 "$@" --eval "$pool" --report "$work/pool.json" \
    -o "$work/m.tflite" >/dev/null 2>&1
  "$tinyc" compress "$corpus/models/$model.onnx" --int8 "$@" --eval "$test" --labels "$labels" "${extra[@]}" \
    --report "$work/test.json" -o "$work/m.tflite" >/dev/null 2>&1
  node -e '
    const fs = require("fs");
    const pool = JSON.parse(fs.readFileSync(process.argv[1])).evaluation;
    const test = JSON.parse(fs.readFileSync(process.argv[2])).evaluation;
    const agreement = (e) => (e.classification ? e.classification.agreement_pct : "-");
    const metric = test.classification ? test.classification.top1_compressed_pct : 100 * test.anomaly.auc_compressed;
    process.stdout.write(`${agreement(pool)} ${pool.outputs[0].snr_db} ${agreement(test)} ${test.outputs[0].snr_db} ` +
                         `${metric}\n`);' "$work/pool.json" "$work/test.json"
}

echo "| model | calibration rows | pool agreement % | pool SNR dB | test agreement % | test SNR dB | test top-1 % (AUC x100) |"
echo "|---|---|---:|---:|---:|---:|---:|"
for model in "${models[@]}"; do
  splits "$model"
  labels="${test%.npy}_labels.npy"
  print() { awk -v m="$model" -v r="$1" '{ printf "| %s | %s | %s | %.1f | %s | %.1f | %.2f |\n", m, r, pct($1), $2, pct($3), $4, $5 }
                function pct(x) { return x == "-" ? x : sprintf("%.2f", x) }'; }
  measure "$model" "$pool" "$test" "$labels" --calib "$pool" | print "all"
  measure "$model" "$pool" "$test" "$labels" --calib "$pool" --calib-select 32 | print "32 selected"
  measure "$model" "$pool" "$test" "$labels" --data-free | print "none (--data-free)"
  [ "$draws" -gt 0 ] || continue
  for seed in $(seq 1 "$draws"); do
    node "$root/benchmarks/npy_rows.js" "$pool" "$work/random.npy" 32 "$seed"
    measure "$model" "$pool" "$test" "$labels" --calib "$work/random.npy"
  done | awk -v m="$model" -v n="$draws" '
    { for (i = 1; i <= 5; ++i) sum[i] += $i; if (NR == 1 || $5 < lo) lo = $5; if (NR == 1 || $5 > hi) hi = $5 }
    END { printf "| %s | 32 random (mean of %d draws; top-1 %.2f-%.2f) | %s | %.1f | %s | %.1f | %.2f |\n",
                 m, n, lo, hi, pct($1, sum[1] / n), sum[2] / n, pct($3, sum[3] / n), sum[4] / n, sum[5] / n }
    function pct(last, mean) { return last == "-" ? last : sprintf("%.2f", mean) }'
done

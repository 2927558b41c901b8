#!/usr/bin/env bash
# Accuracy vs pruning ratio on the corpus conv models (the tables of docs/pruning.md): for each
# granularity and ratio, `tinyc compress --int8 --prune R` with the Fashion-MNIST calibration rows,
# evaluated on the full 2k test split. Prints params and MACs removed (pruned float vs original),
# top-1 of the pruned float model and of the pruned int8 model, and the int8 output SNR.
#   benchmarks/prune_curve.sh [build_dir] [ratios...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
shift || true
ratios=(0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8)
[ $# -eq 0 ] || ratios=("$@")
corpus="$root/../shared/corpus"
tinyc="$build/apps/tinyc/tinyc"
[ -x "$tinyc" ] || { echo "prune_curve: build first (missing $tinyc)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One table row from a report: removed params / MACs, top-1 float and int8, int8 SNR.
row() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const o = r.models.original, p = r.pruning.pruned_float, c = r.evaluation.classification;
    const pct = (a, b) => (100 * (a / b - 1)).toFixed(1) + " %";
    process.stdout.write(`| ${process.argv[2]} | ${pct(p.params, o.params)} / ${pct(p.macs, o.macs)} | ` +
      `${c.top1_float_pct.toFixed(2)} | ${r.pruning.pruned_float_evaluation.top1_pct.toFixed(2)} | ` +
      `${c.top1_compressed_pct.toFixed(2)} | ${r.evaluation.outputs[0].snr_db.toFixed(1)} |\n`);' "$1" "$2"
}

for granularity in structured unstructured; do
  for model in fmnist_cnn_bn fmnist_dscnn fmnist_resnet8; do
    printf "\n%s, %s\n\n" "$model" "$granularity"
    echo "| R | params / MACs | top-1 float | pruned float | pruned int8 | int8 SNR dB |"
    echo "|---|---|---|---|---|---|"
    for r in "${ratios[@]}"; do
      "$tinyc" compress "$corpus/models/$model.onnx" --int8 --prune "$r" --prune-granularity "$granularity" \
        --calib "$corpus/data/fmnist_calib.npy" --eval "$corpus/data/fmnist_test_2k.npy" \
        --labels "$corpus/data/fmnist_test_2k_labels.npy" --report "$work/r.json" -o "$work/m.tflite" >/dev/null 2>&1
      row "$work/r.json" "$r"
    done
  done
done

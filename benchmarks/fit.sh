#!/usr/bin/env bash
# Cost of `tinyc fit` (docs/fit.md): each model fitted to a board over the default space (4 prune
# ratios x 3 weight widths, then 4 more calibration methods at the chosen point), measured on the
# test split, against the peer that does the same work without sharing it: every configuration's
# own `tinyc compress` command (as fit.json lists them), run one after the other. Prints the
# configurations, both wall times and their ratio, and the chosen configuration.
#   benchmarks/fit.sh [build_dir] [models...]        (default: fmnist_resnet8; board: $FIT_TARGET or stm32f446re)
set -euo pipefail
name=fit
models=(fmnist_resnet8)
source "$(dirname "$0")/corpus_runs.sh"
source "$root/benchmarks/json_field.sh"
target="${FIT_TARGET:-stm32f446re}"

now() { date +%s.%N; }

echo "| model | board | configurations | tinyc fit s | separate compress runs s | fit / separate | chosen |"
echo "|---|---|---:|---:|---:|---:|---|"
for model in "${models[@]}"; do
  splits "$model"
  start=$(now)
  "$tinyc" -q fit "$corpus/models/$model.onnx" --target "$target" --calib "$pool" --eval "$test" \
    --labels "${test%.npy}_labels.npy" --out-dir "$work/fit" >/dev/null || [ $? -eq 3 ]
  fit_s=$(echo "$(now) - $start" | bc)
  points=$(node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(process.argv[1])).points.length))' \
    "$work/fit/fit.json")
  # The peer: each configuration that fit built, as its own compress command (the gates may fail: exit 3).
  separate_s=0
  while IFS= read -r command; do
    start=$(now)
    eval "\"$tinyc\" -q ${command#tinyc }" >/dev/null 2>&1 || [ $? -eq 3 ]
    separate_s=$(echo "$separate_s + $(now) - $start" | bc)
  done < <(node -e 'for (const p of JSON.parse(require("fs").readFileSync(process.argv[1])).points)
                      if (p.flash_bytes !== null) console.log(p.command);' "$work/fit/fit.json")
  chosen=$(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1]));
                    process.stdout.write(j.chosen === null ? "none: " + j.verdict : j.points[j.chosen].label);' \
    "$work/fit/fit.json")
  printf "| %s | %s | %s | %.1f | %.1f | %.2f | %s |\n" "$model" "$target" "$points" "$fit_s" "$separate_s" \
    "$(echo "$fit_s / $separate_s" | bc -l)" "$chosen"
done

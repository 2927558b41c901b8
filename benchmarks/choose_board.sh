#!/usr/bin/env bash
# The worked example of docs/choose_board.md: corpus models fitted to two parts described by
# profile files, a small one (64 KB of flash and 32 KB of RAM left for the model) and a larger one
# (a 256 KB / 64 KB part less tinyc's default runtime reserve). The choice is made on the first half
# of the test split (rows 0-999, the validation half); the chosen configuration is then compressed
# with its reproducing command and reported on the other half (rows 1000-1999), which the choice
# never saw. When nothing fits, the fit is run again with more pruning (ratios 0.8, 0.85, 0.9).
# Prints each fit's verdict, then one table row per model and part.
#   benchmarks/choose_board.sh [build_dir] [models...]   (default: fmnist_resnet8 fmnist_dscnn fmnist_cnn_bn)
set -euo pipefail
name=choose_board
models=(fmnist_resnet8 fmnist_dscnn fmnist_cnn_bn)
source "$(dirname "$0")/corpus_runs.sh"
source "$root/benchmarks/json_field.sh"

cat > "$work/small.json" <<'JSON'
{"name": "small-64k-32k", "core": "Cortex-M4F", "flash_bytes": 65536, "ram_bytes": 32768,
 "runtime_flash_bytes": 0, "runtime_ram_bytes": 0,
 "source": "a part whose firmware leaves 64 KB of flash and 32 KB of RAM to the model"}
JSON
cat > "$work/large.json" <<'JSON'
{"name": "part-256k-64k", "core": "Cortex-M4F", "flash_bytes": 262144, "ram_bytes": 65536,
 "source": "a 256 KB flash / 64 KB SRAM part; tinyc's default runtime reserve"}
JSON

# point FIT.json: the chosen point's label, flash, RAM and validation loss, |-separated.
point() {
  node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1])); const p = j.points[j.chosen];
           process.stdout.write([p.label, p.flash_bytes, p.ram_bytes, p.loss.toFixed(2) + " ±" + p.loss_se.toFixed(2),
                                 j.seconds.toFixed(1)].join("|"));' "$1"
}

rows=()
for board in large small; do
  for model in "${models[@]}"; do
    splits "$model"
    labels="${test%.npy}_labels.npy"
    node "$root/benchmarks/npy_rows.js" "$test" "$work/validation.npy" 0:1000
    node "$root/benchmarks/npy_rows.js" "$labels" "$work/validation_labels.npy" 0:1000
    node "$root/benchmarks/npy_rows.js" "$test" "$work/holdout.npy" 1000:2000
    node "$root/benchmarks/npy_rows.js" "$labels" "$work/holdout_labels.npy" 1000:2000
    out="$work/$board.$model"
    space=()
    status=0
    "$tinyc" -q fit "$corpus/models/$model.onnx" --target-file "$work/$board.json" --calib "$pool" \
      --eval "$work/validation.npy" --labels "$work/validation_labels.npy" --out-dir "$out" > "$out.log" 2>&1 || status=$?
    if [ "$status" -eq 3 ]; then
      echo "$model on $board: $(field "$out/fit.json" verdict)"
      space=(--prune-ratios 0.8,0.85,0.9)
      status=0
      "$tinyc" -q fit "$corpus/models/$model.onnx" --target-file "$work/$board.json" --calib "$pool" \
        --eval "$work/validation.npy" --labels "$work/validation_labels.npy" --out-dir "$out" "${space[@]}" \
        > "$out.log" 2>&1 || status=$?
    fi
    echo "$model on $board${space[*]:+ (${space[*]})}: $(field "$out/fit.json" verdict)"
    if [ "$status" -ne 0 ]; then
      rows+=("| $model | $board | ${space[*]:-defaults} | nothing fits | | | | | |")
      continue
    fi
    command=$(field "$out/fit.json" command)
    command="${command/--eval $work\/validation.npy --labels $work\/validation_labels.npy/--eval $work/holdout.npy --labels $work/holdout_labels.npy}"
    eval "\"$tinyc\" -q ${command#tinyc }" >/dev/null
    report="$out/$model.report.json"
    IFS='|' read -r label flash ram loss seconds <<< "$(point "$out/fit.json")"
    rows+=("$(printf "| %s | %s | %s | %s | %s | %s | %s | %.2f → %.2f (%+.2f) | %s |" "$model" "$board" \
      "${space[*]:-defaults}" "$label" "$flash" "$ram" "$loss" \
      "$(field "$report" evaluation.classification.top1_float_pct)" \
      "$(field "$report" evaluation.classification.top1_compressed_pct)" \
      "$(field "$report" evaluation.classification.top1_delta_points)" "$seconds")")
  done
done
echo
echo "| model | part | space | chosen | flash B | RAM B | validation loss (points) | held-out top-1 % float → chosen (change) | fit s |"
echo "|---|---|---|---|---:|---:|---:|---|---:|"
printf '%s\n' "${rows[@]}"

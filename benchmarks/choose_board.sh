#!/usr/bin/env bash
# The worked example of docs/choose_board.md: fmnist_resnet8 fitted to two parts described by
# profile files, a small one (64 KB of flash and 32 KB of RAM left for the model) and a larger one
# (a 256 KB / 64 KB part less the default runtime reserve). The choice is made on the first half of
# the test split (rows 0-999, the validation half); the chosen configuration is then compressed
# with its reproducing command and reported on the other half (rows 1000-1999), which the choice
# never saw. Prints each fit's table and verdict and the report half's numbers.
#   benchmarks/choose_board.sh [build_dir] [models...]        (default: fmnist_resnet8)
set -euo pipefail
name=choose_board
models=(fmnist_resnet8)
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

for model in "${models[@]}"; do
  splits "$model"
  labels="${test%.npy}_labels.npy"
  node "$root/benchmarks/npy_rows.js" "$test" "$work/validation.npy" 0:1000
  node "$root/benchmarks/npy_rows.js" "$labels" "$work/validation_labels.npy" 0:1000
  node "$root/benchmarks/npy_rows.js" "$test" "$work/holdout.npy" 1000:2000
  node "$root/benchmarks/npy_rows.js" "$labels" "$work/holdout_labels.npy" 1000:2000
  for board in small large; do
    echo "### $model on $(field "$work/$board.json" name)"
    echo
    status=0
    "$tinyc" -q fit "$corpus/models/$model.onnx" --target-file "$work/$board.json" --calib "$pool" \
      --eval "$work/validation.npy" --labels "$work/validation_labels.npy" --out-dir "$work/$board" || status=$?
    echo "(exit $status)"
    [ "$status" -eq 0 ] || continue
    command=$(field "$work/$board/fit.json" command)
    command="${command/--eval $work\/validation.npy --labels $work\/validation_labels.npy/--eval $work/holdout.npy --labels $work/holdout_labels.npy}"
    eval "\"$tinyc\" -q ${command#tinyc }" >/dev/null
    report="$work/$board/$model.report.json"
    printf "\nheld-out half (rows 1000-1999): float top-1 %.2f %%, chosen top-1 %.2f %% (%+.2f points), flash %s B, RAM %s B\n\n" \
      "$(field "$report" evaluation.classification.top1_float_pct)" \
      "$(field "$report" evaluation.classification.top1_compressed_pct)" \
      "$(field "$report" evaluation.classification.top1_delta_points)" \
      "$(field "$report" models.compressed.blob_bytes)" "$(field "$report" models.compressed.ram_bytes)"
  done
done

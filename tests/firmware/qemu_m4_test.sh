#!/usr/bin/env bash
# tinyc's blobs on a real firmware: every other TFLM check runs on the 64-bit build host, but the blob is
# meant for a 32-bit MCU. For each model and option set this compresses the corpus model, builds the
# TensorFlow Lite Micro firmware for a Cortex-M4F (../shared/tools/tflm-cortex-m4) around the C-array
# header, runs a few test rows on QEMU's mps2-an386 and requires
#   - every output value equal to `tinyc run` on the same .tflite and rows (bit for bit),
#   - AllocateTensors to succeed in an arena of exactly tinyc's RAM estimate (`ram_bytes_mcu` of
#     `tinyc inspect --json`, rounded up to TFLM's 16-byte alignment), and the firmware's measured
#     arena_used_bytes to be no larger than that estimate;
# and prints the image's flash (text + data) and RAM (data + bss, the arena included, + the 16 KiB stack
# the linker script reserves) next to the blob's bytes and tinyc's estimate.
# (digits_mlp and fmnist_autoencoder, FULLY_CONNECTED only with small activation heads, need more arena than
# the estimate today: docs/benchmarks.md, "Real firmware on an emulated Cortex-M4F".)
# Exits 77 (skipped) only when the Arm cross compiler or QEMU is missing (scripts/setup.sh installs both).
#   qemu_m4_test.sh TINYC [MODEL ...]   (default models: digits_cnn fmnist_dscnn fmnist_resnet8)
# Environment: ROWS (test rows per model, default 6), OPTION_SETS ("default prune int4" by default; int4 is
# --weight-bits 4, whose filters TFLM unpacks into the arena).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 TINYC [MODEL ...]" >&2; exit 2; }
tinyc="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
models=("$@")
((${#models[@]})) || models=(digits_cnn fmnist_dscnn fmnist_resnet8)
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="$root/../shared/corpus"
tool="$root/../shared/tools/tflm-cortex-m4"
rows="${ROWS:-6}"
read -r -a option_sets <<< "${OPTION_SETS:-default prune int4}"
stack_bytes=16384  # __stack_size of the tool's fw/mps2_an386.ld

for cmd in arm-none-eabi-g++ qemu-system-arm; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "SKIP: $cmd is not installed (scripts/setup.sh installs it)"; exit 77; }
done
for cmd in node python3 make; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "FAIL: $cmd is not installed (scripts/setup.sh installs it)"; exit 1; }
done
[ -x "$tinyc" ] || { echo "FAIL: no tinyc at $tinyc"; exit 1; }
[ -f "$tool/Makefile" ] || { echo "FAIL: no firmware tool at $tool"; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# manifest MODEL KEY: a model's entry in the corpus manifest.
manifest() {
  node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(process.argv[1])).models[process.argv[2]][process.argv[3]]))' \
    "$corpus/manifest.json" "$1" "$2"
}
# field FILE.json PATH: one value of a JSON file ("a.b.c").
field() {
  node -e 'let v = JSON.parse(require("fs").readFileSync(process.argv[1]));
           for (const k of process.argv[2].split(".")) v = v[k];
           process.stdout.write(String(v));' "$1" "$2"
}

failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

printf '%-15s %-7s %7s %8s %8s %8s %9s %10s %8s  %s\n' model options blob_B flash_B ram_B arena_B m4_used_B estimate_B margin_B outputs
for model in "${models[@]}"; do
  calib="$corpus/$(manifest "$model" calib_data)"
  node "$here/npy.js" slice "$corpus/$(manifest "$model" eval_data)" "$work/$model.rows.npy" "$rows"
  python3 "$tool/make_rows_h.py" "$work/$model.rows.npy" "$work/$model.rows.h"
  for set in "${option_sets[@]}"; do
    case "$set" in
      default) extra=() ;;
      prune) extra=(--prune 0.5) ;;
      int4) extra=(--weight-bits 4) ;;
      *) echo "unknown option set $set" >&2; exit 2 ;;
    esac
    label="$model ($set)"
    dir="$work/$model.$set"
    mkdir -p "$dir"
    if ! "$tinyc" compress "$corpus/models/$model.onnx" --int8 --calib "$calib" "${extra[@]}" \
         -o "$dir/m.tflite" --emit-c "$dir/m.h" > "$dir/compress.log" 2>&1; then
      fail "$label: tinyc compress failed: $(tail -1 "$dir/compress.log")"; continue
    fi
    if ! "$tinyc" run "$dir/m.tflite" --input "$work/$model.rows.npy" -o "$dir/want.npy" > "$dir/run.log" 2>&1; then
      fail "$label: tinyc run failed: $(tail -1 "$dir/run.log")"; continue
    fi
    "$tinyc" inspect --json "$dir/m.tflite" > "$dir/inspect.json"
    estimate=$(field "$dir/inspect.json" memory.ram_bytes_mcu)
    arena=$(( (estimate + 15) / 16 * 16 ))
    if ! make -s -C "$tool" MODEL_H="$dir/m.h" ROWS_H="$work/$model.rows.h" OUT="$dir/fw" ARENA_SIZE="$arena" \
         > "$dir/make.log" 2>&1; then
      cat "$dir/make.log"; fail "$label: the firmware did not build"; continue
    fi
    read -r text data bss _ < <(tail -1 "$dir/make.log")
    status=0
    "$tool/run.sh" "$dir/fw/fw.elf" > "$dir/qemu.log" 2>&1 || status=$?
    if grep -q "AllocateTensors failed" "$dir/qemu.log"; then
      # too small: TFLM's own figure in the tool's default 256 KiB arena, for the message
      if make -s -C "$tool" MODEL_H="$dir/m.h" ROWS_H="$work/$model.rows.h" OUT="$dir/fw_big" > /dev/null 2>&1; then
        "$tool/run.sh" "$dir/fw_big/fw.elf" > "$dir/qemu_big.log" 2>&1 || true
      fi
      fail "$label: AllocateTensors failed in an arena of tinyc's estimate ($estimate B, rounded up to $arena B): $(grep -m1 -e 'failed to prepare' -e 'Failed' "$dir/qemu.log" || echo 'no reason printed'); in a 256 KiB arena arena_used_bytes is $(sed -n 's/^arena_used_bytes //p' "$dir/qemu_big.log" 2>/dev/null || echo '?') B"
      continue
    fi
    if [ "$status" -ne 0 ] || ! grep -q "^done: $rows rows" "$dir/qemu.log"; then
      fail "$label: the firmware failed on QEMU (exit $status, arena $arena B = tinyc's estimate): $(grep -m1 -e error -e fatal -e Failed "$dir/qemu.log" || tail -1 "$dir/qemu.log")"
      continue
    fi
    used=$(sed -n 's/^arena_used_bytes \([0-9]*\)$/\1/p' "$dir/qemu.log")
    [ -n "$used" ] || { fail "$label: no arena_used_bytes line from the firmware"; continue; }
    status=0
    outputs=$(node "$here/npy.js" compare "$dir/want.npy" "$dir/qemu.log" "$label") || status=$?
    printf '%-15s %-7s %7d %8d %8d %8d %9d %10d %8d  %s\n' "$model" "$set" "$(field "$dir/inspect.json" file_bytes)" \
      $((text + data)) $((data + bss + stack_bytes)) "$arena" "$used" "$estimate" $((estimate - used)) \
      "$([ "$status" -eq 0 ] && echo "$outputs" || echo differ)"
    [ "$status" -eq 0 ] || fail "$outputs"
    ((used <= estimate)) || fail "$label: TFLM on the Cortex-M4 used $used arena bytes, more than tinyc's estimate $estimate"
  done
done
((failures == 0)) || { echo "$failures failure(s)"; exit 1; }
echo "all equal: QEMU Cortex-M4F firmware == tinyc run"

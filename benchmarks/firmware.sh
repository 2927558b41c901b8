#!/usr/bin/env bash
# Flash and RAM of a real TensorFlow Lite Micro firmware for tinyc's blobs (the table "Real firmware on an
# emulated Cortex-M4F" of docs/benchmarks.md): per corpus model (default int8), the image built by
# ../shared/tools/tflm-cortex-m4 (reference kernels, -Os) around `tinyc compress --emit-c`'s header with the
# arena sized to tinyc's RAM estimate (`ram_bytes_mcu`, rounded up to 16 B; when AllocateTensors fails in it,
# the smallest arena that runs, found by bisection), run on QEMU's mps2-an386:
# blob bytes; flash = text + data, split by the link map into TFLM (the kernels of the model's ops and the
# interpreter), the C runtime (newlib, libgcc, startup) and the rest (the firmware's main, one test row,
# fill); RAM = data + bss (the arena included) + the 16 KiB stack; TFLM's arena_used_bytes on the M4
# against tinyc's estimate; and whether the outputs equal `tinyc run` on the same row.
#   benchmarks/firmware.sh [build_dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
corpus="$root/../shared/corpus"
tool="$root/../shared/tools/tflm-cortex-m4"
helpers="$root/tests/firmware"
tinyc="$build/apps/tinyc/tinyc"
stack_bytes=16384  # __stack_size of the tool's fw/mps2_an386.ld
[ -x "$tinyc" ] || { echo "firmware: build first (missing $tinyc)" >&2; exit 1; }
for cmd in arm-none-eabi-g++ qemu-system-arm node python3; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "firmware: $cmd is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# shellcheck source=json_field.sh
source "$root/benchmarks/json_field.sh"

# try_arena DIR ARENA: the firmware of DIR's model and row with an arena of ARENA bytes, run on QEMU
# (DIR/fw.ARENA/make.log, qemu.log); true when every row ran.
try_arena() {
  local out="$1/fw.$2"
  make -s -C "$tool" MODEL_H="$1/m.h" ROWS_H="$1/rows.h" OUT="$out" ARENA_SIZE="$2" > "$1/make.$2.log" &&
    "$tool/run.sh" "$out/fw.elf" > "$1/qemu.$2.log" 2>&1
}

echo "| model | ops | blob B | flash B (text + data) | TFLM B | C runtime B | main, row, fill B | tinyc estimate B | TFLM arena_used_bytes (M4) | estimate − used | arena B | RAM B (data + bss + stack) | outputs = tinyc run |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for model in $(node -e 'console.log(Object.keys(JSON.parse(require("fs").readFileSync(process.argv[1])).models).join(" "))' \
               "$corpus/manifest.json"); do
  node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1])).models[process.argv[2]];
           process.stdout.write(m.calib_data + "\n" + m.eval_data + "\n")' "$corpus/manifest.json" "$model" > "$work/data"
  { read -r calib; read -r eval_data; } < "$work/data"
  dir="$work/$model"
  mkdir -p "$dir"
  "$tinyc" compress "$corpus/models/$model.onnx" --int8 --calib "$corpus/$calib" -o "$dir/m.tflite" \
    --emit-c "$dir/m.h" >/dev/null 2>&1
  "$tinyc" inspect --json "$dir/m.tflite" > "$dir/m.json"
  node "$helpers/npy.js" slice "$corpus/$eval_data" "$dir/rows.npy" 1
  python3 "$tool/make_rows_h.py" "$dir/rows.npy" "$dir/rows.h"
  "$tinyc" run "$dir/m.tflite" --input "$dir/rows.npy" -o "$dir/want.npy" >/dev/null
  estimate=$(field "$dir/m.json" memory.ram_bytes_mcu)
  arena=$(( (estimate + 15) / 16 * 16 ))
  arena_note=""
  if ! try_arena "$dir" "$arena"; then
    # the estimate's arena is too small: the smallest 16-byte multiple that runs, by bisection
    lo=$arena hi=$((arena * 2 + 4096))
    try_arena "$dir" "$hi" || { echo "| $model | firmware fails with a $hi B arena: $(grep -m1 -e error -e fatal "$dir/qemu.$hi.log") |"; continue; }
    while ((hi - lo > 16)); do
      mid=$(( (lo + hi) / 2 & ~15 ))
      if try_arena "$dir" "$mid"; then hi=$mid; else lo=$mid; fi
    done
    arena=$hi
    arena_note=" (estimate too small)"
  fi
  read -r text data bss _ < <(tail -1 "$dir/make.$arena.log")
  read -r lib_tflm lib_c main fill < <(node "$helpers/fw_map.js" "$dir/fw.$arena/fw.map")
  log="$dir/qemu.$arena.log"
  used=$(sed -n 's/^arena_used_bytes //p' "$log")
  ops=$(sed -n 's/.*, \([0-9]*\) ops registered.*/\1/p' "$log")
  same=$(node "$helpers/npy.js" compare "$dir/want.npy" "$log" "$model" >/dev/null && echo yes || echo NO)
  echo "| $model | $ops | $(field "$dir/m.json" file_bytes) | $((text + data)) | $lib_tflm | $lib_c | $((main + fill)) | $estimate | $used | $((estimate - used)) | $arena$arena_note | $((data + bss + stack_bytes)) | $same |"
done

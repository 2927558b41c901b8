#!/usr/bin/env bash
# tinyc head to head with the TF converter on the MLPerf Tiny reference files (../shared/corpus/tflite,
# the section "tinyc vs the TF converter" of docs/benchmarks.md). Per pair (float file, int8 file, both
# from the TF converter): tinyc's int8 made from the float file (with and without its arena plan) vs the
# converter's int8 file (tinyc with per-channel weights, its default, and with per-tensor fully connected
# weights as the converter writes them): bytes, TFLM's measured head and arena, output SNR and top-1 agreement against
# the float file, all on the same 1,000 rows under TFLM's host interpreter (for a float file TFLM refuses,
# the hybrid KWS file, the float reference is `tinyc run` on it). Then every converter int8
# file re-packed by tinyc: bytes, TFLM's head before and after, and whether TFLM's outputs stay the
# same byte for byte. The rows (no data sets ship with the files) are drawn uniformly over the float
# range of the converter's int8 input, `((-128 - zp) * scale, (127 - zp) * scale)`, with fixed seeds:
# 1,000 eval rows (seed 1) and 256 other calibration rows (seed 2).
#   benchmarks/tflite_vs_converter.sh [build_dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
files="$root/../shared/corpus/tflite"
tflm="$root/../shared/tools/tflm/tflm_run"
tinyc="$build/apps/tinyc/tinyc"
[ -x "$tinyc" ] || { echo "tflite_vs_converter: build first (missing $tinyc)" >&2; exit 1; }
[ -x "$tflm" ] || { echo "tflite_vs_converter: missing $tflm" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

eval_rows=1000 eval_seed=1
calib_rows=256 calib_seed=2

# Node helpers: `js COMMAND ARGS...` (the commands are at the end of the file).
cat > "$work/helpers.js" <<'EOF'
const fs = require("fs");
const npy = require(process.env.NPY_JS);

// mulberry32: a small deterministic PRNG, floats in [0, 1).
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// An .npy v1.0 file of float32 data in C order.
function writeNpy(path, shape, data) {
  npy.write(path, "<f4", shape, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

// {shape, data} of an .npy file of float32 or int8 in C order.
function readNpy(path) {
  const a = npy.read(path);
  return { shape: a.shape, data: npy.values(a) };
}

// The first input or output tensor of `tinyc inspect --json`.
function ioTensor(inspectJson, which) {
  const j = JSON.parse(fs.readFileSync(inspectJson));
  return j.tensors[j[which === "input" ? "inputs" : "outputs"][0]];
}

// Index of the largest value of data[begin, begin + n) (the first one on ties).
function argmax(data, begin, n) {
  let best = begin;
  for (let i = begin + 1; i < begin + n; ++i) if (data[i] > data[best]) best = i;
  return best - begin;
}

const commands = {
  // rows INT8_INSPECT.json N SEED OUT.npy: N rows in the input's shape, uniform over its int8 float range.
  rows(inspectJson, n, seed, out) {
    const t = ioTensor(inspectJson, "input");
    const scale = t.scale[0], zp = t.zero_point[0];
    const lo = (-128 - zp) * scale, hi = (127 - zp) * scale;
    const shape = [Number(n), ...t.shape.slice(1)];
    const data = new Float32Array(shape.reduce((a, d) => a * d, 1));
    const random = mulberry32(Number(seed));
    for (let i = 0; i < data.length; ++i) data[i] = lo + (hi - lo) * random();
    writeNpy(out, shape, data);
    return `${lo} ${hi}`;
  },
  // compare FLOAT.npy INT8.npy INT8_INSPECT.json classifier|autoencoder: "SNR_dB top1_agreement_pct".
  compare(floatNpy, int8Npy, inspectJson, kind) {
    const f = readNpy(floatNpy), q = readNpy(int8Npy);
    if (f.data.length !== q.data.length) throw new Error(`${floatNpy} and ${int8Npy} differ in size`);
    const t = ioTensor(inspectJson, "output");
    const scale = t.scale[0], zp = t.zero_point[0];
    let signal = 0, noise = 0;
    for (let i = 0; i < f.data.length; ++i) {
      const d = scale * (q.data[i] - zp);
      signal += f.data[i] * f.data[i];
      noise += (f.data[i] - d) * (f.data[i] - d);
    }
    const snr = noise === 0 ? "inf" : (10 * Math.log10(signal / noise)).toFixed(1);
    if (kind !== "classifier") return `${snr} n/a`;
    const rows = f.shape[0], width = f.data.length / rows;
    let same = 0;
    for (let r = 0; r < rows; ++r) same += argmax(f.data, r * width, width) === argmax(q.data, r * width, width);
    return `${snr} ${(100 * same / rows).toFixed(1)}`;
  },
  // differ A.npy B.npy: how many values differ, "K of N".
  differ(a, b) {
    const x = readNpy(a).data, y = readNpy(b).data;
    if (x.length !== y.length) return `sizes ${x.length} and ${y.length}`;
    let k = 0;
    for (let i = 0; i < x.length; ++i) k += x[i] !== y[i];
    return `${k} of ${x.length}`;
  },
};
const [command, ...args] = process.argv.slice(2);
process.stdout.write(commands[command](...args));
EOF
js() { NPY_JS="$root/tests/firmware/npy.js" node "$work/helpers.js" "$@"; }

# shellcheck source=json_field.sh
source "$root/benchmarks/json_field.sh"

# one_line FILE: the error line a command left on stderr (tinyc's `tinyc: error: ...`), safe in a table cell.
one_line() {
  { grep -m1 'error' "$1" || tail -n1 "$1"; } | sed 's/|/\\|/g'
}

# fail WHAT: stop with one line (a step every row needs failed).
fail() { echo "tflite_vs_converter: $1" >&2; exit 1; }

# run_tflm NAME MODEL ROWS.npy: TFLM on the rows; outputs in $work/NAME.npy, its JSON in $work/NAME.json.
run_tflm() {
  "$tflm" "$2" --input "$3" --output "$work/$1.npy" --no-min-arena > "$work/$1.json" 2> "$work/$1.err"
}

# compress NAME ARGS...: tinyc compress ... -o $work/NAME.tflite; on failure its error line in $work/NAME.err.
compress() {
  local name="$1"; shift
  "$tinyc" compress "$@" -o "$work/$name.tflite" > /dev/null 2> "$work/$name.err"
}

# The converter's int8 files: rows from their input ranges, TFLM on the eval rows, re-packed by tinyc.
table2=()
for int8 in pretrainedResnet_quant ad01_int8 kws_ref_model str_ww_ref_model; do
  "$tinyc" inspect --json "$files/$int8.tflite" > "$work/$int8.inspect.json"
  js rows "$work/$int8.inspect.json" "$eval_rows" "$eval_seed" "$work/$int8.eval.npy" > /dev/null
  js rows "$work/$int8.inspect.json" "$calib_rows" "$calib_seed" "$work/$int8.calib.npy" > /dev/null
  run_tflm "tf_$int8" "$files/$int8.tflite" "$work/$int8.eval.npy" ||
    fail "TFLM failed on $int8: $(field "$work/tf_$int8.json" error)"
  tf_bytes=$(stat -c %s "$files/$int8.tflite")
  tf_head=$(field "$work/tf_$int8.json" arena_breakdown.head_nonpersistent_bytes)
  if ! compress "rp_$int8" "$files/$int8.tflite"; then
    table2+=("| $int8 | $tf_bytes | failed: \`$(one_line "$work/rp_$int8.err")\` | — | $tf_head / — | — |")
    continue
  fi
  run_tflm "rp_$int8" "$work/rp_$int8.tflite" "$work/$int8.eval.npy" ||
    fail "TFLM failed on re-packed $int8: $(field "$work/rp_$int8.json" error)"
  rp_bytes=$(stat -c %s "$work/rp_$int8.tflite")
  saving=$(node -e "process.stdout.write((100 * (1 - $rp_bytes / $tf_bytes)).toFixed(1))")
  if cmp -s "$work/tf_$int8.npy" "$work/rp_$int8.npy"; then
    same=yes
  else
    same="no ($(js differ "$work/tf_$int8.npy" "$work/rp_$int8.npy") values differ)"
  fi
  table2+=("| $int8 | $tf_bytes | $rp_bytes | $saving | $tf_head / $(field "$work/rp_$int8.json" arena_breakdown.head_nonpersistent_bytes) | $same |")
done

# The pairs: tinyc's int8 from the float file vs the converter's int8 file.
table1=() notes=()
for pair in "pretrainedResnet pretrainedResnet_quant classifier" "ad01_fp32 ad01_int8 autoencoder" \
            "kws_ref_model_float32 kws_ref_model classifier"; do
  read -r float int8 kind <<< "$pair"
  tf_json="$work/tf_$int8.json"
  tf_cells=("$(stat -c %s "$files/$int8.tflite")" "$(field "$tf_json" arena_breakdown.head_nonpersistent_bytes)"
            "$(field "$tf_json" arena_used_bytes)")
  # The float reference: TFLM on the float file; if TFLM refuses it (a hybrid file), tinyc's float executor.
  reference="$work/ref_$float.npy"
  if run_tflm "ref_$float" "$files/$float.tflite" "$work/$int8.eval.npy"; then
    :
  elif "$tinyc" run "$files/$float.tflite" --input "$work/$int8.eval.npy" -o "$reference" > /dev/null \
         2> "$work/run_$float.err"; then
    notes+=("$float: TFLM refuses the file ($(field "$work/ref_$float.json" error)); the float reference is \`tinyc run\` on it.")
  else
    notes+=("$float: no float reference: TFLM refuses the file ($(field "$work/ref_$float.json" error)), \`tinyc run\` too (\`$(one_line "$work/run_$float.err")\`).")
    reference=""
  fi
  tf_quality="n/a n/a"
  [ -z "$reference" ] || tf_quality=$(js compare "$reference" "$work/tf_$int8.npy" "$work/$int8.inspect.json" "$kind")
  read -r tf_snr tf_top1 <<< "$tf_quality"

  # tinyc's default (per-channel weights), and per-tensor fully connected weights as the converter writes.
  for scales in per_channel fc_per_tensor; do
    ours="ours_${float}_$scales" noplan="noplan_${float}_$scales"
    args=("$files/$float.tflite" --int8 --calib "$work/$int8.calib.npy" --io-type int8 --weight-scales "$scales")
    if ! compress "$ours" "${args[@]}"; then
      table1+=("| $float | $scales | ${tf_cells[0]} | failed: \`$(one_line "$work/$ours.err")\` | — | ${tf_cells[1]} / — / — | ${tf_cells[2]} / — | $tf_snr / — | $tf_top1 / — |")
      continue
    fi
    compress "$noplan" "${args[@]}" --no-memory-plan || fail "$(one_line "$work/$noplan.err")"
    "$tinyc" inspect --json "$work/$ours.tflite" > "$work/$ours.inspect.json"
    for name in "$ours" "$noplan"; do
      run_tflm "$name" "$work/$name.tflite" "$work/$int8.eval.npy" ||
        fail "TFLM failed on $name: $(field "$work/$name.json" error)"
    done
    ours_bytes=$(stat -c %s "$work/$ours.tflite")
    ratio=$(node -e "process.stdout.write(($ours_bytes / ${tf_cells[0]}).toFixed(3))")
    ours_quality="n/a n/a"
    [ -z "$reference" ] ||
      ours_quality=$(js compare "$reference" "$work/$ours.npy" "$work/$ours.inspect.json" "$kind")
    read -r ours_snr ours_top1 <<< "$ours_quality"
    table1+=("| $float | $scales | ${tf_cells[0]} | $ours_bytes | $ratio | ${tf_cells[1]} / $(field "$work/$ours.json" arena_breakdown.head_nonpersistent_bytes) / $(field "$work/$noplan.json" arena_breakdown.head_nonpersistent_bytes) | ${tf_cells[2]} / $(field "$work/$ours.json" arena_used_bytes) | $tf_snr / $ours_snr | $tf_top1 / $ours_top1 |")
  done
done

echo "tinyc int8 from the TF converter's float file vs the TF converter's int8 file ($eval_rows eval rows, seed $eval_seed; tinyc calibrated on $calib_rows other rows, seed $calib_seed):"
echo
echo "| float file | tinyc --weight-scales | TF int8 B | tinyc int8 B | tinyc / TF | TFLM head B: TF / tinyc (tinyc's plan) / tinyc (--no-memory-plan) | TFLM arena used B: TF / tinyc | SNR dB vs float: TF / tinyc | top-1 agreement %: TF / tinyc |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${table1[@]}"
[ ${#notes[@]} -eq 0 ] || { echo; printf '%s\n' "${notes[@]}"; }
echo
echo "The TF converter's int8 files re-packed by tinyc (\`tinyc compress FILE.tflite\`), TFLM outputs on the same rows:"
echo
echo "| TF int8 file | TF B | re-packed B | saving % | TFLM head B: before / after | outputs identical |"
echo "|---|---:|---:|---:|---:|---|"
printf '%s\n' "${table2[@]}"

# Sourced by the benchmarks that compress the corpus models one by one (calib_select, prune_data_free,
# weight_bits), after they set `name` (for messages) and `models` (their default list). Reads the
# caller's arguments [build_dir] [models...]; sets root, build, corpus, tinyc (checked to exist) and
# work (a temporary folder removed on exit). `splits MODEL` sets pool and test: the model's
# calibration split and test split (.npy; the labels are ${test%.npy}_labels.npy).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
shift || true
[ $# -eq 0 ] || models=("$@")
corpus="$root/../shared/corpus"
tinyc="$build/apps/tinyc/tinyc"
[ -x "$tinyc" ] || { echo "$name: build first (missing $tinyc)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

splits() {
  pool="$corpus/data/fmnist_calib.npy" test="$corpus/data/fmnist_test_2k.npy"
  if [[ "$1" == digits_* ]]; then pool="$corpus/data/digits_calib.npy" test="$corpus/data/digits_test.npy"; fi
}

#!/usr/bin/env bash
# README command 1: set up, build, and run tinyc's main job on the bundled example model.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
tinyc="$root/build/apps/tinyc/tinyc"
out="$root/build/demo"
mkdir -p "$out"
ex="$root/examples"
"$tinyc" inspect "$ex/digits_cnn.onnx"
# int8 TFLite blob + C array + accuracy report; the gate allows one of the 32 sample rows to change.
"$tinyc" compress "$ex/digits_cnn.onnx" --int8 --calib "$ex/digits_calib.npy" --eval "$ex/digits_sample.npy" \
  --labels "$ex/digits_sample_labels.npy" --report "$out/report.json" --max-accuracy-drop 3.2 \
  -o "$out/digits_cnn.tflite" --emit-c "$out/digits_cnn_model.h"
"$tinyc" inspect "$out/digits_cnn.tflite"

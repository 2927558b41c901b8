#!/usr/bin/env bash
# README command 1: set up, build, and run tinyc's main job on the bundled example model.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
tinyc="$root/build/apps/tinyc/tinyc"
out="$root/build/demo"
mkdir -p "$out"
"$tinyc" inspect "$root/examples/digits_cnn.onnx"
"$tinyc" compress "$root/examples/digits_cnn.onnx" -o "$out/digits_cnn.tinyc.onnx"
"$tinyc" inspect "$out/digits_cnn.tinyc.onnx"

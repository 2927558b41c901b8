#!/usr/bin/env bash
# README command 1: set up, build, and run tinyc's main job on the bundled example model.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
"$root/build/apps/tinyc/tinyc" inspect "$root/examples/digits_cnn.onnx"

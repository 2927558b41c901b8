#!/usr/bin/env bash
# README command 2: set up, build, and run every test (unit, corpus, conformance, ONNX Runtime checks).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/install_onnxruntime.sh"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j "$(nproc)"

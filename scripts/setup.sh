#!/usr/bin/env bash
# Installs everything tinyc needs to build and test on Debian 12 (idempotent; root or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libonnx-dev libprotobuf-dev libeigen3-dev libcli11-dev libspdlog-dev catch2
  libflatbuffers-dev flatbuffers-compiler nlohmann-json3-dev zlib1g-dev
  libonnx-testdata
  # Arm NN (TfLiteParser + CpuRef): the independent TFLite runtime of the .tflite interop check
  libarmnn-dev libarmnntfliteparser-dev libarmnn-cpuref-backend22
  # Arm cross compiler, newlib and QEMU: the TFLM firmware test on an emulated Cortex-M4F (tests/firmware)
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
  # clang with its sanitizer and libFuzzer runtimes: scripts/test_sanitized.sh and scripts/fuzz.sh
  clang libclang-rt-14-dev
  # the wall-time arithmetic of the benchmarks/ scripts
  bc
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# the firmware tool's helper scripts (../shared/tools/tflm-cortex-m4/*.py)
command -v python3 >/dev/null 2>&1 || packages+=(python3)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: Debian packages ready"

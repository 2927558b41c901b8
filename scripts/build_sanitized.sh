#!/usr/bin/env bash
# Configures and builds tinyc in build-san/ with clang, AddressSanitizer + UndefinedBehaviorSanitizer and
# libFuzzer instrumentation: the build scripts/test_sanitized.sh and scripts/fuzz.sh use.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
CXX=clang++ cmake -S "$root" -B "$root/build-san" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DTINYC_SANITIZE=address,undefined -DTINYC_FUZZ=ON \
  -DTINYC_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$root/build-san" -j "$(nproc)"

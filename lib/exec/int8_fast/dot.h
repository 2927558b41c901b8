// The inner loop of the fast int8 kernels: a dot product of two int16 rows summed in int32, written
// so that the compiler turns it into SIMD multiply-adds on any target (SSE2's pmaddwd, NEON's smlal).
#pragma once

#include <cstdint>

namespace tinyc::exec::int8_fast {

// Callers keep n * max|a| * max|b| below 2^31 (a row of int8 differences times int8 weights: up
// to 32768 terms), so the int32 sum never wraps and equals the reference kernels' 64-bit sum.
inline int32_t dot_int16(const int16_t* a, const int16_t* b, int64_t n) {
  int32_t sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
  return sum;
}

// The most terms a dot product of int8 differences (|x - z| <= 255) and weight differences
// (|w - z| <= 255) may have without its int32 sum wrapping.
inline constexpr int64_t kMaxDotTerms = 32768;

}  // namespace tinyc::exec::int8_fast

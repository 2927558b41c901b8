// Helpers for the int8 kernel tests: quantization parameter literals, float <-> int8 vectors with the
// kernels' own rounding, NHWC -> NCHW reordering of TFLite test data, and seeded random data.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <span>
#include <vector>

#include "exec/int8_reference/quant_math.h"
#include "ir/quant_params.h"
#include "ir/shape.h"

namespace tinyc::quant_test {

inline ir::QuantParams qp(float scale, int64_t zero_point) { return {{scale}, {zero_point}, 0}; }

// Every int8 value, -128 .. 127, for the exhaustive activation tests.
inline std::vector<int8_t> all_int8() {
  std::vector<int8_t> v;
  for (int q = -128; q <= 127; ++q) v.push_back(static_cast<int8_t>(q));
  return v;
}

inline ir::QuantParams per_channel(const std::vector<float>& scales) {
  return {scales, std::vector<int64_t>(scales.size(), 0), 0};
}

inline std::vector<int8_t> quantize(std::span<const float> x, float scale, int32_t zero_point) {
  std::vector<int8_t> q;
  for (float v : x) q.push_back(exec::int8_reference::quantize_value(v, {scale, zero_point}));
  return q;
}

inline std::vector<float> dequantize(std::span<const int8_t> q, float scale, int32_t zero_point) {
  std::vector<float> x;
  for (int8_t v : q) x.push_back(exec::int8_reference::dequantize_value(v, {scale, zero_point}));
  return x;
}

// Float-domain reference: round half away from zero to the int8 grid, clamped.
inline int32_t reference_quantize(double x, float scale, int32_t zero_point) {
  const double q = std::round(x / scale) + zero_point;
  return static_cast<int32_t>(std::fmin(127.0, std::fmax(-128.0, q)));
}

// Reorders a TFLite NHWC (or OHWI) buffer of dims {n, h, w, c} to NCHW (OIHW).
template <class T>
std::vector<T> nhwc_to_nchw(std::span<const T> x, int64_t n, int64_t h, int64_t w, int64_t c) {
  std::vector<T> y(x.size());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j)
        for (int64_t k = 0; k < c; ++k)
          y[static_cast<size_t>(((b * c + k) * h + i) * w + j)] = x[static_cast<size_t>(((b * h + i) * w + j) * c + k)];
  return y;
}

inline std::vector<int8_t> random_int8(std::mt19937& rng, size_t n) {
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

inline std::vector<float> random_floats(std::mt19937& rng, size_t n, float lo, float hi) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Largest |a[i] - b[i]|; the vectors have equal sizes.
template <class A, class B>
int32_t max_abs_diff(const std::vector<A>& a, const std::vector<B>& b) {
  int32_t worst = 0;
  for (size_t i = 0; i < a.size(); ++i)
    worst = std::max<int32_t>(worst, std::abs(static_cast<int32_t>(a[i]) - static_cast<int32_t>(b[i])));
  return worst;
}

}  // namespace tinyc::quant_test

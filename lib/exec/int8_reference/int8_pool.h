// int8 MaxPool and AveragePool over 2-D windows in NCHW, as TFLite Micro's reference pooling: the
// input and output share their quantization parameters, windows are clipped to the input (padding
// is never read), and the average divides the raw int8 sum by the number of in-bounds elements,
// rounding half away from zero.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "exec/int8_reference/quant_math.h"
#include "ir/shape.h"

namespace tinyc::exec::int8_reference {

// Input N x C x H x W; output H/W are floor((in + pads - kernel) / stride) + 1. ONNX's ceil_mode is
// the same as extra end padding here because padding never counts.
struct PoolShape {
  ir::Shape input;
  std::array<int64_t, 2> kernel{1, 1};
  std::array<int64_t, 2> strides{1, 1};
  std::array<int64_t, 4> pads{0, 0, 0, 0};  // top, left, bottom, right
};

// The clipped-window geometry and clamp both pools run on, computed once by prepare_*_pool.
struct PoolParams {
  int64_t planes = 0;  // N * C
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0;
  ActivationRange activation;

  int64_t input_count() const { return planes * in_h * in_w; }
  int64_t output_count() const { return planes * out_h * out_w; }
};

// The input rows or columns [begin, end) of one output row's or column's window, clipped to the
// input (padding is never read); end <= begin when the window holds none.
struct WindowSpan {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end > begin ? end - begin : 0; }
};

inline WindowSpan window_rows(const PoolParams& p, int64_t oy) {
  const int64_t y0 = oy * p.stride_h - p.pad_top;
  return {y0 > 0 ? y0 : 0, y0 + p.kernel_h < p.in_h ? y0 + p.kernel_h : p.in_h};
}

inline WindowSpan window_columns(const PoolParams& p, int64_t ox) {
  const int64_t x0 = ox * p.stride_w - p.pad_left;
  return {x0 > 0 ? x0 : 0, x0 + p.kernel_w < p.in_w ? x0 + p.kernel_w : p.in_w};
}

// InputError unless the output's scale is within 1e-6 of the input's and the zero points match
// (TFLite's requirement), or when a window holds no input element.
PoolParams prepare_max_pool(const PoolShape& shape, const ir::QuantParams& input, const ir::QuantParams& output,
                            ActivationBounds activation);
PoolParams prepare_average_pool(const PoolShape& shape, const ir::QuantParams& input, const ir::QuantParams& output,
                                ActivationBounds activation);

void max_pool_int8(const PoolParams& p, std::span<const int8_t> input, std::span<int8_t> output);
// One average from the int32 sum of a window's `count` in-bounds values: divided, rounding half
// away from zero, then clamped.
inline int8_t average_of_sum(const PoolParams& p, int32_t sum, int32_t count) {
  const int32_t average = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
  return clamp_to(average, p.activation);
}

// Accumulator: the int32 sum of at most kH * kW int8 values.
void average_pool_int8(const PoolParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference

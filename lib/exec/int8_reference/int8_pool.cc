// int8 MaxPool and AveragePool (see int8_pool.h).
#include "exec/int8_reference/int8_pool.h"

#include <algorithm>
#include <cmath>

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_reference {

namespace {

// A window clipped to the input: its rows and its columns.
struct Window {
  WindowSpan rows, columns;
  int64_t size() const { return rows.size() * columns.size(); }
};

Window window_at(const PoolParams& p, int64_t oy, int64_t ox) { return {window_rows(p, oy), window_columns(p, ox)}; }

// Calls visit(plane_input, plane_output_index, window) for every output element.
template <class Visit>
void for_each_window(const PoolParams& p, std::span<const int8_t> input, Visit&& visit) {
  int64_t o = 0;
  for (int64_t plane = 0; plane < p.planes; ++plane) {
    const int8_t* x = input.data() + plane * p.in_h * p.in_w;
    for (int64_t oy = 0; oy < p.out_h; ++oy)
      for (int64_t ox = 0; ox < p.out_w; ++ox) visit(x, o++, window_at(p, oy, ox));
  }
}

PoolParams prepare_pool(const PoolShape& s, const ir::QuantParams& input, const ir::QuantParams& output,
                        ActivationBounds activation, const std::string& op) {
  if (s.input.size() != 4)
    throw InputError(op + " int8: expected a 4-D input (N x C x H x W), got " + ir::shape_to_string(s.input));
  for (int64_t v : s.kernel)
    if (v < 1) throw InputError(op + " int8: kernel_shape must be >= 1");
  for (int64_t v : s.strides)
    if (v < 1) throw InputError(op + " int8: strides must be >= 1");
  for (int64_t v : s.pads)
    if (v < 0) throw InputError(op + " int8: pads must be >= 0");
  const AffineParams in = per_tensor(input, op + " input");
  const AffineParams out = per_tensor(output, op + " output");
  if (std::fabs(static_cast<double>(in.scale) - static_cast<double>(out.scale)) > 1.0e-6 ||
      in.zero_point != out.zero_point)
    throw InputError(op +
                     " int8: input and output must share scale and zero point (TFLite pools raw values); "
                     "give the output the input's parameters");
  PoolParams p;
  p.planes = s.input[0] * s.input[1];
  p.in_h = s.input[2];
  p.in_w = s.input[3];
  p.kernel_h = s.kernel[0];
  p.kernel_w = s.kernel[1];
  p.stride_h = s.strides[0];
  p.stride_w = s.strides[1];
  p.pad_top = s.pads[0];
  p.pad_left = s.pads[1];
  const int64_t room_h = p.in_h + s.pads[0] + s.pads[2] - p.kernel_h;
  const int64_t room_w = p.in_w + s.pads[1] + s.pads[3] - p.kernel_w;
  if (p.in_h <= 0 || p.in_w <= 0 || room_h < 0 || room_w < 0)
    throw InputError(op + " int8: the window does not fit the padded input " + ir::shape_to_string(s.input));
  p.out_h = room_h / p.stride_h + 1;
  p.out_w = room_w / p.stride_w + 1;
  p.activation = activation_range(activation, out);
  return p;
}

}  // namespace

PoolParams prepare_max_pool(const PoolShape& shape, const ir::QuantParams& input, const ir::QuantParams& output,
                            ActivationBounds activation) {
  return prepare_pool(shape, input, output, activation, "MaxPool");
}

PoolParams prepare_average_pool(const PoolShape& shape, const ir::QuantParams& input, const ir::QuantParams& output,
                                ActivationBounds activation) {
  PoolParams p = prepare_pool(shape, input, output, activation, "AveragePool");
  for (int64_t oy = 0; oy < p.out_h; ++oy)
    for (int64_t ox = 0; ox < p.out_w; ++ox)
      if (window_at(p, oy, ox).size() == 0)
        throw InputError("AveragePool int8: output (" + std::to_string(oy) + ", " + std::to_string(ox) +
                         ") covers only padding; TFLite cannot average an empty window, reduce the pads");
  return p;
}

void max_pool_int8(const PoolParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  require_count(input.size(), p.input_count(), "MaxPool int8", "input");
  require_count(output.size(), p.output_count(), "MaxPool int8", "output");
  for_each_window(p, input, [&](const int8_t* x, int64_t o, const Window& w) {
    int32_t best = kInt8Min;
    for (int64_t y = w.rows.begin; y < w.rows.end; ++y)
      for (int64_t c = w.columns.begin; c < w.columns.end; ++c) best = std::max<int32_t>(best, x[y * p.in_w + c]);
    output[static_cast<size_t>(o)] = clamp_to(best, p.activation);
  });
}

void average_pool_int8(const PoolParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  require_count(input.size(), p.input_count(), "AveragePool int8", "input");
  require_count(output.size(), p.output_count(), "AveragePool int8", "output");
  for_each_window(p, input, [&](const int8_t* x, int64_t o, const Window& w) {
    int32_t sum = 0;
    for (int64_t y = w.rows.begin; y < w.rows.end; ++y)
      for (int64_t c = w.columns.begin; c < w.columns.end; ++c) sum += x[y * p.in_w + c];
    output[static_cast<size_t>(o)] = average_of_sum(p, sum, static_cast<int32_t>(w.size()));
  });
}

}  // namespace tinyc::exec::int8_reference

// int8 interface conversions shared by the TFLM and Arm NN checks.
#include "int8_rows.h"

#include <cmath>

#include "formats/tflite/layout.h"

namespace tinyc::tflite_test {

namespace q = exec::quant;

q::AffineParams input_params(const ir::Graph& g) {
  return q::per_tensor(*g.inputs().front()->uses().front().node->output(0)->quant, "model input");
}

q::AffineParams output_params(const ir::Graph& g) {
  return q::per_tensor(*g.outputs().front()->producer()->input(0)->quant, "model output");
}

ir::Tensor int8_nhwc(const ir::Tensor& rows, q::AffineParams p) {
  ir::Tensor quantized(ir::DType::Int8, rows.shape());
  const auto x = rows.values<float>();
  auto out = quantized.mutable_values<int8_t>();
  for (size_t i = 0; i < x.size(); ++i) out[i] = q::quantize_value(x[i], p);
  return rows.shape().size() == 4 ? tflite_format::transpose(quantized, tflite_format::kNhwcFromNchw) : quantized;
}

ir::Tensor int8_of(const ir::Tensor& dequantized, q::AffineParams p) {
  ir::Tensor out(ir::DType::Int8, dequantized.shape());
  const auto f = dequantized.values<float>();
  auto o = out.mutable_values<int8_t>();
  for (size_t i = 0; i < f.size(); ++i) o[i] = static_cast<int8_t>(std::lround(f[i] / p.scale) + p.zero_point);
  return out.shape().size() == 4 ? tflite_format::transpose(out, tflite_format::kNhwcFromNchw) : out;
}

}  // namespace tinyc::tflite_test

// int8 interface conversions shared by the TFLM and Arm NN checks.
#include "int8_rows.h"

#include <cmath>
#include <random>

#include "formats/tflite/layout.h"
#include "formats/tflite/read.h"

namespace tinyc::tflite_test {

namespace q = exec::int8_reference;

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

FileInput file_input(const std::filesystem::path& model) {
  const tflite_format::TfliteSummary s = tflite_format::read_tflite_file(model);
  const tflite_format::TensorSummary& t = s.tensors.at(static_cast<size_t>(s.inputs.at(0)));
  return {t.shape, t.scale.at(0), t.zero_point.at(0)};
}

ir::Tensor uniform_rows(const FileInput& in, int64_t rows, uint32_t seed) {
  ir::Shape shape(in.shape.begin(), in.shape.end());
  shape[0] = rows;
  ir::Tensor t(ir::DType::Float32, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(in.scale * static_cast<float>(-128 - in.zero_point),
                                             in.scale * static_cast<float>(127 - in.zero_point));
  for (float& v : t.mutable_values<float>()) v = dist(rng);
  return t;
}

}  // namespace tinyc::tflite_test

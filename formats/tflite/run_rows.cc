// Row conversions for `tinyc run` on .tflite models: dtype first (float64 -> float32, float -> int8
// with the int8 kernels' own quantize_value), then layout (NHWC rows -> NCHW), then the shape check.
#include "formats/tflite/run_rows.h"

#include <algorithm>
#include <array>

#include "exec/int8_reference/quant_math.h"
#include "formats/tflite/layout.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

ir::Tensor to_float32(const ir::Tensor& data) {
  if (data.dtype() == ir::DType::Float32) return data;
  ir::Tensor out(ir::DType::Float32, data.shape());
  auto dst = out.mutable_values<float>();
  auto src = data.values<double>();
  for (size_t i = 0; i < src.size(); ++i) dst[i] = static_cast<float>(src[i]);
  return out;
}

std::string rows_text(const ir::Shape& model_shape) {
  return "Nx" + ir::shape_to_string(ir::Shape(model_shape.begin() + 1, model_shape.end()));
}

// True when `data` holds rows of `model_shape` (batch 1) or is exactly that shape.
bool fits(const ir::Shape& data, const ir::Shape& model_shape) {
  if (data == model_shape) return true;
  return !model_shape.empty() && model_shape[0] == 1 && data.size() == model_shape.size() &&
         std::equal(data.begin() + 1, data.end(), model_shape.begin() + 1);
}

// Float rows as the input's int8 values; other dtypes unchanged.
ir::Tensor to_input_dtype(const ir::Value& input, ir::Tensor data, const std::string& source) {
  const bool is_float_data = data.dtype() == ir::DType::Float32 || data.dtype() == ir::DType::Float64;
  if (is_float_data) data = to_float32(data);
  if (input.dtype == ir::DType::Int8 && is_float_data) {
    const exec::int8_reference::AffineParams p = exec::int8_reference::per_tensor(*input.quant, "model input '" + input.name + "'");
    ir::Tensor q(ir::DType::Int8, data.shape());
    auto dst = q.mutable_values<int8_t>();
    auto src = data.values<float>();
    for (size_t i = 0; i < src.size(); ++i) dst[i] = exec::int8_reference::quantize_value(src[i], p);
    return q;
  }
  if (data.dtype() == input.dtype) return data;
  const std::string takes = input.dtype == ir::DType::Int8 ? "int8 or float rows" : "float32 rows";
  throw InputError(source + " holds " + std::string(ir::dtype_name(data.dtype())) + " but model input '" + input.name +
                   "' takes " + takes + "; save the data as " +
                   (input.dtype == ir::DType::Int8 ? "int8 or float32" : "float32"));
}

}  // namespace

ir::Shape file_shape_of(const ir::Value& v) {
  if (!v.shape) throw InternalError("value '" + v.name + "' has no shape");
  return v.shape->size() == 4 ? nhwc_shape(*v.shape) : *v.shape;
}

ir::Tensor tflite_input_rows(const ir::Value& input, ir::Tensor data, const std::string& source) {
  if (!input.shape) throw InternalError("model input '" + input.name + "' has no shape");
  const ir::Shape& model_shape = *input.shape;
  if (model_shape.empty()) throw InputError("model input '" + input.name + "' is a scalar; tinyc needs rows of data");
  data = to_input_dtype(input, std::move(data), source);
  if (fits(data.shape(), model_shape)) return data;
  const ir::Shape file_shape = file_shape_of(input);
  if (model_shape.size() == 4 && fits(data.shape(), file_shape)) return transpose(data, kNchwFromNhwc);
  std::string takes = model_shape[0] == 1 ? rows_text(model_shape) : ir::shape_to_string(model_shape);
  if (model_shape.size() == 4)
    takes += " (NCHW) or " + (model_shape[0] == 1 ? rows_text(file_shape) : ir::shape_to_string(file_shape)) +
             " (NHWC, the file's layout)";
  throw InputError(source + " has shape " + ir::shape_to_string(data.shape()) + " but model input '" + input.name +
                   "' takes " + takes);
}

ir::Tensor tflite_output_rows(const ir::Value& output, const ir::Tensor& rows, bool dequantize) {
  ir::Tensor out = rows.shape().size() == 4 ? transpose(rows, kNhwcFromNchw) : rows;
  if (!dequantize || out.dtype() != ir::DType::Int8) return out;
  if (!output.quant) throw InternalError("int8 output '" + output.name + "' has no quantization parameters");
  const exec::int8_reference::AffineParams p = exec::int8_reference::per_tensor(*output.quant, "model output '" + output.name + "'");
  ir::Tensor real(ir::DType::Float32, out.shape());
  auto dst = real.mutable_values<float>();
  auto src = out.values<int8_t>();
  for (size_t i = 0; i < src.size(); ++i) dst[i] = exec::int8_reference::dequantize_value(src[i], p);
  return real;
}

}  // namespace tinyc::tflite_format

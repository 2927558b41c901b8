// User data -> model input rows.
#include "exec/input_data.h"

#include <algorithm>

#include "ir/error.h"

namespace tinyc::exec {

namespace {

std::string row_shape_text(const ir::Shape& model_shape) {
  ir::Shape rest(model_shape.begin() + 1, model_shape.end());
  return "Nx" + ir::shape_to_string(rest);
}

ir::Tensor to_float32(const ir::Tensor& data) {
  ir::Tensor out(ir::DType::Float32, data.shape());
  auto dst = out.mutable_values<float>();
  auto src = data.values<double>();
  for (size_t i = 0; i < src.size(); ++i) dst[i] = static_cast<float>(src[i]);
  return out;
}

}  // namespace

ir::Tensor as_input_rows(const ir::Value& input, ir::Tensor data, const std::string& source) {
  if (!input.shape) throw InternalError("model input '" + input.name + "' has no shape");
  const ir::Shape& model_shape = *input.shape;
  const std::string want_dtype(ir::dtype_name(input.dtype));
  if (data.dtype() == ir::DType::Float64 && input.dtype == ir::DType::Float32) data = to_float32(data);
  if (data.dtype() != input.dtype)
    throw InputError(source + " holds " + std::string(ir::dtype_name(data.dtype())) + " but model input '" +
                     input.name + "' takes " + want_dtype + "; save the data as " + want_dtype);
  const ir::Shape& shape = data.shape();
  const bool batch_one = !model_shape.empty() && model_shape[0] == 1;
  const bool rows_fit = batch_one && shape.size() == model_shape.size() &&
                        std::equal(shape.begin() + 1, shape.end(), model_shape.begin() + 1);
  if (shape == model_shape || rows_fit) {
    if (model_shape.empty()) throw InputError("model input '" + input.name + "' is a scalar; tinyc needs rows of data");
    return data;
  }
  throw InputError(source + " has shape " + ir::shape_to_string(shape) + " but model input '" + input.name +
                   "' takes " + (batch_one ? row_shape_text(model_shape) : ir::shape_to_string(model_shape)));
}

std::vector<ir::Tensor> as_graph_input_rows(const ir::Graph& g, std::vector<ir::Tensor> data, const std::string& source) {
  if (data.size() != g.inputs().size())
    throw InputError("the model takes " + std::to_string(g.inputs().size()) + " inputs, the " + source + " gives " +
                     std::to_string(data.size()));
  for (size_t i = 0; i < data.size(); ++i) data[i] = as_input_rows(*g.inputs()[i], std::move(data[i]), source);
  return data;
}

}  // namespace tinyc::exec

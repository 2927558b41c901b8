// QuantParams -> QDQ scale and zero point tensors, with the checks that make them valid ONNX.
#include "formats/onnx/qdq_params.h"

#include <cmath>
#include <limits>
#include <string>

#include "ir/error.h"

namespace tinyc::onnx_format {

namespace {

template <class T>
bool fits(int64_t z) {
  return z >= std::numeric_limits<T>::min() && z <= std::numeric_limits<T>::max();
}

bool zero_point_fits(ir::DType dtype, int64_t z) {
  switch (dtype) {
    case ir::DType::Int8: return fits<int8_t>(z);
    case ir::DType::UInt8: return fits<uint8_t>(z);
    case ir::DType::Int32: return fits<int32_t>(z);
    default: return false;
  }
}

template <class T>
ir::Tensor narrow(const ir::Shape& shape, const std::vector<int64_t>& values) {
  return ir::Tensor::from_vector<T>(shape, std::vector<T>(values.begin(), values.end()));
}

const ir::Shape* shape_of(const ir::Value& v) {
  if (v.is_constant()) return &v.constant().shape();
  return v.shape ? &*v.shape : nullptr;
}

}  // namespace

void check_qdq_params(const ir::Value& v) {
  const ir::QuantParams& q = *v.quant;
  const auto fail = [&](const std::string& problem) {
    throw InputError("value '" + v.name + "': " + problem + "; it cannot be written as QDQ ONNX");
  };
  if (v.dtype != ir::DType::Int8 && v.dtype != ir::DType::UInt8 && v.dtype != ir::DType::Int32)
    fail("quantized values must be int8, uint8 or int32, this one is " + std::string(ir::dtype_name(v.dtype)));
  if (q.scale.empty() || q.scale.size() != q.zero_point.size())
    fail(std::to_string(q.scale.size()) + " scales and " + std::to_string(q.zero_point.size()) + " zero points");
  for (size_t c = 0; c < q.scale.size(); ++c) {
    if (!std::isfinite(q.scale[c]) || q.scale[c] <= 0) fail("scale " + std::to_string(q.scale[c]) + " is not positive");
    if (!zero_point_fits(v.dtype, q.zero_point[c]))
      fail("zero point " + std::to_string(q.zero_point[c]) + " is outside " + std::string(ir::dtype_name(v.dtype)));
  }
  if (!q.per_channel()) return;
  const ir::Shape* shape = shape_of(v);
  if (!shape) fail("per-channel parameters on a value without a shape");
  const auto rank = static_cast<int64_t>(shape->size());
  if (q.axis < 0 || q.axis >= rank)
    fail("axis " + std::to_string(q.axis) + " is outside its rank " + std::to_string(rank));
  if ((*shape)[static_cast<size_t>(q.axis)] != static_cast<int64_t>(q.scale.size()))
    fail(std::to_string(q.scale.size()) + " scales for " + std::to_string((*shape)[static_cast<size_t>(q.axis)]) +
         " channels on axis " + std::to_string(q.axis));
}

QdqParamTensors qdq_param_tensors(const ir::Value& v) {
  const ir::QuantParams& q = *v.quant;
  // One scale is a per-tensor scalar; several lie along the value's axis.
  const ir::Shape shape = q.per_channel() ? ir::Shape{static_cast<int64_t>(q.scale.size())} : ir::Shape{};
  QdqParamTensors t;
  t.scale = ir::Tensor::from_vector<float>(shape, q.scale);
  switch (v.dtype) {
    case ir::DType::Int8: t.zero_point = narrow<int8_t>(shape, q.zero_point); break;
    case ir::DType::UInt8: t.zero_point = narrow<uint8_t>(shape, q.zero_point); break;
    case ir::DType::Int32: t.zero_point = narrow<int32_t>(shape, q.zero_point); break;
    default:
      throw InternalError("qdq_param_tensors on " + std::string(ir::dtype_name(v.dtype)) + " value '" + v.name + "'");
  }
  return t;
}

}  // namespace tinyc::onnx_format

// TensorProto decoding (raw, typed fields, external) and encoding (raw_data / string_data).
#include "formats/onnx/tensor_proto.h"

#include <bit>
#include <cstring>

#include "formats/onnx/dtype_map.h"
#include "formats/onnx/external_data.h"
#include "ir/error.h"

namespace tinyc::onnx_format {

// ONNX raw_data is little-endian, and so is the IR's byte layout: a plain copy is exact.
static_assert(std::endian::native == std::endian::little, "tinyc assumes a little-endian host");

namespace {

using onnx::TensorProto;

// The typed repeated field a tensor's values would be in, and how many it holds.
struct TypedField {
  const char* name;
  int count;
};

TypedField typed_field_of(const TensorProto& p, ir::DType d) {
  switch (d) {
    case ir::DType::Float32: return {"float_data", p.float_data_size()};
    case ir::DType::Float64: return {"double_data", p.double_data_size()};
    case ir::DType::Int64: return {"int64_data", p.int64_data_size()};
    case ir::DType::UInt32:
    case ir::DType::UInt64: return {"uint64_data", p.uint64_data_size()};
    case ir::DType::String: return {"string_data", p.string_data_size()};
    default: return {"int32_data", p.int32_data_size()};  // 8/16-bit ints, int32, bool, float16 bits
  }
}

template <class Dst, class Field, class Convert>
void store_each(const Field& field, std::span<uint8_t> dest, Convert convert) {
  for (int i = 0; i < field.size(); ++i) {
    const Dst v = convert(field.Get(i));
    std::memcpy(dest.data() + static_cast<size_t>(i) * sizeof(Dst), &v, sizeof(Dst));
  }
}

template <class Dst, class Field>
void store_each(const Field& field, std::span<uint8_t> dest) {
  store_each<Dst>(field, dest, [](auto v) { return static_cast<Dst>(v); });
}

void copy_typed_field(const TensorProto& p, ir::Tensor& t) {
  const std::span<uint8_t> dest = t.mutable_bytes();
  switch (t.dtype()) {
    case ir::DType::Float32: store_each<float>(p.float_data(), dest); break;
    case ir::DType::Float64: store_each<double>(p.double_data(), dest); break;
    case ir::DType::Float16:
    case ir::DType::UInt16: store_each<uint16_t>(p.int32_data(), dest); break;
    case ir::DType::Int16: store_each<int16_t>(p.int32_data(), dest); break;
    case ir::DType::Int8: store_each<int8_t>(p.int32_data(), dest); break;
    case ir::DType::UInt8: store_each<uint8_t>(p.int32_data(), dest); break;
    case ir::DType::Int32: store_each<int32_t>(p.int32_data(), dest); break;
    case ir::DType::Bool: store_each<uint8_t>(p.int32_data(), dest, [](int32_t v) { return static_cast<uint8_t>(v != 0); }); break;
    case ir::DType::Int64: store_each<int64_t>(p.int64_data(), dest); break;
    case ir::DType::UInt32: store_each<uint32_t>(p.uint64_data(), dest); break;
    case ir::DType::UInt64: store_each<uint64_t>(p.uint64_data(), dest); break;
    case ir::DType::String: t.strings().assign(p.string_data().begin(), p.string_data().end()); break;
    case ir::DType::Undefined: throw InternalError("copy_typed_field on an undefined dtype");
  }
}

// Shape from dims, checked before anything is allocated.
ir::Shape checked_shape(const TensorProto& proto, const std::string& what) {
  ir::Shape shape(proto.dims().begin(), proto.dims().end());
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] < 0)
      throw InputError(what + " has negative dim " + std::to_string(i) + " (" + std::to_string(shape[i]) +
                       "); the model is malformed");
  try {
    ir::num_elements(shape);
  } catch (const InputError& e) {
    throw InputError(what + ": " + e.what());
  }
  return shape;
}

}  // namespace

ir::Tensor tensor_from_proto(const TensorProto& proto, const std::string& what, const std::filesystem::path& base_dir,
                             const ir::Limits& limits) {
  if (proto.has_segment()) throw InputError(what + " is stored in segments, which tinyc does not support");
  const ir::DType dtype = dtype_from_onnx(proto.data_type(), what);
  const ir::Shape shape = checked_shape(proto, what);
  const int64_t count = ir::num_elements(shape);
  const std::string needs = std::string(ir::dtype_name(dtype)) + " " + ir::shape_to_string(shape) + " needs ";
  // Sizes are checked against the data actually present before the tensor is allocated.
  const bool external = proto.data_location() == TensorProto::EXTERNAL;
  if ((external || proto.has_raw_data()) && dtype == ir::DType::String)
    throw InputError(what + " is a string tensor stored as raw or external bytes; ONNX keeps strings in string_data");
  const auto need_bytes = static_cast<uint64_t>(ir::check_tensor_bytes(shape, dtype, limits, what));
  if (external) {
    const ExternalSlice slice = locate_external_data(proto, what, base_dir, need_bytes);
    ir::Tensor t(dtype, shape);
    read_external_data(slice, what, t.mutable_bytes());
    return t;
  }
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != need_bytes)
      throw InputError(what + " has " + std::to_string(raw.size()) + " bytes of raw_data, but " + needs +
                       std::to_string(need_bytes));
    ir::Tensor t(dtype, shape);
    if (!raw.empty()) std::memcpy(t.mutable_bytes().data(), raw.data(), raw.size());
    return t;
  }
  const TypedField field = typed_field_of(proto, dtype);
  if (field.count != count)
    throw InputError(what + " has " + std::to_string(field.count) + " values in " + field.name + ", but " + needs +
                     std::to_string(count));
  ir::Tensor t(dtype, shape);
  copy_typed_field(proto, t);
  return t;
}

void tensor_to_proto(const ir::Tensor& t, TensorProto& proto) {
  if (t.dtype() == ir::DType::Undefined) throw InternalError("cannot export a tensor of undefined dtype");
  proto.clear_dims();
  for (int64_t d : t.shape()) proto.add_dims(d);
  proto.set_data_type(dtype_to_onnx(t.dtype()));
  if (t.dtype() == ir::DType::String) {
    for (const std::string& s : t.strings()) proto.add_string_data(s);
  } else {
    proto.set_raw_data(t.bytes().data(), t.bytes().size());
  }
}

}  // namespace tinyc::onnx_format

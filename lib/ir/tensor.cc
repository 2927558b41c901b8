// Tensor construction, typed access and conversions.
#include "ir/tensor.h"

namespace tinyc::ir {

Tensor::Tensor(DType dtype, Shape shape)
    : dtype_(dtype), shape_(std::move(shape)), num_elements_(ir::num_elements(shape_)) {
  if (dtype_ == DType::String) {
    strings_.resize(static_cast<size_t>(num_elements_));
  } else {
    const size_t elem = dtype_size(dtype_);
    if (elem == 0) throw InternalError("Tensor of undefined dtype");
    if (num_elements_ > static_cast<int64_t>(SIZE_MAX / 2 / elem))
      throw InputError("tensor of shape " + shape_to_string(shape_) + " is too large to hold in memory");
    bytes_.resize(static_cast<size_t>(num_elements_) * elem);
  }
}

void Tensor::check_type(DType requested) const {
  if (requested != dtype_)
    throw InternalError("tensor holds " + std::string(dtype_name(dtype_)) + ", accessed as " +
                        std::string(dtype_name(requested)));
}

namespace {
template <class Out>
std::vector<Out> convert(const Tensor& t) {
  std::vector<Out> out;
  out.reserve(static_cast<size_t>(t.num_elements()));
  auto take = [&](auto span) {
    for (auto v : span) out.push_back(static_cast<Out>(v));
  };
  switch (t.dtype()) {
    case DType::Float32: take(t.values<float>()); break;
    case DType::Float64: take(t.values<double>()); break;
    case DType::Int8: take(t.values<int8_t>()); break;
    case DType::UInt8: take(t.values<uint8_t>()); break;
    case DType::Int16: take(t.values<int16_t>()); break;
    case DType::UInt16: take(t.values<uint16_t>()); break;
    case DType::Int32: take(t.values<int32_t>()); break;
    case DType::UInt32: take(t.values<uint32_t>()); break;
    case DType::Int64: take(t.values<int64_t>()); break;
    case DType::UInt64: take(t.values<uint64_t>()); break;
    case DType::Bool: take(t.values<bool>()); break;
    default:
      throw InputError("cannot read " + std::string(dtype_name(t.dtype())) + " tensor as numbers");
  }
  return out;
}
}  // namespace

std::vector<int64_t> Tensor::to_int64() const {
  if (is_float(dtype_)) throw InputError("expected an integer tensor, got " + std::string(dtype_name(dtype_)));
  return convert<int64_t>(*this);
}

std::vector<double> Tensor::to_double() const { return convert<double>(*this); }

bool Tensor::operator==(const Tensor& other) const {
  return dtype_ == other.dtype_ && shape_ == other.shape_ && bytes_ == other.bytes_ && strings_ == other.strings_;
}

}  // namespace tinyc::ir

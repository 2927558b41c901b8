// Tensor: constant data owned by the IR (initializers, Constant attributes, folded values).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "ir/dtype.h"
#include "ir/error.h"
#include "ir/shape.h"

namespace tinyc::ir {

// A dense, C-order block of elements with a dtype and a shape. String tensors keep their
// elements in `strings`; every other dtype keeps raw little-endian bytes in `bytes`.
class Tensor {
 public:
  Tensor() = default;
  // Zero-filled tensor of the given type and shape.
  Tensor(DType dtype, Shape shape);

  template <class T>
  static Tensor from_vector(Shape shape, const std::vector<T>& values) {
    Tensor t(dtype_of<T>(), std::move(shape));
    if (static_cast<int64_t>(values.size()) != t.num_elements())
      throw InternalError("Tensor::from_vector: " + std::to_string(values.size()) + " values for shape " +
                          shape_to_string(t.shape_));
    if (!values.empty()) std::memcpy(t.bytes_.data(), values.data(), t.bytes_.size());
    return t;
  }
  template <class T>
  static Tensor scalar(T value) {
    return from_vector<T>({}, {value});
  }

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t num_elements() const { return num_elements_; }
  size_t byte_size() const { return bytes_.size(); }

  std::span<const uint8_t> bytes() const { return bytes_; }
  std::span<uint8_t> mutable_bytes() { return bytes_; }
  std::vector<std::string>& strings() { return strings_; }
  const std::vector<std::string>& strings() const { return strings_; }

  // Typed view; throws InternalError when T does not match the dtype.
  template <class T>
  std::span<const T> values() const {
    check_type(dtype_of<T>());
    return {reinterpret_cast<const T*>(bytes_.data()), static_cast<size_t>(num_elements_)};
  }
  template <class T>
  std::span<T> mutable_values() {
    check_type(dtype_of<T>());
    return {reinterpret_cast<T*>(bytes_.data()), static_cast<size_t>(num_elements_)};
  }

  // Any integer tensor's elements widened to int64 (shape-like data: Reshape targets, pads, axes).
  std::vector<int64_t> to_int64() const;
  // Any float or integer tensor's elements converted to double.
  std::vector<double> to_double() const;

  bool operator==(const Tensor& other) const;

 private:
  void check_type(DType requested) const;

  DType dtype_ = DType::Undefined;
  Shape shape_;
  int64_t num_elements_ = 0;
  std::vector<uint8_t> bytes_;
  std::vector<std::string> strings_;
};

}  // namespace tinyc::ir

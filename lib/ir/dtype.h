// Element types the IR can hold; independent of any file format's numbering.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tinyc::ir {

// The element type of a Value or Tensor. Undefined means "not inferred yet".
enum class DType : uint8_t {
  Undefined,
  Float32,
  Float64,
  Float16,
  Int8,
  UInt8,
  Int16,
  UInt16,
  Int32,
  UInt32,
  Int64,
  UInt64,
  Bool,
  String,
};

// Bytes per element; 0 for Undefined and String.
size_t dtype_size(DType t);
std::string_view dtype_name(DType t);
bool is_float(DType t);
bool is_integer(DType t);

// Maps a C++ element type to its DType at compile time.
template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<double>() { return DType::Float64; }
template <> constexpr DType dtype_of<int8_t>() { return DType::Int8; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::UInt8; }
template <> constexpr DType dtype_of<int16_t>() { return DType::Int16; }
template <> constexpr DType dtype_of<uint16_t>() { return DType::UInt16; }
template <> constexpr DType dtype_of<int32_t>() { return DType::Int32; }
template <> constexpr DType dtype_of<uint32_t>() { return DType::UInt32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::Int64; }
template <> constexpr DType dtype_of<uint64_t>() { return DType::UInt64; }
template <> constexpr DType dtype_of<bool>() { return DType::Bool; }

}  // namespace tinyc::ir

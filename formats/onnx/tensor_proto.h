// TensorProto <-> ir::Tensor: the one place that knows ONNX's ways of storing tensor data.
#pragma once

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <string>

#include "ir/limits.h"
#include "ir/tensor.h"

namespace tinyc::onnx_format {

// Decodes raw_data, any typed field (float_data, int32_data, ...) or external data (resolved
// against `base_dir`). `what` names the tensor in errors ("tensor 'w'"). Throws InputError for
// negative or overflowing dims, unsupported element types, data whose size does not match, and
// tensors above limits.max_tensor_bytes (checked before allocating).
ir::Tensor tensor_from_proto(const onnx::TensorProto& proto, const std::string& what,
                             const std::filesystem::path& base_dir, const ir::Limits& limits = {});

// Fills dims, data_type and the data (little-endian raw_data; string_data for strings).
// The proto's name is left to the caller.
void tensor_to_proto(const ir::Tensor& t, onnx::TensorProto& proto);

}  // namespace tinyc::onnx_format

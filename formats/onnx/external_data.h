// External tensor data (data_location = EXTERNAL): bytes kept in a file beside the model.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace tinyc::onnx_format {

// Where a tensor's bytes live, checked: inside the model's folder and long enough.
struct ExternalSlice {
  std::filesystem::path file;
  uint64_t offset = 0;
};

// Resolves the proto's external_data (location/offset/length) against `base_dir` for a tensor
// of `need_bytes` bytes. Throws InputError naming `what` for absolute paths, paths whose
// canonical form leaves `base_dir`, a missing file, malformed offset/length, or a short file.
ExternalSlice locate_external_data(const onnx::TensorProto& proto, const std::string& what,
                                   const std::filesystem::path& base_dir, uint64_t need_bytes);

// Reads exactly dest.size() bytes of a located slice.
void read_external_data(const ExternalSlice& slice, const std::string& what, std::span<uint8_t> dest);

}  // namespace tinyc::onnx_format

// Whole-file reads for model and tensor files, each failure reported as one clear line.
#pragma once

#include <filesystem>
#include <string>

namespace tinyc::onnx_format {

// Returns the file's bytes. `kind` names the file in errors ("model file", "tensor file").
// Throws InputError when the path does not exist, is a folder, or cannot be opened or read.
std::string read_file_bytes(const std::filesystem::path& path, const std::string& kind);

}  // namespace tinyc::onnx_format

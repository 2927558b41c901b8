// NumPy .npy/.npz reading and writing: the data format of calibration, eval and output files.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "ir/tensor.h"

namespace tinyc::io {

// Reads a C-order .npy of float32/float64/uint8/int8/int32/int64 (also bool/int16).
// Throws InputError naming the file for: missing/unreadable file, bad magic or header,
// Fortran order, unsupported dtype (e.g. '<U8' or big-endian), truncated data.
ir::Tensor read_npy(const std::filesystem::path& path);

// Writes a C-order little-endian .npy atomically (temp file + rename).
void write_npy(const std::filesystem::path& path, const ir::Tensor& t);

// Reads every array of an .npz (stored or deflated members), keyed by name without ".npy".
std::map<std::string, ir::Tensor> read_npz(const std::filesystem::path& path);

// Writes an uncompressed .npz atomically.
void write_npz(const std::filesystem::path& path, const std::map<std::string, ir::Tensor>& arrays);

}  // namespace tinyc::io

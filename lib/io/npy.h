// NumPy .npy/.npz reading and writing: the data format of calibration, eval and output files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>

#include "ir/tensor.h"

namespace tinyc::io {

// Reads a C-order little-endian .npy (format 1.0, 2.0 or 3.0) of float16/32/64, int8/16/32/64,
// uint8/16/32/64 or bool. Throws InputError naming the file for: missing/unreadable file, bad magic
// or header, Fortran order, unsupported dtype (e.g. '<U8' or big-endian), truncated data.
ir::Tensor read_npy(const std::filesystem::path& path);

// Writes a C-order little-endian .npy atomically (temp file + rename).
void write_npy(const std::filesystem::path& path, const ir::Tensor& t);

// Decodes .npy bytes held in memory (an .npz member); `source` names them in error messages.
ir::Tensor decode_npy(std::span<const uint8_t> bytes, const std::string& source);

// Encodes a tensor as .npy bytes: format 1.0 header padded so the data starts at a multiple of 64.
// Throws InputError naming `target` for dtypes .npy cannot hold here (string, undefined).
std::string encode_npy(const ir::Tensor& t, const std::string& target);

// Reads every array of an .npz (stored or deflated members), keyed by name without ".npy".
std::map<std::string, ir::Tensor> read_npz(const std::filesystem::path& path);

// Writes an uncompressed .npz atomically.
void write_npz(const std::filesystem::path& path, const std::map<std::string, ir::Tensor>& arrays);

}  // namespace tinyc::io

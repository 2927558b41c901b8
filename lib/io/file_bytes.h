// Opening and reading the user's input files, each failure reported as one clear InputError line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace tinyc::io {

// An input file opened for binary reading. It exists so every reader (models, tensors, .npy, .npz)
// rejects a missing path, a folder or an unreadable file with the same messages, and so readers that
// take a file in pieces (read_npy) can check a header's promises against size() before allocating.
class InputFile {
 public:
  // `kind` names the file in errors ("model file", "data file"). Throws InputError when the path
  // does not exist, is a folder or another non-regular file, or cannot be opened.
  InputFile(const std::filesystem::path& path, const std::string& kind);

  // The size the file had when it was opened.
  uint64_t size() const { return size_; }

  // Reads exactly `n` bytes starting at `offset`; throws InputError when the read stops early.
  void read_at(uint64_t offset, void* dst, size_t n);

 private:
  std::string description_;  // e.g. "data file 'x.npy'"
  std::ifstream in_;
  uint64_t size_ = 0;
};

// Returns the whole file's bytes; throws InputError as InputFile does.
std::string read_file_bytes(const std::filesystem::path& path, const std::string& kind);

}  // namespace tinyc::io

// Input-file checks and reads: every filesystem failure becomes an InputError naming the file.
#include "io/file_bytes.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include "ir/error.h"

namespace tinyc::io {

namespace fs = std::filesystem;

InputFile::InputFile(const fs::path& path, const std::string& kind)
    : description_(kind + " '" + path.string() + "'") {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) throw InputError(description_ + " does not exist");
  if (ec) throw InputError("cannot read " + description_ + ": " + ec.message());
  if (fs::is_directory(status)) throw InputError(description_ + " is a folder, not a file");
  if (!fs::is_regular_file(status)) throw InputError(description_ + " is not a regular file");
  size_ = fs::file_size(path, ec);
  if (ec) throw InputError("cannot read " + description_ + ": " + ec.message());
  in_.open(path, std::ios::binary);
  if (!in_) throw InputError("cannot open " + description_ + ": " + std::strerror(errno));
}

void InputFile::read_at(uint64_t offset, void* dst, size_t n) {
  in_.seekg(static_cast<std::streamoff>(offset));
  in_.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
  if (!in_ || static_cast<size_t>(in_.gcount()) != n)
    throw InputError("cannot read " + description_ + ": the read stopped early");
}

std::string read_file_bytes(const fs::path& path, const std::string& kind) {
  InputFile file(path, kind);
  std::string bytes(static_cast<size_t>(file.size()), '\0');
  file.read_at(0, bytes.data(), bytes.size());
  return bytes;
}

}  // namespace tinyc::io

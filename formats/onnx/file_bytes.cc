// Reads a file into memory, turning every filesystem failure into an InputError.
#include "formats/onnx/file_bytes.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "ir/error.h"

namespace tinyc::onnx_format {

std::string read_file_bytes(const std::filesystem::path& path, const std::string& kind) {
  namespace fs = std::filesystem;
  const std::string quoted = "'" + path.string() + "'";
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw InputError(kind + " " + quoted + " does not exist");
  if (fs::is_directory(status)) throw InputError(kind + " " + quoted + " is a folder, not a file");
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) throw InputError("cannot read " + kind + " " + quoted + ": " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open " + kind + " " + quoted + ": " + std::strerror(errno));
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (static_cast<uintmax_t>(in.gcount()) != size)
    throw InputError("cannot read " + kind + " " + quoted + ": the read stopped early");
  return bytes;
}

}  // namespace tinyc::onnx_format

// Temp-file-then-rename output.
#include "io/atomic_file.h"

#include <unistd.h>

#include <fstream>
#include <system_error>

#include "ir/error.h"

namespace tinyc::io {

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError("cannot write '" + path.string() + "': folder '" + dir.string() + "' does not exist");
  const fs::path tmp = dir / ("." + path.filename().string() + ".tmp" + std::to_string(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError("cannot write '" + path.string() + "': folder is not writable");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      throw InputError("cannot write '" + path.string() + "': write failed (disk full?)");
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError("cannot write '" + path.string() + "': " + ec.message());
  }
}

}  // namespace tinyc::io

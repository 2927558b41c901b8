// Temp-file-then-rename output. The temp file is created exclusively (mkstemp), so a link planted at
// its name can never redirect the write.
#include "io/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

#include "ir/error.h"

namespace tinyc::io {

namespace {

// The permissions a new file gets from the process umask (mkstemp creates 0600).
mode_t default_file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return static_cast<mode_t>(0666 & ~mask);
}

// Writes all of `bytes` to `fd`; false on an error (errno set).
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError("cannot write '" + path.string() + "': folder '" + dir.string() + "' does not exist");
  if (fs::is_directory(path, ec))
    throw InputError("cannot write '" + path.string() + "': it is a folder; give a file name");
  std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0)
    throw InputError("cannot write '" + path.string() + "': " + std::strerror(errno) + " (folder '" + dir.string() + "')");
  const fs::path tmp(temp);
  const bool written = write_all(fd, bytes) && ::fchmod(fd, default_file_mode()) == 0;
  const int write_error = errno;
  if (::close(fd) != 0 || !written) {
    fs::remove(tmp, ec);
    throw InputError("cannot write '" + path.string() + "': " + std::strerror(written ? errno : write_error) +
                     " (disk full?)");
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError("cannot write '" + path.string() + "': " + ec.message());
  }
}

}  // namespace tinyc::io

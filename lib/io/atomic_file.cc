// Temp-file-then-rename output. The temp file is created exclusively (mkstemp), so a link planted at
// its name can never redirect the write.
#include "io/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <system_error>

#include "ir/error.h"

namespace tinyc::io {

namespace {

// Temp files that exist right now. A temp file is created and registered, and renamed and
// unregistered, under the lock, so whoever holds it sees exactly the temp files on disk.
std::mutex& temp_files_lock() {
  static std::mutex lock;
  return lock;
}
std::set<std::string>& temp_files() {
  static std::set<std::string> files;
  return files;
}

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
  int fd = -1;
  {
    const std::lock_guard<std::mutex> hold(temp_files_lock());
    fd = ::mkstemp(temp.data());
    if (fd < 0)
      throw InputError("cannot write '" + path.string() + "': " + std::strerror(errno) + " (folder '" + dir.string() +
                       "')");
    temp_files().insert(temp);
  }
  const fs::path tmp(temp);
  const bool written = write_all(fd, bytes) && ::fchmod(fd, default_file_mode()) == 0;
  const int write_error = errno;
  const bool closed = ::close(fd) == 0;
  const int close_error = errno;
  const std::lock_guard<std::mutex> hold(temp_files_lock());
  temp_files().erase(temp);
  if (!closed || !written) {
    fs::remove(tmp, ec);
    throw InputError("cannot write '" + path.string() + "': " + std::strerror(written ? close_error : write_error) +
                     " (disk full?)");
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError("cannot write '" + path.string() + "': " + ec.message());
  }
}

void check_can_create_beside(const std::filesystem::path& path, const std::string& what) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string probe = (dir / ".tinyc-write-check.XXXXXX").string();
  const std::lock_guard<std::mutex> hold(temp_files_lock());  // an interrupt never finds the probe on disk
  const int fd = ::mkstemp(probe.data());
  if (fd < 0)
    throw InputError(what + " " + path.string() + ": cannot create files in folder '" + dir.string() +
                     "': " + std::strerror(errno) + "; choose a writable folder");
  ::close(fd);
  ::unlink(probe.c_str());
}

size_t abandon_atomic_writes() {
  temp_files_lock().lock();  // never unlocked: the process ends next
  for (const std::string& temp : temp_files()) ::unlink(temp.c_str());
  return temp_files().size();
}

}  // namespace tinyc::io

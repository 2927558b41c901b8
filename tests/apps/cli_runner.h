// Runs the real `tinyc` binary in a test and captures exit code, stdout and stderr.
#pragma once

#include <filesystem>
#include <string>

namespace tinyc::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `args` is appended to the tinyc executable path as a shell command line.
CliResult run_tinyc(const std::string& args);

// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace tinyc::test

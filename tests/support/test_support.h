// The helpers every test folder needs once: temp folders, whole-file I/O, the InputError a call
// throws, the shared corpus, and running a command with its output captured.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tinyc::test {

// A fresh folder of its own under the system temp folder (mkdtemp), removed with its contents when
// the object dies, so tests running in parallel never share or leave files.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Whole-file reads and writes; a file that cannot be opened or written fails the test.
std::string read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, std::string_view bytes);

// Runs `f` and returns the message of the InputError it throws; fails the test when it returns
// normally or throws anything else.
std::string input_error_of(const std::function<void()>& f);

// The shared corpus folder, its parsed manifest.json, and a manifest model's absolute path.
std::filesystem::path corpus_dir();
const nlohmann::json& corpus_manifest();
std::filesystem::path corpus_model_path(const std::string& name);

// What one command returned: the exit status (-1 when it did not exit normally) and both streams.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up on PATH) with the other words as its arguments, each passed verbatim
// (no shell expansion), with stdin empty, in `working_dir` (default: the current folder); a missing
// program exits 127.
CommandResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& working_dir = {});

}  // namespace tinyc::test

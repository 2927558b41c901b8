// SIGINT and SIGTERM during a long compress: exit 130 / 143, one line on stderr, and the output folder
// left as it was (no model, no report, no temp file).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.h"

using namespace tinyc;

namespace fs = std::filesystem;

namespace {

// Starts tinyc with default SIGINT/SIGTERM handling (a test runner may start us with them ignored),
// stderr into `err`; returns its pid.
pid_t spawn_tinyc(std::vector<std::string> args, const fs::path& err) {
  args.insert(args.begin(), TINYC_EXE);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, TINYC_EXE, &files, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  REQUIRE(rc == 0);
  return pid;
}

std::vector<std::string> folder_entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("an interrupted compress exits 130 or 143 and leaves no file behind") {
  const fs::path data = test::corpus_dir() / "data";
  const auto [signal, exit_code, name] = GENERATE(std::make_tuple(SIGINT, 130, "SIGINT"),
                                                  std::make_tuple(SIGTERM, 143, "SIGTERM"));
  CAPTURE(name);
  test::TempDir streams, outputs;
  const fs::path err = streams.path() / "stderr";
  // Pruning, calibration and a 2,000-row evaluation of resnet8: many seconds of work.
  const pid_t pid = spawn_tinyc({"compress", test::corpus_model_path("fmnist_resnet8").string(), "--int8", "--prune",
                                 "0.5", "--calib", (data / "fmnist_calib.npy").string(), "--eval",
                                 (data / "fmnist_test_2k.npy").string(), "--labels",
                                 (data / "fmnist_test_2k_labels.npy").string(), "-o",
                                 (outputs.path() / "m.tflite").string(), "--emit-c",
                                 (outputs.path() / "m.h").string(), "--report",
                                 (outputs.path() / "r.json").string()},
                                err);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  int status = 0;
  REQUIRE(waitpid(pid, &status, WNOHANG) == 0);  // still working
  REQUIRE(kill(pid, signal) == 0);
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == exit_code);
  CHECK(test::read_bytes(err).find(std::string("tinyc: interrupted by ") + name) != std::string::npos);
  CHECK(folder_entries(outputs.path()).empty());
}

// Running an external program (the firmware kit's make and QEMU) with its output captured, for
// `tinyc firmware`. No shell: each argument is passed as it is.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tinyc::cli {

// What a finished program returned: its exit status (128 + N when killed by signal N) and what it
// wrote on stdout and stderr, interleaved.
struct ProcessResult {
  int exit_code = -1;
  std::string output;
};

// Runs argv[0] (looked up on PATH) with `environment` added to tinyc's own, stdin empty, stdout and
// stderr into `log` (then read back). InputError when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment,
                          const std::filesystem::path& log);

// Whether `program` is an executable file on PATH.
bool on_path(const std::string& program);

}  // namespace tinyc::cli

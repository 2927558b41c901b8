// The tinyc executable as a test subprocess (see cli_runner.h).
#include "cli_runner.h"

namespace tinyc::test {

CommandResult run_tinyc(const std::vector<std::string>& args, const std::filesystem::path& working_dir) {
  std::vector<std::string> argv{TINYC_EXE};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, working_dir);
}

}  // namespace tinyc::test

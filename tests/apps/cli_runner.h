// Runs the real `tinyc` binary in a test and captures exit code, stdout and stderr.
#pragma once

#include <string>
#include <vector>

#include "support/test_support.h"

namespace tinyc::test {

// Runs the tinyc executable built with the tests; each of `args` is passed verbatim.
CommandResult run_tinyc(const std::vector<std::string>& args, const std::filesystem::path& working_dir = {});

}  // namespace tinyc::test

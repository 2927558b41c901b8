// Console logging for the CLI: notices and progress go to stderr, results to stdout.
#pragma once

namespace tinyc::cli {

// verbosity: -1 quiet (warnings and errors only), 0 normal, 1 verbose (-v).
void setup_logging(int verbosity);

}  // namespace tinyc::cli

// Ctrl-C and `kill` during a long compress: exit 130 (SIGINT) or 143 (SIGTERM) with no half-written
// output and no temp file left behind.
#pragma once

namespace tinyc::cli {

// Call first in main, before any thread starts: SIGINT and SIGTERM are then taken by one watcher
// thread, which removes the temp files of writes in progress, says so on stderr and exits 128 + signal.
void exit_cleanly_on_interrupt();

}  // namespace tinyc::cli

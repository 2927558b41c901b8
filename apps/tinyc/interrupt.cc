// The interrupt watcher: signals are blocked in every thread and taken synchronously by sigwait, so
// the cleanup runs as ordinary code (locks, file removal), not inside a signal handler.
#include "interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "io/atomic_file.h"

namespace tinyc::cli {

namespace {

sigset_t interrupt_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

[[noreturn]] void watch(sigset_t signals) {
  int signal = 0;
  while (sigwait(&signals, &signal) != 0) {
  }
  io::abandon_atomic_writes();
  const std::string message = std::string("tinyc: interrupted by ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
                              "; no file was left half-written\n";
  [[maybe_unused]] const ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
  ::_exit(128 + signal);
}

}  // namespace

void exit_cleanly_on_interrupt() {
  const sigset_t signals = interrupt_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread started later
  std::thread(watch, signals).detach();
}

}  // namespace tinyc::cli

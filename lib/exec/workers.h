// Running one worker function on several threads at once: the caller's thread is one of them.
#pragma once

#include <cstdint>
#include <thread>
#include <vector>

namespace tinyc::exec {

// Calls `worker` on `threads` threads (the calling one included) and returns when all have
// returned. Workers share their work through state they capture (e.g. an atomic counter) and must
// not throw.
template <class Worker>
void run_workers(int64_t threads, const Worker& worker) {
  std::vector<std::thread> pool;
  for (int64_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

}  // namespace tinyc::exec

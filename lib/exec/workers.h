// Work shared over the cores: tasks 0..count-1 taken in turn by a few threads, the caller's one of
// them, the first failure passed on. The executor's row chunks and row synthesis's batches.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tinyc::exec {

// Runs task(i) for every i in [0, count) on min(threads, count) threads (threads <= 0: one per
// core), the calling thread included; each thread gets its own task from make_task() (so it may
// keep buffers between its tasks) and takes the next index when done. After a task throws no
// further index is handed out, and the first exception is rethrown once all threads have stopped.
template <class MakeTask>
void run_indexed(int64_t count, int64_t threads, const MakeTask& make_task) {
  const int64_t hardware = std::max<int64_t>(1, std::thread::hardware_concurrency());
  const int64_t workers = std::min<int64_t>(threads > 0 ? threads : hardware, count);
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards `error`
  std::exception_ptr error;
  const auto worker = [&] {
    try {
      auto task = make_task();
      for (int64_t i = next++; i < count && !failed; i = next++) task(i);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  std::vector<std::thread> pool;
  for (int64_t t = 1; t < workers; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace tinyc::exec

// A one-line progress display on stderr, shown only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tinyc::cli {

// Redraws "<label>: done/total <unit>" at most a few times a second; silent in pipes and CI logs.
class ProgressLine {
 public:
  ProgressLine(std::string label, int64_t total, std::string unit = "rows");
  ~ProgressLine();
  void update(int64_t done);

 private:
  std::string label_;
  int64_t total_;
  std::string unit_;
  bool enabled_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace tinyc::cli

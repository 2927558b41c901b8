// Terminal progress line.
#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace tinyc::cli {

ProgressLine::ProgressLine(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)), total_(total), unit_(std::move(unit)), enabled_(::isatty(STDERR_FILENO) == 1) {}

ProgressLine::~ProgressLine() {
  if (enabled_ && last_draw_ != std::chrono::steady_clock::time_point{}) std::fprintf(stderr, "\r\033[K");
}

void ProgressLine::update(int64_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  std::fprintf(stderr, "\r%s: %lld/%lld %s", label_.c_str(), static_cast<long long>(done),
               static_cast<long long>(total_), unit_.c_str());
  std::fflush(stderr);
}

}  // namespace tinyc::cli

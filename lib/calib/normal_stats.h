// Per-channel normal statistics of an activation, the currency of data-free range estimation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tinyc::calib {

// One channel taken as normal.
struct Normal {
  double mean = 0;
  double sd = 0;
};

// An activation's channels along axis 1; one entry stands for every channel when the statistics do
// not vary by channel.
struct ChannelStats {
  std::vector<Normal> channels;

  // Channel c, broadcasting a single entry.
  const Normal& at(int64_t c) const { return channels.size() == 1 ? channels[0] : channels[static_cast<size_t>(c)]; }
  // All channels merged into one (the mixture's mean and standard deviation).
  Normal pooled() const;
};

// The mean and standard deviation of clamp(X, a, b) for X ~ x (a, b may be infinite).
Normal clipped(Normal x, double a, double b);

}  // namespace tinyc::calib

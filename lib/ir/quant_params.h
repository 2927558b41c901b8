// Quantization parameters attached to a Value: r = scale * (q - zero_point).
#pragma once

#include <cstdint>
#include <vector>

namespace tinyc::ir {

// Per-tensor (one scale, axis ignored) or per-channel along `axis` (one scale per channel).
struct QuantParams {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int64_t axis = 0;

  bool per_channel() const { return scale.size() > 1; }
  bool operator==(const QuantParams&) const = default;
};

}  // namespace tinyc::ir

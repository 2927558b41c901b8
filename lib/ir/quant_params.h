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
  // Stored width of the quantized values: 8, or 4 for weights that a file packs two per byte
  // (TFLite INT4). In memory every value takes one int8 either way.
  int bits = 8;

  bool per_channel() const { return scale.size() > 1; }
  bool operator==(const QuantParams&) const = default;
};

}  // namespace tinyc::ir

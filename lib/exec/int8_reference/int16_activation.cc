// The int16 Logistic and Tanh of TensorFlow Lite's integer kernels.
#include "exec/int8_reference/int16_activation.h"

#include <array>
#include <cstdlib>

namespace tinyc::exec::int8_reference {

namespace {

// TFLite's sigmoid table: 65536 * sigmoid(i / 24) for i in [0, 255] as TFLite stores it (its
// entries differ from that formula rounded by up to 2 in places, so they are kept as they are).
// Tanh reads it too, as tanh(x) = 2 * sigmoid(2x) - 1.
constexpr std::array<uint32_t, 256> kSigmoidTable = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535,
};

constexpr uint32_t kLastEntry = 255;

// The rescaled input TFLite interpolates on.
int32_t rescaled(int16_t x, Int16Rescale r) {
  const int32_t round = r.right_shift > 0 ? int32_t{1} << (r.right_shift - 1) : 0;
  return (static_cast<int32_t>(x) * r.multiplier + round) >> r.right_shift;
}

}  // namespace

Int16Rescale tanh_rescale(int scale_log2) {
  // TFLite's LSTM: a left shift of 12 + log2(scale) folded into the multiplier 3, or for scales
  // below 2^-12 a rounding right shift by the difference.
  const int shift = 12 + scale_log2;
  if (shift >= 0) return {3 << shift, 0};
  return {3, -shift};
}

void logistic_int16(std::span<const int16_t> input, std::span<int16_t> output) {
  for (size_t i = 0; i < input.size(); ++i) {
    const int32_t x = rescaled(input[i], {});
    const auto magnitude = static_cast<uint32_t>(std::abs(x));
    const uint32_t entry = magnitude >> 9;  // 2^7 for the input's fraction, 2^2 for the factor 3/4
    uint32_t result = 0x7FFFu << 10;
    if (entry < kLastEntry) {
      const uint32_t low = kSigmoidTable[entry], high = kSigmoidTable[entry + 1];
      result = (low << 9) + (magnitude & 0x1FFu) * (high - low);
    }
    result = x >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1;
    output[i] = static_cast<int16_t>(result >> 10);
  }
}

void tanh_int16(Int16Rescale rescale, std::span<const int16_t> input, std::span<int16_t> output) {
  for (size_t i = 0; i < input.size(); ++i) {
    const int32_t x = rescaled(input[i], rescale);
    const auto magnitude = static_cast<uint32_t>(std::abs(x));
    const uint32_t entry = magnitude >> 8;
    int32_t result = 0xFFFF << 8;
    if (entry < kLastEntry) {
      const uint32_t low = kSigmoidTable[entry], high = kSigmoidTable[entry + 1];
      result = static_cast<int32_t>((low << 8) + (magnitude & 0xFFu) * (high - low));
    }
    result = x >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
    output[i] = static_cast<int16_t>(result >> 8);
  }
}

}  // namespace tinyc::exec::int8_reference

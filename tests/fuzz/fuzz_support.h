// What every fuzz target shares: bad input may be refused (InputError), nothing else may happen.
// Any other exception escapes to libFuzzer as a crash, and so do sanitizer reports, aborts and hangs.
#pragma once

#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "ir/error.h"
#include "ir/limits.h"

namespace tinyc::fuzz {

// The input as bytes.
inline std::string_view bytes_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `f`; a clean refusal of bad input is a normal outcome.
template <class F>
void refusals_only(F&& f) {
  try {
    f();
  } catch (const InputError&) {
  }
}

// The limits the targets import under: 64 MiB per tensor keeps every accepted input within
// libFuzzer's memory budget while still exercising the refusals above it.
inline ir::Limits fuzz_limits() {
  ir::Limits limits;
  limits.max_tensor_bytes = int64_t{64} << 20;
  return limits;
}

// Reads choices from the fuzz input, front to back; past its end every read gives 0.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  // A value in [lo, hi].
  int64_t in_range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next_byte() % static_cast<uint64_t>(hi - lo + 1));
  }
  // Any float bit pattern (NaN, Inf, denormals) one time in 16, else a value in [-4, 4).
  float weight() {
    if (next_byte() % 16 == 0) {
      uint32_t bits = 0;
      for (int i = 0; i < 4; ++i) bits = bits << 8 | next_byte();
      float value;
      std::memcpy(&value, &bits, sizeof value);
      return value;
    }
    return static_cast<float>(static_cast<int>(next_byte()) - 128) / 32.0f;
  }

 private:
  uint8_t next_byte() { return pos_ < size_ ? data_[pos_++] : 0; }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Logging off: notices and warnings about mutated models are expected and only slow the run.
inline void quiet() { spdlog::set_level(spdlog::level::off); }

}  // namespace tinyc::fuzz

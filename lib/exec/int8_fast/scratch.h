// The scratch a fast int8 kernel asked for at prepare: the check that the executor handed over
// enough, and the alignment of the parts laid out in it.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "ir/error.h"

namespace tinyc::exec::int8_fast {

// Throws InternalError when `scratch` is smaller than the `needed` bytes prepare asked for: the
// caller broke the prepare/eval contract, the user's model cannot cause it.
inline void require_scratch(std::span<const std::byte> scratch, size_t needed, const char* kernel) {
  if (scratch.size() < needed)
    throw InternalError(std::string(kernel) + ": scratch of " + std::to_string(scratch.size()) +
                        " bytes, prepare asked for " + std::to_string(needed));
}

// `bytes` rounded up to a multiple of alignof(T), where a part of T values may start.
template <class T>
constexpr size_t aligned_for(size_t bytes) {
  return (bytes + alignof(T) - 1) / alignof(T) * alignof(T);
}

}  // namespace tinyc::exec::int8_fast

// Fast int8 Quantize: one loop, inlined into one function per instruction set.
#include "exec/int8_fast/quantize.h"

#include <algorithm>
#include <cmath>

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

namespace {

// quantize_value on each element: v - trunc(v) is exact, so comparing it with one half rounds ties
// away from zero as std::round does; NaN becomes 0 and the clamp to +-512 keeps the conversion
// defined, as in the reference.
__attribute__((always_inline)) inline void quantize(const float* __restrict x, int8_t* __restrict y, int64_t count,
                                                    float scale, int32_t zero_point) {
  for (int64_t i = 0; i < count; ++i) {
    const float v = x[i] / scale;
    const float t = std::trunc(v);
    float r = std::fabs(v - t) >= 0.5f ? t + std::copysign(1.0f, v) : t;
    r = r == r ? std::min(std::max(r, -512.0f), 512.0f) : 0.0f;
    const int32_t q = static_cast<int32_t>(r) + zero_point;
    y[i] = static_cast<int8_t>(std::min(std::max(q, int32_t{-128}), int32_t{127}));
  }
}

void quantize_portable(const float* x, int8_t* y, int64_t count, float scale, int32_t zero_point) {
  quantize(x, y, count, scale, zero_point);
}

#if TINYC_X86_KERNELS
TINYC_AVX2 void quantize_avx2(const float* x, int8_t* y, int64_t count, float scale, int32_t zero_point) {
  quantize(x, y, count, scale, zero_point);
}
#endif

}  // namespace

void fast_quantize_int8([[maybe_unused]] Isa isa, const int8_reference::AffineKernelParams& p,
                        std::span<const float> input, std::span<int8_t> output) {
  int8_reference::require_count(input.size(), p.count, "Quantize int8", "input");
  int8_reference::require_count(output.size(), p.count, "Quantize int8", "output");
#if TINYC_X86_KERNELS
  if (has_avx2(isa)) return quantize_avx2(input.data(), output.data(), p.count, p.params.scale, p.params.zero_point);
#endif
  quantize_portable(input.data(), output.data(), p.count, p.params.scale, p.params.zero_point);
}

}  // namespace tinyc::exec::int8_fast

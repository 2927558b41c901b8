// Fast int8 fully connected layer: int16 differences, dot products, TFLite's requantization.
#include "exec/int8_fast/fully_connected.h"

#include "exec/int8_fast/dot.h"
#include "exec/int8_fast/scratch.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

bool fast_fully_connected_applies(const int8_reference::FullyConnectedParams& p) { return p.depth <= kMaxDotTerms; }

PackedFullyConnectedWeights pack_fully_connected_weights(const int8_reference::FullyConnectedParams& p,
                                                         std::span<const int8_t> weights) {
  int8_reference::require_count(weights.size(), p.units * p.depth, "FullyConnected int8", "weights");
  PackedFullyConnectedWeights packed;
  packed.rows.reserve(weights.size());
  for (int8_t w : weights) packed.rows.push_back(static_cast<int16_t>(w - p.weights_zero_point));
  return packed;
}

size_t fast_fully_connected_scratch_bytes(const int8_reference::FullyConnectedParams& p) {
  return static_cast<size_t>(p.depth) * sizeof(int16_t);
}

namespace {

// The whole kernel, inlined into one function per instruction set so the compiler vectorizes the
// dot products for each (pmaddwd on 16 or 32 lanes).
__attribute__((always_inline)) inline void fully_connected(const int8_reference::FullyConnectedParams& p,
                                                           const int16_t* weights, const int8_t* input,
                                                           const int32_t* bias, int8_t* output, int16_t* x) {
  for (int64_t b = 0; b < p.batch; ++b) {
    const int8_t* row = input + b * p.depth;
    for (int64_t k = 0; k < p.depth; ++k) x[k] = static_cast<int16_t>(row[k] - p.input_zero_point);
    for (int64_t u = 0; u < p.units; ++u) {
      const int64_t sum = dot_int16(x, weights + u * p.depth, p.depth) + (bias ? bias[u] : 0);
      const auto acc = static_cast<int32_t>(sum);  // TFLite's wrapping int32 accumulator
      output[b * p.units + u] = int8_reference::clamp_to(
          int8_reference::multiply_by_quantized_multiplier(acc, p.multiplier(u)) + p.output_zero_point, p.activation);
    }
  }
}

void fully_connected_portable(const int8_reference::FullyConnectedParams& p, const int16_t* weights,
                              const int8_t* input, const int32_t* bias, int8_t* output, int16_t* x) {
  fully_connected(p, weights, input, bias, output, x);
}

#if TINYC_X86_KERNELS
TINYC_AVX2 void fully_connected_avx2(const int8_reference::FullyConnectedParams& p, const int16_t* weights,
                                     const int8_t* input, const int32_t* bias, int8_t* output, int16_t* x) {
  fully_connected(p, weights, input, bias, output, x);
}
TINYC_AVX512 void fully_connected_avx512(const int8_reference::FullyConnectedParams& p, const int16_t* weights,
                                         const int8_t* input, const int32_t* bias, int8_t* output, int16_t* x) {
  fully_connected(p, weights, input, bias, output, x);
}
#endif

}  // namespace

void fast_fully_connected_int8([[maybe_unused]] Isa isa, const int8_reference::FullyConnectedParams& p,
                               const PackedFullyConnectedWeights& weights, std::span<const int8_t> input,
                               std::span<const int32_t> bias, std::span<int8_t> output, std::span<std::byte> scratch) {
  using int8_reference::require_count;
  require_count(input.size(), p.batch * p.depth, "FullyConnected int8", "input");
  require_count(bias.size(), p.has_bias ? p.units : 0, "FullyConnected int8", "bias");
  require_count(output.size(), p.batch * p.units, "FullyConnected int8", "output");
  require_scratch(scratch, fast_fully_connected_scratch_bytes(p), "FullyConnected int8");
  auto* x = reinterpret_cast<int16_t*>(scratch.data());
  const int32_t* bias_values = p.has_bias ? bias.data() : nullptr;
#if TINYC_X86_KERNELS
  if (isa == Isa::avx512)
    return fully_connected_avx512(p, weights.rows.data(), input.data(), bias_values, output.data(), x);
  if (isa == Isa::avx2)
    return fully_connected_avx2(p, weights.rows.data(), input.data(), bias_values, output.data(), x);
#endif
  fully_connected_portable(p, weights.rows.data(), input.data(), bias_values, output.data(), x);
}

}  // namespace tinyc::exec::int8_fast

// Depthwise Conv as direct register blocks: each input plane is copied into a padded buffer
// (padded_plane.h; its padding is cleared once per call), then per output plane and block of
// kPaddedBlock positions of the wide grid, registers start at the bias and add w[kh, kw] times
// each tap's contiguous run of the padded copy; the block is stored once and the wide plane
// compacted into the output. Compiled for the baseline and, chosen at run time, AVX2 and AVX-512
// (exec/isa.h), with the same sums in the same order on each.
#include "exec/kernels/depthwise_conv.h"

#include <utility>

#include "exec/kernels/vectors.h"

namespace tinyc::exec::kernels {

std::optional<DepthwisePlan> plan_depthwise(const ColumnGeometry& g, int64_t batch, int64_t channels, int64_t groups,
                                            int64_t group_in, int64_t group_out) {
  std::optional<PlaneWindow> window = plane_window(g);
  if (groups != channels || group_in != 1 || !window || g.kernel_count == 0) return std::nullopt;
  return DepthwisePlan{batch * channels, channels, group_out, padded_plane(*window), detected_isa()};
}

namespace {

// depthwise_conv on vectors of Bytes bytes: kPaddedBlock / lanes accumulators per block.
template <class T, int Bytes>
[[gnu::always_inline]] inline void depthwise_on(const DepthwisePlan& p, const T* x, const T* w, const T* bias, T* y,
                                                T* scratch) {
  using Vector = typename VectorOf<T, Bytes>::type;
  constexpr int64_t P = Bytes / sizeof(T), V = kPaddedBlock / P;
  const PaddedPlane& g = p.padded;
  const int64_t taps = static_cast<int64_t>(g.taps.size());
  T* padded = scratch;
  T* wide = scratch + g.size();
  clear_padded(g, padded);
  for (int64_t plane = 0; plane < p.planes; ++plane) {
    pad_plane(g, x + plane * g.in_h * g.in_w, padded);
    for (int64_t m = 0; m < p.multiplier; ++m) {
      const int64_t oc = (plane % p.channels) * p.multiplier + m;
      const T* wk = w + oc * taps;
      Vector start;
      broadcast<T, Bytes>(start, bias ? bias[oc] : T(0));
      for (int64_t j0 = 0; j0 < g.wide_count; j0 += kPaddedBlock) {
        // The loops over v are unrolled so that acc lives in registers (-O2 alone keeps it in memory).
        Vector acc[V];
#pragma GCC unroll 16
        for (int64_t v = 0; v < V; ++v) acc[v] = start;
        for (int64_t t = 0; t < taps; ++t) {
          const T weight = wk[t];
          const T* in = padded + j0 + g.taps[static_cast<size_t>(t)];
#pragma GCC unroll 16
          for (int64_t v = 0; v < V; ++v) {
            Vector tap;
            load<T, Bytes>(tap, in + v * P);
            acc[v] = acc[v] + weight * tap;
          }
        }
#pragma GCC unroll 16
        for (int64_t v = 0; v < V; ++v) store<T, Bytes>(wide + j0 + v * P, acc[v]);
      }
      compact_plane(g, wide, y + (plane * p.multiplier + m) * g.out_h * g.out_w);
    }
  }
}

template <class T>
void depthwise_portable(const DepthwisePlan& p, const T* x, const T* w, const T* bias, T* y, T* scratch) {
  depthwise_on<T, 16>(p, x, w, bias, y, scratch);
}

#if TINYC_X86_KERNELS
template <class T>
TINYC_AVX2 void depthwise_avx2(const DepthwisePlan& p, const T* x, const T* w, const T* bias, T* y, T* scratch) {
  depthwise_on<T, 32>(p, x, w, bias, y, scratch);
}

template <class T>
TINYC_AVX512 void depthwise_avx512(const DepthwisePlan& p, const T* x, const T* w, const T* bias, T* y, T* scratch) {
  depthwise_on<T, 64>(p, x, w, bias, y, scratch);
}
#endif

}  // namespace

template <class T>
void depthwise_conv(const DepthwisePlan& p, const T* x, const T* w, const T* bias, T* y, T* scratch) {
#if TINYC_X86_KERNELS
  if (p.isa == Isa::avx512) return depthwise_avx512(p, x, w, bias, y, scratch);
  if (p.isa == Isa::avx2) return depthwise_avx2(p, x, w, bias, y, scratch);
#endif
  depthwise_portable(p, x, w, bias, y, scratch);
}

template void depthwise_conv<float>(const DepthwisePlan&, const float*, const float*, const float*, float*, float*);
template void depthwise_conv<double>(const DepthwisePlan&, const double*, const double*, const double*, double*,
                                     double*);

}  // namespace tinyc::exec::kernels

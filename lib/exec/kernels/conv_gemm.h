// The matrix product of Conv in register blocks: out[m, j] = bias[m] + sum over k of
// w[m, k] * columns[k, j] for output channels m and output positions j (out row-major, NCHW).
// A block holds kConvBlockRows x 2 SIMD packets of accumulators, starts from the bias and is stored
// once. Its packets run along the positions j (wide feature maps) or, when that wastes fewer
// lanes, along the channels m (small maps with many channels; stored transposed).
// Eigen's general GEMM packs both operands on every call and is tuned for larger matrices; Conv's
// products are small (depth 9 to 600) and repeat per image.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>

namespace tinyc::exec::kernels {

// One SIMD register of T (a scalar when Eigen does not vectorize T).
template <class T>
using ConvPacket = typename Eigen::internal::packet_traits<T>::type;

// Block shape: kConvBlockRows broadcast values x kConvBlockLanes packet lanes (2 packets). With 32
// vector registers (AVX-512) 8 x 2 accumulators fit next to the operands; with 16, 4 x 2.
template <class T>
inline constexpr int64_t kConvBlockRows = sizeof(ConvPacket<T>) >= 64 ? 8 : 4;
template <class T>
inline constexpr int64_t kConvBlockLanes = 2 * Eigen::internal::unpacket_traits<ConvPacket<T>>::size;

// One product, resolved in prepare(). Columns are `depth` rows of `columns` elements (row stride
// `columns`); weights are packed by pack_conv_weights.
template <class T>
struct ConvGemm {
  int64_t rows = 0;     // output channels
  int64_t depth = 0;    // input channels x kernel positions
  int64_t columns = 0;  // output positions
  bool channel_lanes = false;  // packets run along the output channels

  ConvGemm(int64_t rows_, int64_t depth_, int64_t columns_) : rows(rows_), depth(depth_), columns(columns_) {
    constexpr int64_t R = kConvBlockRows<T>, L = kConvBlockLanes<T>;
    // Lane multiply-adds, counting the lanes wasted past the ends; a transposed scalar store costs
    // about as much as R lanes of multiply-adds.
    const int64_t position_lanes = round_up(rows, R) * round_up(columns, L) * depth;
    const int64_t channel_lanes_cost = round_up(rows, L) * round_up(columns, R) * (depth + R);
    channel_lanes = channel_lanes_cost < position_lanes;
  }

  // Output channels padded to whole blocks along the axis they are packed in.
  int64_t padded_rows() const { return round_up(rows, channel_lanes ? kConvBlockLanes<T> : kConvBlockRows<T>); }
  int64_t packed_weights_size() const { return padded_rows() * depth; }
  // Scratch for the last, partial block of positions (copied and zero-padded).
  int64_t tail_size() const { return depth * std::max(kConvBlockRows<T>, kConvBlockLanes<T>); }

  static int64_t round_up(int64_t n, int64_t block) { return (n + block - 1) / block * block; }
};

namespace conv_gemm_detail {

template <class T>
using Accumulators = ConvPacket<T>[kConvBlockRows<T>][2];

// acc[r][v] += sum over k of a[k * a_stride + r] * b[k * b_stride + v * packet + lane].
// Accumulation: depth fused multiply-adds per output in T, after the initial value.
template <class T>
void multiply(const T* a, int64_t a_stride, const T* b, int64_t b_stride, int64_t depth, Accumulators<T>& acc) {
  using namespace Eigen::internal;
  using Packet = ConvPacket<T>;
  constexpr int64_t L = kConvBlockLanes<T> / 2;
  for (int64_t k = 0; k < depth; ++k, a += a_stride, b += b_stride) {
    const Packet b0 = ploadu<Packet>(b);
    const Packet b1 = ploadu<Packet>(b + L);
    for (int64_t r = 0; r < kConvBlockRows<T>; ++r) {
      const Packet x = pset1<Packet>(a[r]);
      acc[r][0] = pmadd(x, b0, acc[r][0]);
      acc[r][1] = pmadd(x, b1, acc[r][1]);
    }
  }
}

}  // namespace conv_gemm_detail

// Reorders w (rows x depth, row-major) for conv_gemm: blocks of kConvBlockRows channels stored
// depth-major, or with channel lanes w transposed (depth x padded rows); padding channels are zero.
template <class T>
void pack_conv_weights(const ConvGemm<T>& g, const T* w, T* packed) {
  const int64_t padded = g.padded_rows();
  if (g.channel_lanes) {
    for (int64_t k = 0; k < g.depth; ++k)
      for (int64_t m = 0; m < padded; ++m) packed[k * padded + m] = m < g.rows ? w[m * g.depth + k] : T(0);
    return;
  }
  constexpr int64_t R = kConvBlockRows<T>;
  for (int64_t m0 = 0; m0 < padded; m0 += R, packed += R * g.depth)
    for (int64_t k = 0; k < g.depth; ++k)
      for (int64_t r = 0; r < R; ++r) packed[k * R + r] = m0 + r < g.rows ? w[(m0 + r) * g.depth + k] : T(0);
}

// out (rows x columns, row-major) = packed weights x columns + bias (null: 0). `tail` holds
// g.tail_size() elements.
template <class T>
void conv_gemm(const ConvGemm<T>& g, const T* packed, const T* columns, const T* bias, T* out, T* tail) {
  using namespace Eigen::internal;
  using Packet = ConvPacket<T>;
  constexpr int64_t R = kConvBlockRows<T>, L = kConvBlockLanes<T>, P = L / 2;
  const int64_t step = g.channel_lanes ? R : L;  // positions per block
  T staged[L];
  for (int64_t j0 = 0; j0 < g.columns; j0 += step) {
    const int64_t valid_columns = std::min(step, g.columns - j0);
    const T* panel = columns + j0;
    int64_t panel_stride = g.columns;
    if (valid_columns < step) {
      for (int64_t k = 0; k < g.depth; ++k) {
        std::copy_n(columns + k * g.columns + j0, valid_columns, tail + k * step);
        std::fill(tail + k * step + valid_columns, tail + (k + 1) * step, T(0));
      }
      panel = tail;
      panel_stride = step;
    }
    if (g.channel_lanes) {
      const int64_t padded = g.padded_rows();
      for (int64_t m0 = 0; m0 < g.rows; m0 += L) {
        const int64_t valid_rows = std::min(L, g.rows - m0);
        std::fill(staged, staged + L, T(0));
        if (bias) std::copy_n(bias + m0, valid_rows, staged);
        conv_gemm_detail::Accumulators<T> acc;
        for (int64_t r = 0; r < R; ++r) {
          acc[r][0] = ploadu<Packet>(staged);
          acc[r][1] = ploadu<Packet>(staged + P);
        }
        conv_gemm_detail::multiply(panel, panel_stride, packed + m0, padded, g.depth, acc);
        for (int64_t r = 0; r < valid_columns; ++r) {
          pstoreu(staged, acc[r][0]);
          pstoreu(staged + P, acc[r][1]);
          for (int64_t m = 0; m < valid_rows; ++m) out[(m0 + m) * g.columns + j0 + r] = staged[m];
        }
      }
      continue;
    }
    for (int64_t m0 = 0; m0 < g.rows; m0 += R) {
      const int64_t valid_rows = std::min(R, g.rows - m0);
      conv_gemm_detail::Accumulators<T> acc;
      for (int64_t r = 0; r < R; ++r) acc[r][0] = acc[r][1] = pset1<Packet>(bias && r < valid_rows ? bias[m0 + r] : T(0));
      conv_gemm_detail::multiply(packed + m0 * g.depth, R, panel, panel_stride, g.depth, acc);
      for (int64_t r = 0; r < valid_rows; ++r) {
        T* row = out + (m0 + r) * g.columns + j0;
        if (valid_columns == L) {
          pstoreu(row, acc[r][0]);
          pstoreu(row + P, acc[r][1]);
          continue;
        }
        pstoreu(staged, acc[r][0]);
        pstoreu(staged + P, acc[r][1]);
        std::copy_n(staged, valid_columns, row);
      }
    }
  }
}

}  // namespace tinyc::exec::kernels

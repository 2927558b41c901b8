// The channels-last copy: a transpose of 8 x 8 byte blocks on SSE2 (the x86-64 baseline), element
// by element elsewhere and at the edges.
#include "exec/int8_fast/channels_last.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tinyc::exec::int8_fast {

namespace {

// The input rows and columns the copy holds: those some window reads.
struct Interior {
  int64_t rows = 0, cols = 0;
};

Interior interior(const int8_reference::ConvParams& p, const PackedDepthwise& packed) {
  return {std::clamp<int64_t>(packed.padded_h - p.pad_top, 0, p.in_h),
          std::clamp<int64_t>(packed.padded_w - p.pad_left, 0, p.in_w)};
}

// Zeroes every element the interior's copy of `channels` lanes does not write.
void clear_outside(const int8_reference::ConvParams& p, const PackedDepthwise& packed, Interior in, int64_t channels,
                   int16_t* padded) {
  constexpr int64_t lanes = kDepthwiseLanes;
  const int64_t row_size = packed.padded_w * lanes;
  for (int64_t r = 0; r < packed.padded_h; ++r) {
    int16_t* row = padded + r * row_size;
    if (r < p.pad_top || r >= p.pad_top + in.rows) {
      std::fill_n(row, row_size, int16_t{0});
      continue;
    }
    std::fill_n(row, p.pad_left * lanes, int16_t{0});
    std::fill(row + (p.pad_left + in.cols) * lanes, row + row_size, int16_t{0});
    if (channels < lanes)
      for (int64_t c = p.pad_left; c < p.pad_left + in.cols; ++c)
        std::fill(row + c * lanes + channels, row + (c + 1) * lanes, int16_t{0});
  }
}

// Columns [0, count) of one input row into one lane of the copy's row.
void copy_columns(const int8_t* row, int64_t count, int32_t zero_point, int16_t* lane) {
  for (int64_t w = 0; w < count; ++w) lane[w * kDepthwiseLanes] = static_cast<int16_t>(row[w] - zero_point);
}

#if defined(__SSE2__)
// Eight lanes of `count` (at most 8) positions: rows[j] points at input channel j's first column,
// `out` at the first position's first lane. Each row's eight bytes are read at once while they lie
// before `end`, the end of the readable input; bytes past `count` go nowhere.
void copy_block8(const int8_t* const rows[8], int64_t count, const int8_t* end, int16_t zero_point, int16_t* out) {
  const auto load = [&](int j) {
    if (end - rows[j] >= 8) return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(rows[j]));
    int64_t bytes = 0;
    for (int64_t k = count - 1; k >= 0; --k) bytes = bytes << 8 | static_cast<uint8_t>(rows[j][k]);
    return _mm_cvtsi64_si128(bytes);
  };
  // Bytes of channel pairs, then quads, then all eight per position (two positions per vector).
  const __m128i a0 = _mm_unpacklo_epi8(load(0), load(1)), a1 = _mm_unpacklo_epi8(load(2), load(3));
  const __m128i a2 = _mm_unpacklo_epi8(load(4), load(5)), a3 = _mm_unpacklo_epi8(load(6), load(7));
  const __m128i b0 = _mm_unpacklo_epi16(a0, a1), b1 = _mm_unpackhi_epi16(a0, a1);
  const __m128i b2 = _mm_unpacklo_epi16(a2, a3), b3 = _mm_unpackhi_epi16(a2, a3);
  const __m128i pairs[4] = {_mm_unpacklo_epi32(b0, b2), _mm_unpackhi_epi32(b0, b2), _mm_unpacklo_epi32(b1, b3),
                            _mm_unpackhi_epi32(b1, b3)};
  // Each position's bytes sign-extended to 16 bits: each byte in a high half, shifted down arithmetically.
  const __m128i z = _mm_set1_epi16(zero_point);
  const auto widen = [&](__m128i bytes) { return _mm_sub_epi16(_mm_srai_epi16(bytes, 8), z); };
  const __m128i positions[8] = {widen(_mm_unpacklo_epi8(pairs[0], pairs[0])), widen(_mm_unpackhi_epi8(pairs[0], pairs[0])),
                                widen(_mm_unpacklo_epi8(pairs[1], pairs[1])), widen(_mm_unpackhi_epi8(pairs[1], pairs[1])),
                                widen(_mm_unpacklo_epi8(pairs[2], pairs[2])), widen(_mm_unpackhi_epi8(pairs[2], pairs[2])),
                                widen(_mm_unpacklo_epi8(pairs[3], pairs[3])), widen(_mm_unpackhi_epi8(pairs[3], pairs[3]))};
  for (int64_t k = 0; k < count; ++k)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k * kDepthwiseLanes), positions[k]);
}
#endif

}  // namespace

void copy_channels_last(const int8_reference::ConvParams& p, const PackedDepthwise& packed, const int8_t* image,
                        [[maybe_unused]] const int8_t* input_end, int64_t first, int16_t* padded) {
  constexpr int64_t lanes = kDepthwiseLanes;
  const Interior in = interior(p, packed);
  const int64_t channels = std::min(lanes, p.out_channels() - first);
  clear_outside(p, packed, in, channels, padded);
  const int64_t plane = p.in_h * p.in_w, multiplier = p.group_out;
  const auto channel = [&](int64_t j) { return image + (first + j) / multiplier * plane; };
  const auto out_row = [&](int64_t h, int64_t j) {
    return padded + ((h + p.pad_top) * packed.padded_w + p.pad_left) * lanes + j;
  };
  int64_t j = 0;
#if defined(__SSE2__)
  for (; j + 8 <= channels; j += 8) {
    const int8_t* inputs[8];
    for (int k = 0; k < 8; ++k) inputs[k] = channel(j + k);
    for (int64_t h = 0; h < in.rows; ++h) {
      const int8_t* rows[8];
      for (int k = 0; k < 8; ++k) rows[k] = inputs[k] + h * p.in_w;
      for (int64_t w = 0; w < in.cols; w += 8) {
        copy_block8(rows, std::min<int64_t>(8, in.cols - w), input_end, static_cast<int16_t>(p.input_zero_point),
                    out_row(h, j) + w * lanes);
        for (const int8_t*& row : rows) row += 8;
      }
    }
  }
#endif
  for (; j < channels; ++j)
    for (int64_t h = 0; h < in.rows; ++h)
      copy_columns(channel(j) + h * p.in_w, in.cols, p.input_zero_point, out_row(h, j));
}

}  // namespace tinyc::exec::int8_fast

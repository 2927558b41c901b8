// 2-D windows (Conv, depthwise Conv) read from zero-padded copies of each input plane, so no im2col
// copy is needed. Output (oh, ow) sits at flat position oh * width + ow of a "wide" grid, and kernel
// tap (kh, kw) reads one padded copy at that position plus a fixed offset: one contiguous run per
// tap. With stride 1 the copy is the padded plane itself; with stride s its rows and columns are
// split by their phase modulo s ("phase planes": padded row q * s_h + a goes to row q of phase a),
// and tap (kh, kw) reads phase (kh * dh mod s_h, kw * dw mod s_w) at offset (kh * dh / s_h) * width
// + kw * dw / s_w. The wide grid's last width - out_w columns are junk, dropped by compaction.
#pragma once

#include <algorithm>
#include <array>
#include <functional>
#include <type_traits>
#include <cstdint>
#include <vector>

#include "exec/kernels/columns.h"

namespace tinyc::exec::kernels {

// Positions per block of the readers (depthwise Conv, the Conv GEMM): whole SIMD registers of float
// or double. They visit the wide grid in such blocks and may read a block past its last position.
inline constexpr int64_t kPaddedBlock = 64;

// The input rows and columns one phase plane holds (the rest of it stays zero), resolved in prepare().
struct PhaseCopy {
  InsideRange rows, cols;  // phase positions holding input; input_offset = input row / column of position 0
};

// The padded layout of one window geometry, resolved in prepare().
struct PaddedPlane {
  int64_t in_h = 1, in_w = 1, out_h = 1, out_w = 1;
  int64_t pad_top = 0, pad_left = 0, stride_h = 1, stride_w = 1;
  int64_t height = 1, width = 1;  // of each phase plane; width is also the wide grid's row stride
  std::vector<std::array<int64_t, 2>> phases;  // (row, column) phase of each stored plane, those taps read
  std::vector<PhaseCopy> copies;               // per phase: what pad_plane copies into it
  int64_t wide_count = 0;  // out_h * width positions of the wide grid
  int64_t wide_size = 0;   // wide_count rounded up to whole blocks
  int64_t plane_size = 0;  // elements per phase plane, with zeros the last block reads past its end
  std::vector<int64_t> taps;  // per kernel offset (kh, kw), in C order: its read offset into the planes

  // Elements of one input plane's padded copy (all its phase planes).
  int64_t size() const { return plane_size * static_cast<int64_t>(phases.size()); }
};

// The layout of g (whose kernel has at least one tap).
PaddedPlane padded_plane(const PlaneWindow& g);

// Zeroes the size() elements of a padded copy. Every plane's padding sits at the same places, so a
// buffer cleared once takes any number of pad_plane calls.
template <class T>
void clear_padded(const PaddedPlane& p, T* padded);

// out[q] = convert(in[q * stride]) for q < count. A row never overlaps its copy; with __restrict
// parameters the converting loops vectorize (bytes alias everything otherwise), stride 2 through the
// compiler's even/odd shuffles.
template <class To, class From, class Convert>
void convert_row(const From* __restrict in, To* __restrict out, int64_t count, int64_t stride, Convert convert) {
  if (stride == 1 && std::is_same_v<Convert, std::identity>)
    std::copy(in, in + count, out);
  else if (stride == 1)
    for (int64_t q = 0; q < count; ++q) out[q] = convert(in[q]);
  else if (stride == 2)
    for (int64_t q = 0; q < count; ++q) out[q] = convert(in[2 * q]);
  else
    for (int64_t q = 0; q < count; ++q) out[q] = convert(in[q * stride]);
}

// Copies convert(x) (x: in_h x in_w) into a padded copy, leaving its padding as it is; rows at
// stride 1 with std::identity are plain copies (memmove).
template <class To, class From, class Convert>
void copy_into_padded(const PaddedPlane& p, const From* x, To* padded, Convert convert) {
  for (const PhaseCopy& copy : p.copies) {
    // Phase row r holds input row r * stride_h + rows.input_offset, phase column q input column
    // q * stride_w + cols.input_offset.
    const InsideRange& rows = copy.rows;
    const InsideRange& cols = copy.cols;
    for (int64_t r = rows.begin; r < rows.end && cols.begin < cols.end; ++r)
      convert_row(x + (r * p.stride_h + rows.input_offset) * p.in_w + cols.begin * p.stride_w + cols.input_offset,
                  padded + r * p.width + cols.begin, cols.end - cols.begin, p.stride_w, convert);
    padded += p.plane_size;
  }
}

// Copies x (in_h x in_w) into a padded copy whose padding is zero (clear_padded).
template <class T>
void pad_plane(const PaddedPlane& p, const T* x, T* padded);

// y (out_h x out_w) = the wide grid without its junk columns.
template <class T>
void compact_plane(const PaddedPlane& p, const T* wide, T* y);

extern template void clear_padded<float>(const PaddedPlane&, float*);
extern template void clear_padded<double>(const PaddedPlane&, double*);
extern template void pad_plane<float>(const PaddedPlane&, const float*, float*);
extern template void pad_plane<double>(const PaddedPlane&, const double*, double*);
extern template void compact_plane<float>(const PaddedPlane&, const float*, float*);
extern template void compact_plane<double>(const PaddedPlane&, const double*, double*);
extern template void compact_plane<int8_t>(const PaddedPlane&, const int8_t*, int8_t*);

}  // namespace tinyc::exec::kernels

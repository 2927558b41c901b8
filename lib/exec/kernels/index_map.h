// Per-dimension index tables for data-movement kernels (Transpose, Slice, Pad): output element
// (i0, ..., ir) copies input element offsets[0][i0] + ... + offsets[r][ir], or the fill value.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "exec/kernels/kernel.h"

namespace tinyc::exec::kernels {

// Marks an output index that reads no input element (constant padding).
inline constexpr int64_t kFillIndex = -1;

// Built in prepare(); offsets[d] has out_dims[d] entries, each an input element offset (already
// multiplied by the input's stride for that dim) or kFillIndex.
struct IndexMap {
  std::vector<int64_t> out_dims;
  std::vector<std::vector<int64_t>> offsets;
};

// C-order element strides of a shape.
inline std::vector<int64_t> element_strides(const ir::Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) strides[d - 1] = strides[d] * shape[d];
  return strides;
}

// Copies through the map; U is the element's bit type (dispatch_bits), `fill` its fill bits.
template <class U>
void copy_mapped(const IndexMap& m, const U* in, U* out, U fill) {
  const size_t rank = m.out_dims.size();
  if (rank == 0) {
    out[0] = in[0];
    return;
  }
  const size_t last = rank - 1;
  const int64_t inner = m.out_dims[last];
  const int64_t* inner_offsets = m.offsets[last].data();
  int64_t rows = 1;
  for (size_t d = 0; d < last; ++d) rows *= m.out_dims[d];
  if (inner == 0) rows = 0;
  std::array<int64_t, kMaxRank> index{};
  for (int64_t r = 0; r < rows; ++r, out += inner) {
    int64_t base = 0;
    bool filled = false;
    for (size_t d = 0; d < last; ++d) {
      const int64_t o = m.offsets[d][static_cast<size_t>(index[d])];
      filled = filled || o == kFillIndex;
      base += o;
    }
    for (int64_t i = 0; i < inner; ++i)
      out[i] = filled || inner_offsets[i] == kFillIndex ? fill : in[base + inner_offsets[i]];
    for (size_t d = last; d-- > 0;) {
      if (++index[d] < m.out_dims[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace tinyc::exec::kernels

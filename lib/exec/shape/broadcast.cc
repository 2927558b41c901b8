// Broadcasting as the ONNX spec defines it (numpy rules, right-aligned dims).
#include "exec/shape/broadcast.h"

#include <algorithm>

namespace tinyc::exec::shape {

std::optional<ir::Shape> broadcast_shapes(const ir::Shape& a, const ir::Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  ir::Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Dims counted from the right; a missing dim acts as 1.
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

bool broadcasts_to(const ir::Shape& from, const ir::Shape& to) {
  auto out = broadcast_shapes(from, to);
  return out && *out == to;
}

namespace {
// Row-major strides of `shape` aligned to the right of a rank-`rank` index, 0 on broadcast dims.
std::vector<int64_t> broadcast_strides(const ir::Shape& shape, size_t rank) {
  std::vector<int64_t> strides(rank, 0);
  int64_t step = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    const size_t dim = shape.size() - 1 - i;
    const size_t slot = rank - 1 - i;
    strides[slot] = shape[dim] == 1 ? 0 : step;
    step *= shape[dim];
  }
  return strides;
}
}  // namespace

std::vector<int64_t> broadcast_elementwise(const std::vector<int64_t>& a, const ir::Shape& a_shape,
                                           const std::vector<int64_t>& b, const ir::Shape& b_shape,
                                           const ir::Shape& out_shape,
                                           const std::function<int64_t(int64_t, int64_t)>& op) {
  const size_t rank = out_shape.size();
  const std::vector<int64_t> sa = broadcast_strides(a_shape, rank);
  const std::vector<int64_t> sb = broadcast_strides(b_shape, rank);
  const int64_t count = ir::num_elements(out_shape);
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(count));
  std::vector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t ia = 0, ib = 0;
    for (size_t d = 0; d < rank; ++d) {
      ia += index[d] * sa[d];
      ib += index[d] * sb[d];
    }
    out.push_back(op(a[static_cast<size_t>(ia)], b[static_cast<size_t>(ib)]));
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out_shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

}  // namespace tinyc::exec::shape

// Row slicing and stacking over raw bytes (every non-string dtype).
#include "ir/tensor_rows.h"

#include <algorithm>
#include <cstring>

namespace tinyc::ir {

namespace {
size_t row_bytes(const Tensor& t) {
  Shape row(t.shape().begin() + 1, t.shape().end());
  return static_cast<size_t>(num_elements(row)) * dtype_size(t.dtype());
}
}  // namespace

Tensor slice_rows(const Tensor& t, int64_t begin, int64_t end) {
  if (t.shape().empty() || begin < 0 || end < begin || end > t.shape()[0] || t.dtype() == DType::String)
    throw InternalError("slice_rows: bad range " + std::to_string(begin) + ".." + std::to_string(end) + " of " +
                        shape_to_string(t.shape()));
  Shape shape = t.shape();
  shape[0] = end - begin;
  Tensor out(t.dtype(), shape);
  const size_t rb = row_bytes(t);
  if (out.byte_size()) std::memcpy(out.mutable_bytes().data(), t.bytes().data() + static_cast<size_t>(begin) * rb, out.byte_size());
  return out;
}

Tensor concat_rows(const std::vector<Tensor>& parts) {
  if (parts.empty()) throw InternalError("concat_rows: nothing to stack");
  Shape shape = parts.front().shape();
  if (shape.empty()) throw InternalError("concat_rows: scalars have no rows");
  shape[0] = 0;
  for (const Tensor& p : parts) {
    if (p.dtype() != parts.front().dtype() || p.shape().size() != shape.size() ||
        !std::equal(p.shape().begin() + 1, p.shape().end(), shape.begin() + 1))
      throw InternalError("concat_rows: parts differ in dtype or row shape");
    shape[0] += p.shape()[0];
  }
  Tensor out(parts.front().dtype(), shape);
  size_t offset = 0;
  for (const Tensor& p : parts) {
    if (p.byte_size()) std::memcpy(out.mutable_bytes().data() + offset, p.bytes().data(), p.byte_size());
    offset += p.byte_size();
  }
  return out;
}

}  // namespace tinyc::ir

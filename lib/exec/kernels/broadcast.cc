// Building broadcast plans: align ranks, zero the strides of broadcast dims, merge contiguous dims.
#include "exec/kernels/broadcast.h"

#include <vector>

namespace tinyc::exec::kernels {

namespace {

// Element strides of `in` walked in step with `out` (in right-aligned), 0 on broadcast dims.
std::vector<int64_t> aligned_strides(const ir::Shape& out, const ir::Shape& in) {
  if (in.size() > out.size()) throw InternalError("broadcast operand has a higher rank than the output");
  std::vector<int64_t> strides(out.size(), 0);
  const size_t shift = out.size() - in.size();
  int64_t pitch = 1;
  for (size_t i = in.size(); i-- > 0;) {
    const int64_t d = in[i];
    if (d != out[i + shift] && d != 1)
      throw InternalError("shape " + ir::shape_to_string(in) + " does not broadcast to " + ir::shape_to_string(out));
    strides[i + shift] = d == 1 ? 0 : pitch;
    pitch *= d;
  }
  return strides;
}

}  // namespace

BroadcastPlan plan_broadcast(const PrepareContext& ctx, const ir::Shape& out, const ir::Shape& a,
                             const ir::Shape& b) {
  const std::vector<int64_t> sa = aligned_strides(out, a);
  const std::vector<int64_t> sb = aligned_strides(out, b);
  std::vector<int64_t> dims, da, db;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 1) continue;  // a size-1 output dim never moves any operand
    const bool merge = !dims.empty() && da.back() == sa[i] * out[i] && db.back() == sb[i] * out[i];
    if (merge) {
      dims.back() *= out[i];
      da.back() = sa[i];
      db.back() = sb[i];
    } else {
      dims.push_back(out[i]);
      da.push_back(sa[i]);
      db.push_back(sb[i]);
    }
  }
  if (dims.empty()) {  // scalar or all-ones output: one element
    dims = {1};
    da = {0};
    db = {0};
  }
  if (dims.size() > kMaxRank) ctx.fail("broadcasting over more than " + std::to_string(kMaxRank) + " dims");
  BroadcastPlan p;
  p.rank = static_cast<int64_t>(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) {
    p.dims[i] = dims[i];
    p.stride_a[i] = da[i];
    p.stride_b[i] = db[i];
    if (i + 1 < dims.size()) p.rows *= dims[i];
  }
  return p;
}

}  // namespace tinyc::exec::kernels

// Broadcast planning (see int8_broadcast.h).
#include "exec/int8_reference/int8_broadcast.h"

#include <algorithm>

namespace tinyc::exec::int8_reference {

BroadcastPlan plan_broadcast(const ir::Shape& a, const ir::Shape& b, size_t max_broadcast_rank, const char* op) {
  BroadcastPlan p;
  p.same_shape = a == b;
  p.rank = std::max(a.size(), b.size());
  const size_t limit = p.same_shape ? kMaxDims : std::min(max_broadcast_rank, kMaxDims);
  if (p.rank > limit)
    throw InputError(std::string(op) + " int8: broadcasting " + ir::shape_to_string(a) + " with " +
                     ir::shape_to_string(b) + " needs " + std::to_string(p.rank) + " dims, TFLite Micro supports " +
                     std::to_string(limit));
  int64_t step_a = 1, step_b = 1;
  for (size_t k = 0; k < p.rank; ++k) {  // k counts from the innermost dim
    const size_t d = p.rank - 1 - k;
    const int64_t da = k < a.size() ? a[a.size() - 1 - k] : 1;
    const int64_t db = k < b.size() ? b[b.size() - 1 - k] : 1;
    if (da != db && da != 1 && db != 1)
      throw InputError(std::string(op) + " int8: shapes " + ir::shape_to_string(a) + " and " + ir::shape_to_string(b) +
                       " do not broadcast");
    p.dims[d] = da == 1 ? db : da;
    p.stride_a[d] = da == 1 ? 0 : step_a;
    p.stride_b[d] = db == 1 ? 0 : step_b;
    step_a *= da;
    step_b *= db;
    p.count *= p.dims[d];
  }
  p.count_a = step_a;
  p.count_b = step_b;
  return p;
}

}  // namespace tinyc::exec::int8_reference

// Fast int8 Add: the SIMD body where the CPU has one (Add only), the shared scalar formula for the
// rest and for Sub.
#include "exec/int8_fast/add.h"

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

void fast_add_int8([[maybe_unused]] Isa isa, const int8_reference::AddParams& p, std::span<const int8_t> a,
                   std::span<const int8_t> b, std::span<int8_t> output) {
  if (!p.broadcast.same_shape) return int8_reference::add_int8(p, a, b, output);
  const int64_t count = p.broadcast.count;
  int8_reference::require_count(output.size(), count, "Add int8", "output");
  int8_reference::require_count(a.size(), count, "Add int8", "input 1");
  int8_reference::require_count(b.size(), count, "Add int8", "input 2");
  int64_t done = 0;
#if TINYC_X86_KERNELS
  if (has_avx2(isa) && !p.subtract) done = detail::add_int8_avx2(p, a.data(), b.data(), output.data(), count);
#endif
  for (int64_t i = done; i < count; ++i) output[static_cast<size_t>(i)] = int8_reference::add_one(p, a[i], b[i]);
}

}  // namespace tinyc::exec::int8_fast

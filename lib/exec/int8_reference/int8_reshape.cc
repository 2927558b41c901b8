// int8 Reshape (see int8_reshape.h).
#include "exec/int8_reference/int8_reshape.h"

#include <algorithm>

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_reference {

ReshapeParams prepare_reshape(const ir::Shape& input, const ir::QuantParams& input_q, const ir::Shape& output,
                              const ir::QuantParams& output_q) {
  const int64_t count = ir::num_elements(input);
  if (count != ir::num_elements(output))
    throw InputError("Reshape int8: " + ir::shape_to_string(input) + " and " + ir::shape_to_string(output) +
                     " hold different element counts");
  if (!(per_tensor(input_q, "Reshape input") == per_tensor(output_q, "Reshape output")))
    throw InputError("Reshape int8: input and output must share scale and zero point");
  return {count};
}

void reshape_int8(const ReshapeParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  require_count(input.size(), p.count, "Reshape int8", "input");
  require_count(output.size(), p.count, "Reshape int8", "output");
  std::copy(input.begin(), input.end(), output.begin());
}

}  // namespace tinyc::exec::int8_reference

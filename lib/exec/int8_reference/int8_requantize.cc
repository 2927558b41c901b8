// int8 -> int8 requantization (see int8_requantize.h).
#include "exec/int8_reference/int8_requantize.h"

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_reference {

RequantizeParams prepare_requantize(const ir::QuantParams& input, const ir::QuantParams& output, int64_t count) {
  const AffineParams in = per_tensor(input, "Requantize input");
  const AffineParams out = per_tensor(output, "Requantize output");
  RequantizeParams p;
  p.multiplier = effective_multiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale), "Requantize");
  p.input_zero_point = in.zero_point;
  p.output_zero_point = out.zero_point;
  p.count = count;
  return p;
}

void requantize_int8(const RequantizeParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  require_count(input.size(), p.count, "Requantize", "input");
  require_count(output.size(), p.count, "Requantize", "output");
  for (size_t i = 0; i < input.size(); ++i) output[i] = requantize_value(input[i], p);
}

}  // namespace tinyc::exec::int8_reference

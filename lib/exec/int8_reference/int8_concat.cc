// int8 Concat (see int8_concat.h).
#include "exec/int8_reference/int8_concat.h"

#include <algorithm>

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_reference {

ConcatParams prepare_concat(std::span<const ir::Shape> inputs, std::span<const ir::QuantParams> input_q,
                            const ir::QuantParams& output_q, int64_t axis) {
  if (inputs.empty() || inputs.size() != input_q.size())
    throw InputError("Concat int8: needs at least one input with quantization parameters for each");
  const ir::Shape& first = inputs[0];
  const auto rank = static_cast<int64_t>(first.size());
  if (axis < -rank || axis >= rank)
    throw InputError("Concat int8: axis " + std::to_string(axis) + " is out of range for " +
                     ir::shape_to_string(first));
  const auto a = static_cast<size_t>(axis < 0 ? axis + rank : axis);
  const AffineParams out = per_tensor(output_q, "Concat output");
  ConcatParams p;
  for (size_t d = 0; d < a; ++d) p.outer *= first[d];
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Shape& s = inputs[i];
    bool fits = s.size() == first.size();
    for (size_t d = 0; fits && d < s.size(); ++d) fits = d == a || s[d] == first[d];
    if (!fits)
      throw InputError("Concat int8: input " + ir::shape_to_string(s) + " does not match " +
                       ir::shape_to_string(first) + " outside axis " + std::to_string(a));
    const int64_t block = ir::num_elements(ir::Shape(s.begin() + static_cast<std::ptrdiff_t>(a), s.end()));
    p.blocks.push_back(block);
    p.output_block += block;
    const AffineParams in = per_tensor(input_q[i], "Concat input " + std::to_string(i));
    p.copies.push_back(in == out);
    p.rescale.push_back(prepare_requantize(input_q[i], output_q, block * p.outer));
  }
  return p;
}

void concat_int8(const ConcatParams& p, std::span<const std::span<const int8_t>> inputs, std::span<int8_t> output) {
  require_count(inputs.size(), static_cast<int64_t>(p.blocks.size()), "Concat int8", "input list");
  require_count(output.size(), p.outer * p.output_block, "Concat int8", "output");
  for (size_t i = 0; i < inputs.size(); ++i)
    require_count(inputs[i].size(), p.outer * p.blocks[i], "Concat int8", "input");
  int8_t* y = output.data();
  for (int64_t o = 0; o < p.outer; ++o) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      const auto block = static_cast<size_t>(p.blocks[i]);
      const auto x = inputs[i].subspan(static_cast<size_t>(o) * block, block);
      if (p.copies[i]) {
        std::copy(x.begin(), x.end(), y);
      } else {
        std::transform(x.begin(), x.end(), y, [&](int8_t q) { return requantize_value(q, p.rescale[i]); });
      }
      y += block;
    }
  }
}

}  // namespace tinyc::exec::int8_reference

// int8 constant Pad (see int8_pad.h).
#include "exec/int8_reference/int8_pad.h"

#include <algorithm>

namespace tinyc::exec::int8_reference {

PadParams prepare_pad(const ir::Shape& input, std::span<const int64_t> pads, const ir::QuantParams& input_q,
                      const ir::QuantParams& output_q) {
  require_rank_at_most(input, kMaxDims, "Pad int8");
  if (pads.size() != 2 * input.size())
    throw InputError("Pad int8: expected " + std::to_string(2 * input.size()) + " pads for " +
                     ir::shape_to_string(input) + ", got " + std::to_string(pads.size()));
  for (int64_t v : pads)
    if (v < 0) throw InputError("Pad int8: negative pads (cropping) are not supported; use Slice");
  const AffineParams in = per_tensor(input_q, "Pad input");
  const AffineParams out = per_tensor(output_q, "Pad output");
  if (!(in == out)) throw InputError("Pad int8: input and output must share scale and zero point");
  ir::Shape padded(input.size());
  for (size_t d = 0; d < input.size(); ++d) padded[d] = input[d] + pads[d] + pads[d + input.size()];
  PadParams p;
  p.input_count = ir::num_elements(input);
  p.output_count = ir::num_elements(padded);
  p.fill = static_cast<int8_t>(out.zero_point);
  int64_t stride = 1;
  std::array<int64_t, kMaxDims> strides{};
  for (size_t d = input.size(); d-- > 0;) {
    strides[d] = stride;
    p.first_offset += pads[d] * stride;
    stride *= padded[d];
  }
  for (size_t d = 0; d + 1 < input.size(); ++d) p.input_walk.push(input[d], strides[d]);
  if (!input.empty()) p.row = input.back();
  return p;
}

void pad_int8(const PadParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  require_count(input.size(), p.input_count, "Pad int8", "input");
  require_count(output.size(), p.output_count, "Pad int8", "output");
  std::fill(output.begin(), output.end(), p.fill);
  if (p.input_count == 0) return;
  const int8_t* row = input.data();
  walk_offsets(p.input_walk, p.first_offset, [&](int64_t o) {
    std::copy_n(row, p.row, output.begin() + o);
    row += p.row;
  });
}

}  // namespace tinyc::exec::int8_reference

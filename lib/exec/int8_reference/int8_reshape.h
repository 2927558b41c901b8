// int8 Reshape: no arithmetic, the bytes are copied; TFLite requires input and output to share
// their quantization parameters, so prepare checks that.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/quant_math.h"
#include "ir/shape.h"

namespace tinyc::exec::int8_reference {

// The element count checked by prepare_reshape.
struct ReshapeParams {
  int64_t count = 0;
};

// InputError when the element counts or the parameters differ.
ReshapeParams prepare_reshape(const ir::Shape& input, const ir::QuantParams& input_q, const ir::Shape& output,
                              const ir::QuantParams& output_q);

void reshape_int8(const ReshapeParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference

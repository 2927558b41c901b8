// int8 Concat along one axis. TFLite Micro's int8 Concatenation copies raw bytes, so TFLite models
// give every input the output's parameters and put an int8 -> int8 QUANTIZE in front of any input
// that had other ones. This kernel computes exactly that pair: inputs with the output's scale and
// zero point are copied, the others are requantized element by element with requantize_value.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "exec/int8_reference/int8_requantize.h"
#include "ir/shape.h"

namespace tinyc::exec::int8_reference {

// The block layout and each input's copy-or-requantize choice, computed once by prepare_concat.
struct ConcatParams {
  int64_t outer = 1;                      // product of the dims before the axis
  int64_t output_block = 0;               // output elements per outer index
  std::vector<int64_t> blocks;            // per input: elements per outer index
  std::vector<bool> copies;               // per input: same parameters as the output
  std::vector<RequantizeParams> rescale;  // per input: used when !copies[i]
};

// InputError when the shapes differ outside `axis` (in [-rank, rank)) or a parameter is invalid.
ConcatParams prepare_concat(std::span<const ir::Shape> inputs, std::span<const ir::QuantParams> input_q,
                            const ir::QuantParams& output_q, int64_t axis);

void concat_int8(const ConcatParams& p, std::span<const std::span<const int8_t>> inputs, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference

// int16 Logistic and Tanh as TensorFlow Lite's integer kernels compute them (the int16 paths of
// reference_integer_ops::Logistic and Tanh): a 256-entry sigmoid table interpolated linearly on the
// rescaled input, giving Q0.15 results. The int8 LSTM's gates and cell-state tanh run on them.
#pragma once

#include <cstdint>
#include <span>

namespace tinyc::exec::int8_reference {

// How an int16 input is rescaled before the table lookup: x * multiplier, then a rounding right
// shift. TFLite's power-of-two form (multiplier 3 << shift, no shift) is what the LSTM uses.
struct Int16Rescale {
  int32_t multiplier = 3;
  int right_shift = 0;
};

// The rescale TFLite's LSTM uses for an int16 input held at scale 2^scale_log2 (Q3.12 gate
// pre-activations: -12; the cell state: its own power of two, in [-15, 0]).
Int16Rescale tanh_rescale(int scale_log2);

// Logistic of a Q3.12 input (multiplier 3, no shift), Q0.15 output. In place is allowed.
void logistic_int16(std::span<const int16_t> input, std::span<int16_t> output);
// Tanh with `rescale`, Q0.15 output. In place is allowed.
void tanh_int16(Int16Rescale rescale, std::span<const int16_t> input, std::span<int16_t> output);

}  // namespace tinyc::exec::int8_reference

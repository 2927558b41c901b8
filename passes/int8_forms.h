// Which float nodes have an int8 form in the quantized graph (docs/ir.md, "Ops and their parameter
// rules") and how each sets its output's quantization parameters. quantize_int8 reads it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exec/int8_reference/quant_math.h"
#include "ir/node.h"

namespace tinyc::passes {

// Where an int8 node's output parameters come from.
enum class OutputParams {
  Own,          // its own calibrated range (Conv, Gemm, Add, GlobalAveragePool, ...)
  SameAsInput,  // input 0's parameters (pooling, data movement, unfused Relu/Clip)
  Fixed,        // the TFLite spec's constants (Softmax, Sigmoid, Tanh)
  InputUnion,   // the union of the inputs' ranges (Concat)
};

// How one node runs in int8.
struct Int8Form {
  OutputParams output = OutputParams::Own;
  exec::int8_reference::AffineParams fixed;  // OutputParams::Fixed only
  std::vector<size_t> activations;  // input slots that carry int8 activations
  std::vector<size_t> constants;    // float constant operands quantized per tensor (Add, Mul, Concat)
  bool weighted = false;            // input 1 is an int8 weight (per output channel), input 2 an int32 bias
  int64_t weight_axis = 0;          // the weight's output-channel axis
  size_t outputs = 1;               // leading outputs that become int8 with the output parameters (Split: all)
};

// The node's int8 form; nullopt with `why` set when it stays float ("no int8 kernel for Exp",
// "Conv with group 2 is neither plain nor depthwise"). Checks op type, dtypes, constant weights,
// attributes and shapes; not calibration ranges. Gemm must have alpha = beta = 1 and transA = 0.
std::optional<Int8Form> int8_form(const ir::Node& n, int64_t opset, std::string& why);

// The op types with an int8 form under some conditions (int8_form says which), sorted.
std::vector<std::string> int8_op_types();

// Op types with no int8 form of their own that a default pass rewrites, before quantization, into
// ops that have one: op type -> that pass.
const std::map<std::string, std::string>& int8_decompositions();

}  // namespace tinyc::passes

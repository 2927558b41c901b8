// Which IR values become the .tflite model's inputs and outputs under --io-type, and which edge
// QuantizeLinear/DequantizeLinear nodes that choice removes.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "formats/tflite/emit.h"
#include "ir/graph.h"

namespace tinyc::tflite_format {

// The model's interface in terms of IR values.
struct Interface {
  std::vector<const ir::Value*> inputs;
  std::vector<const ir::Value*> outputs;
  std::set<const ir::Node*> dropped;              // edge Q/DQ nodes not written (io type int8)
  std::map<const ir::Value*, std::string> names;  // interface tensors named after the graph's inputs/outputs
};

// Float32: the graph's own inputs and outputs. Int8: each float input must feed exactly one
// QuantizeLinear, whose int8 output becomes the input; each float output must come from a
// DequantizeLinear, whose int8 input becomes the output. InputError naming the value otherwise.
Interface plan_interface(const ir::Graph& g, IoType io_type);

}  // namespace tinyc::tflite_format

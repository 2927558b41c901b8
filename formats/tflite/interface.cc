// The model interface per --io-type: int8 moves it inside the edge QuantizeLinear/DequantizeLinear.
#include "formats/tflite/interface.h"

#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

constexpr const char* kUseFloat = "; use --io-type float32";

const ir::Value* int8_input(const ir::Value* v, Interface& io) {
  if (v->dtype == ir::DType::Int8) return v;
  const auto& uses = v->uses();
  if (uses.size() != 1 || uses.front().node->op_type != "QuantizeLinear")
    throw InputError("--io-type int8: graph input '" + v->name +
                     "' must feed exactly one QuantizeLinear (it has " + std::to_string(uses.size()) + " users)" +
                     kUseFloat);
  const ir::Node* quantize = uses.front().node;
  const ir::Value* q = quantize->output(0);
  if (!q || q->dtype != ir::DType::Int8 || !q->quant)
    throw InputError("--io-type int8: QuantizeLinear '" + quantize->name + "' after input '" + v->name +
                     "' does not produce a quantized int8 value" + kUseFloat);
  io.dropped.insert(quantize);
  return q;
}

const ir::Value* int8_output(const ir::Value* v, Interface& io) {
  if (v->dtype == ir::DType::Int8) return v;
  const ir::Node* dequantize = v->producer();
  if (!dequantize || dequantize->op_type != "DequantizeLinear" || !dequantize->input(0))
    throw InputError("--io-type int8: graph output '" + v->name + "' does not come from a DequantizeLinear" +
                     kUseFloat);
  const ir::Value* q = dequantize->input(0);
  if (q->dtype != ir::DType::Int8 || !q->quant)
    throw InputError("--io-type int8: DequantizeLinear '" + dequantize->name + "' before output '" + v->name +
                     "' does not read a quantized int8 value" + kUseFloat);
  io.dropped.insert(dequantize);
  return q;
}

}  // namespace

IoType parse_io_type(const std::string& text) {
  if (text == "int8") return IoType::Int8;
  if (text == "float32") return IoType::Float32;
  throw InputError("--io-type '" + text + "' is not one of int8, float32");
}

Interface plan_interface(const ir::Graph& g, IoType io_type) {
  Interface io;
  for (const ir::Value* v : g.inputs()) {
    const ir::Value* chosen = io_type == IoType::Int8 ? int8_input(v, io) : v;
    io.inputs.push_back(chosen);
    io.names.emplace(chosen, v->name);
  }
  for (const ir::Value* v : g.outputs()) {
    const ir::Value* chosen = io_type == IoType::Int8 ? int8_output(v, io) : v;
    io.outputs.push_back(chosen);
    io.names.emplace(chosen, v->name);
  }
  return io;
}

}  // namespace tinyc::tflite_format

// The emitter's driver: refuses graphs with nodes that have no TFLite int8 form (all listed at once),
// fixes the interface per --io-type, lowers the nodes in topological order and writes the file.
#include "formats/tflite/emit.h"

#include <algorithm>

#include "formats/tflite/arena_plan.h"
#include "formats/tflite/interface.h"
#include "formats/tflite/lowering.h"
#include "formats/tflite/model_builder.h"
#include "io/atomic_file.h"
#include "ir/error.h"
#include "ir/version.h"

namespace tinyc::tflite_format {

namespace {

bool is_edge_op(const ir::Node& n) { return n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear"; }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Every node must have a lowering and (Q/DQ aside) compute in int8.
void check_supported(const ir::Graph& g) {
  std::vector<std::string> problems;
  for (const ir::Node* n : g.topological_order()) {
    const bool default_domain = n->domain.empty() || n->domain == "ai.onnx";
    if (!default_domain || !find_lowering(n->op_type)) {
      problems.push_back(describe(*n));
      continue;
    }
    const ir::Value* out = n->output(0);
    if (!is_edge_op(*n) && (!out || out->dtype != ir::DType::Int8))
      problems.push_back(describe(*n) + " (" + std::string(out ? ir::dtype_name(out->dtype) : "no output") + ")");
  }
  if (problems.empty()) return;
  const std::vector<ir::Value*> values = g.values();
  const bool quantized = std::any_of(values.begin(), values.end(), [](const ir::Value* v) { return v->quant.has_value(); });
  const std::string what = "cannot write .tflite: " + std::to_string(problems.size()) +
                           " node(s) have no TFLite int8 form: " + join(problems);
  if (quantized)
    throw InputError(what + "; the quantizer kept them float (the warnings say why): write --format onnx-qdq for a "
                            "mixed-precision model, or see `tinyc ops`");
  throw InputError(what + "; quantize the model first (int8 ops: " + join(lowered_op_types()) + ")");
}

}  // namespace

std::string emit_tflite_bytes(const ir::Graph& g, const EmitOptions& options) {
  check_supported(g);
  const Interface io = plan_interface(g, options.io_type);
  ModelBuilder builder(/*one_zero_point_when_equal=*/!options.full_quant_params);
  LoweringContext ctx(g, io, builder, options);
  for (const ir::Value* v : io.inputs) ctx.define(v);
  for (const ir::Node* n : g.topological_order())
    if (!io.dropped.count(n)) find_lowering(n->op_type)(*n, ctx);
  ctx.finish_interface();
  if (!options.keep_names) builder.strip_names();
  reorder_operators_for_memory(builder.model());
  if (options.memory_plan) {
    const std::vector<uint8_t> plan = offline_plan_bytes(plan_arena(builder.model()));
    builder.add_metadata(kOfflinePlanMetadata, {reinterpret_cast<const char*>(plan.data()), plan.size()});
  }
  return builder.finish(options.keep_names ? std::string("tinyc ") + kVersion : std::string());
}

void emit_tflite_file(const ir::Graph& g, const std::filesystem::path& path, const EmitOptions& options) {
  io::write_file_atomically(path, emit_tflite_bytes(g, options));
}

}  // namespace tinyc::tflite_format

// The .tflite import driver: verify the FlatBuffer, refuse what has no IR form (every unsupported op
// and tensor type at once), map the interface, import operator by operator in execution order, then
// shape inference, a check of every shape against the file, and verify().
#include "formats/tflite/import.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "exec/shape_inference.h"
#include "formats/tflite/builtin_names.h"
#include "formats/tflite/import_cleanup.h"
#include "formats/tflite/import_context.h"
#include "formats/tflite/import_ops.h"
#include "formats/tflite/read.h"
#include "io/file_bytes.h"
#include "ir/error.h"
#include "ir/verify.h"

namespace tinyc::tflite_format {

namespace {

constexpr int64_t kOpset = 13;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Every custom op and every builtin without an importer, each with its first operator.
void check_ops(const ImportContext& ctx) {
  std::map<std::string, size_t> unsupported;
  for (const FileOp& op : ctx.ops())
    if (op.name.rfind("CUSTOM:", 0) == 0 || !find_importer(op.code)) unsupported.emplace(op.name, op.index);
  if (unsupported.empty()) return;
  std::vector<std::string> entries;
  for (const auto& [name, index] : unsupported) entries.push_back(name + " (operator " + std::to_string(index) + ")");
  throw InputError("cannot import the .tflite file: " + std::to_string(unsupported.size()) +
                   " op type(s) without an IR form: " + join(entries) + "; tinyc imports " +
                   join(imported_tflite_ops()));
}

// Every tensor the operators or the interface use must have a type the importer takes (an LSTM's
// state variables, which the IR keeps inside the LSTM, aside).
void check_tensor_types(const ImportContext& ctx, const fb::SubGraph& main) {
  std::map<std::string, std::string> unknown;  // type -> first tensor
  auto check = [&](int32_t t) {
    if (t >= 0 && !ctx.tensor(t).is_variable && !ir_dtype_of(ctx.tensor(t).type))
      unknown.emplace(tensor_type_name(ctx.tensor(t).type), ctx.tensor(t).name);
  };
  for (const FileOp& op : ctx.ops()) {
    for (int32_t t : op.inputs) check(t);
    for (int32_t t : op.outputs) check(t);
  }
  if (main.inputs()) for (int32_t t : *main.inputs()) check(t);
  if (main.outputs()) for (int32_t t : *main.outputs()) check(t);
  if (unknown.empty()) return;
  std::vector<std::string> entries;
  for (const auto& [type, tensor] : unknown) entries.push_back(type + " (tensor '" + tensor + "')");
  throw InputError("cannot import the .tflite file: tensor type(s) " + join(entries) +
                   "; tinyc imports FLOAT32, INT8, INT4 (weights), INT32 and INT64 tensors");
}

void add_inputs(ImportContext& ctx, const fb::SubGraph& main, const ImportOptions& options) {
  if (!main.inputs()) return;
  for (int32_t t : *main.inputs()) {
    const FileTensor& f = ctx.tensor(t);
    const ir::DType dtype = ctx.dtype(t);
    if (dtype == ir::DType::Int8 && !f.quant)
      throw InputError("model input '" + f.name + "' is int8 without quantization parameters");
    if (dtype == ir::DType::Int8 && options.float_edges) {
      ir::Value* x = ctx.add_graph_input(t, ir::DType::Float32, f.name);
      ir::Node* q = ctx.intermediate("QuantizeLinear", {x}, f.name + "_quantized", ir::DType::Int8, ctx.ir_shape(t),
                                     ctx.ir_quant(t));
      ctx.bind(t, q->output(0));
      continue;
    }
    ir::Value* x = ctx.add_graph_input(t, dtype, f.name);
    x->quant = ctx.ir_quant(t);
    ctx.bind(t, x);
  }
}

void add_outputs(ImportContext& ctx, const fb::SubGraph& main, const ImportOptions& options) {
  if (!main.outputs() || main.outputs()->size() == 0)
    throw InputError("the .tflite file's subgraph declares no outputs; it computes nothing");
  ir::Graph& g = ctx.graph();
  for (int32_t t : *main.outputs()) {
    const FileTensor& f = ctx.tensor(t);
    if (!ctx.is_bound(t)) throw InputError("model output '" + f.name + "' is not computed by any operator");
    ir::Value* v = ctx.value(t);
    if (v->is_graph_input() || v->is_graph_output())
      throw InputError("model output '" + f.name + "' is also a model input or a second output; tinyc needs each "
                       "output computed by an operator of its own");
    if (v->dtype != ir::DType::Int8 || !options.float_edges) {
      g.add_output(v);
      continue;
    }
    if (v->name == f.name) g.rename_value(v, ctx.derived_name(f.name + "_quantized"));
    const std::string name = g.find_value(f.name) ? ctx.derived_name(f.name) : f.name;
    ir::Node* dq = g.add_node("DequantizeLinear", {v}, {name}, g.unique_node_name(name + "_dequantize"));
    dq->output(0)->dtype = ir::DType::Float32;
    dq->output(0)->shape = v->shape;
    g.add_output(dq->output(0));
  }
}

// After shape inference every value that stands for a file tensor must have that tensor's shape.
void check_shapes(const ImportContext& ctx) {
  for (int32_t t = 0; static_cast<size_t>(t) < ctx.tensor_count(); ++t) {
    const ir::Value* v = ctx.bound_value(t);
    if (!v) continue;
    const ir::Shape expected = ctx.ir_shape(t);
    if (!v->shape || *v->shape != expected)
      throw InputError("tensor '" + ctx.tensor(t).name + "' has shape " +
                       ir::shape_to_string(ctx.tensor(t).shape) + " in the file, but its operator computes " +
                       (v->shape ? ir::shape_to_string(*v->shape) : std::string("no shape")) + " (IR layout " +
                       ir::shape_to_string(expected) + " expected)");
  }
}

}  // namespace

bool has_tflite_identifier(std::string_view bytes) { return bytes.size() >= 8 && bytes.substr(4, 4) == "TFL3"; }

bool is_tflite_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  if (!in.read(head, sizeof(head))) return false;
  return has_tflite_identifier(std::string_view(head, sizeof(head)));
}

std::vector<std::string> imported_tflite_ops() {
  std::vector<std::string> names;
  for (int32_t code : imported_codes()) names.push_back(builtin_name(code));
  std::sort(names.begin(), names.end());
  return names;
}

std::unique_ptr<ir::Graph> import_tflite_bytes(std::string_view bytes, const ImportOptions& options) {
  const TfliteSummary summary = read_tflite_bytes(bytes);  // verifier and index checks
  const fb::Model& model = *fb::GetModel(bytes.data());
  if (model.subgraphs()->size() != 1)
    throw InputError("the .tflite file has " + std::to_string(model.subgraphs()->size()) +
                     " subgraphs (control flow or signatures); tinyc imports single-subgraph models");
  const fb::SubGraph& main = *model.subgraphs()->Get(0);

  auto g = std::make_unique<ir::Graph>();
  g->name = main.name() && main.name()->size() > 0 ? main.name()->str() : "tflite";
  g->opset_imports[""] = kOpset;
  g->producer_name = summary.description.empty() ? "tflite" : summary.description;
  g->limits = options.limits;
  ir::check_node_count(static_cast<int64_t>(main.operators() ? main.operators()->size() : 0), g->limits);
  ImportContext ctx(model, *g);
  check_ops(ctx);
  check_tensor_types(ctx, main);

  add_inputs(ctx, main, options);
  for (const FileOp& op : ctx.ops()) find_importer(op.code)(op, ctx);
  fold_transpose_pairs(ctx);
  add_outputs(ctx, main, options);

  exec::infer_shapes(*g);
  check_shapes(ctx);
  ir::verify_or_throw(*g, "after .tflite import");
  return g;
}

std::unique_ptr<ir::Graph> import_tflite_file(const std::filesystem::path& path, const ImportOptions& options) {
  return import_tflite_bytes(io::read_file_bytes(path, "model file"), options);
}

}  // namespace tinyc::tflite_format

// The shape-inference driver: the op registry (op_rules.def), support checks, and the topological
// walk that types each node with its rule and computes small integer data with its float kernel.
#include "exec/shape_inference.h"

#include <algorithm>
#include <map>

#include "exec/evaluate.h"
#include "exec/shape/rules.h"
#include "ir/error.h"

namespace tinyc::exec {

namespace {

struct OpRule {
  std::string_view op_type;
  shape::ShapeRule rule;
};

constexpr OpRule kRules[] = {
#define TINYC_OP(op_type, rule) {#op_type, &shape::rule},
#include "exec/shape/op_rules.def"
#undef TINYC_OP
};

bool is_default_domain(std::string_view domain) { return domain.empty() || domain == "ai.onnx"; }

shape::ShapeRule find_rule(std::string_view domain, std::string_view op_type) {
  if (!is_default_domain(domain)) return nullptr;
  for (const OpRule& r : kRules)
    if (r.op_type == op_type) return r.rule;
  return nullptr;
}

// Every node input must be typed before its consumer is inferred (graph inputs come typed from import).
void check_inputs_typed(const ir::Node& n) {
  for (const ir::Value* in : n.inputs()) {
    if (!in) continue;
    if (!in->shape || in->dtype == ir::DType::Undefined)
      throw shape::node_error(n, "input '" + in->name + "' has no known " + (in->shape ? "dtype" : "shape") +
                                     "; give graph inputs a static shape (--input-shape name:1x3x32x32)");
  }
}

// A rule types every output its op defines; an output left untyped is one the op does not have (a
// malformed model, e.g. a Mul with two outputs). Also refuses an output larger than the graph's tensor
// limit, before anything allocates it.
void check_outputs_typed(const ir::Node& n, const ir::Limits& limits) {
  for (size_t i = 0; i < n.outputs().size(); ++i) {
    const ir::Value* out = n.output(i);
    if (!out) continue;
    if (!out->shape || out->dtype == ir::DType::Undefined)
      throw shape::node_error(n, "output " + std::to_string(i + 1) + " ('" + out->name + "') is not one " + n.op_type +
                                     " computes; the node lists more outputs than its op defines");
    ir::check_tensor_bytes(*out->shape, out->dtype, limits,
                           "node '" + n.name + "' (" + n.op_type + "): output '" + out->name + "'");
  }
}

// When every output of `n` is a tracked (small integer) type and every input it reads is known
// (a constant or tracked data; Shape reads only its input's shape), runs the node's float kernel
// and records the outputs' data, so later rules can read Reshape targets, pads, axes, ...
// Quantized outputs hold scaled reals, not integers, so they are never tracked.
void compute_known_data(const ir::Node& n, int64_t opset, shape::KnownData& known) {
  bool any_output = false;
  for (const ir::Value* out : n.outputs()) {
    if (out && (out->quant || !shape::is_tracked(out->dtype, *out->shape))) return;
    any_output = any_output || out;
  }
  if (!any_output) return;
  std::vector<kernels::Slot> slots;
  for (const ir::Value* in : n.inputs()) {
    kernels::Slot slot;
    if (in) {
      const auto it = known.find(in);
      const ir::Tensor* data = in->is_constant() ? &in->constant() : it != known.end() ? &it->second : nullptr;
      if (!data && n.op_type != "Shape") return;
      slot = {true, in->dtype, *in->shape, data};
    }
    slots.push_back(std::move(slot));
  }
  std::vector<ir::Tensor> values = evaluate_slots(n, std::move(slots), opset);
  for (size_t i = 0; i < values.size(); ++i)
    if (const ir::Value* out = n.output(i)) known[out] = std::move(values[i]);
}

}  // namespace

const std::vector<std::string>& supported_ops() {
  static const std::vector<std::string> ops = [] {
    std::vector<std::string> names;
    for (const OpRule& r : kRules) names.emplace_back(r.op_type);
    std::sort(names.begin(), names.end());
    return names;
  }();
  return ops;
}

bool is_supported_op(std::string_view domain, std::string_view op_type) {
  return find_rule(domain, op_type) != nullptr;
}

std::vector<std::string> list_unsupported_ops(const ir::Graph& g) {
  std::map<std::string, std::string> unsupported;  // qualified op type -> first node name
  for (const ir::Node* n : g.nodes()) {
    if (is_supported_op(n->domain, n->op_type)) continue;
    const std::string op = is_default_domain(n->domain) ? n->op_type : n->domain + "." + n->op_type;
    unsupported.emplace(op, n->name);
  }
  std::vector<std::string> entries;
  for (const auto& [op, node] : unsupported) entries.push_back(op + " (node " + node + ")");
  return entries;
}

void check_supported(const ir::Graph& g) {
  const std::vector<std::string> unsupported = list_unsupported_ops(g);
  if (unsupported.empty()) return;
  std::string msg = "unsupported ops: ";
  for (size_t i = 0; i < unsupported.size(); ++i) msg += (i ? ", " : "") + unsupported[i];
  throw InputError(msg + "; run `tinyc ops` for the list of supported ops");
}

void infer_shapes(ir::Graph& g) {
  check_supported(g);
  ir::check_node_count(static_cast<int64_t>(g.node_count()), g.limits);
  for (const ir::Value* in : g.inputs())
    if (in->shape) ir::check_tensor_bytes(*in->shape, in->dtype, g.limits, "graph input '" + in->name + "'");
  const int64_t opset = model_opset(g);
  shape::KnownData known;
  for (ir::Node* n : g.topological_order()) {
    check_inputs_typed(*n);
    shape::ShapeContext ctx(*n, opset, known);
    find_rule(n->domain, n->op_type)(ctx);
    check_outputs_typed(*n, g.limits);
    compute_known_data(*n, opset, known);
  }
}

}  // namespace tinyc::exec

// Transpose pair folding (see import_cleanup.h). out dim a of Transpose(Transpose(x, p1), p2) is x
// dim p1[p2[a]].
#include "formats/tflite/import_cleanup.h"

namespace tinyc::tflite_format {

namespace {

bool is_identity(const std::vector<int64_t>& perm) {
  for (size_t a = 0; a < perm.size(); ++a)
    if (perm[a] != static_cast<int64_t>(a)) return false;
  return true;
}

}  // namespace

void fold_transpose_pairs(ImportContext& ctx) {
  ir::Graph& g = ctx.graph();
  for (ir::Node* outer : g.topological_order()) {
    if (outer->op_type != "Transpose") continue;
    ir::Value* mid = outer->input(0);
    ir::Node* inner = mid->producer();
    // The model's outputs are declared after the clean-up: a value standing for one stays.
    if (!inner || inner->op_type != "Transpose" || mid->uses().size() != 1 || ctx.is_bound_value(mid, true)) continue;
    const std::vector<int64_t> p1 = inner->attr_ints("perm", {});
    const std::vector<int64_t> p2 = outer->attr_ints("perm", {});
    if (p1.size() != p2.size() || p1.empty()) continue;
    std::vector<int64_t> composed(p2.size());
    for (size_t a = 0; a < p2.size(); ++a) composed[a] = p1.at(static_cast<size_t>(p2[a]));
    ir::Value* source = inner->input(0);
    g.set_node_input(outer, 0, source);
    outer->attrs["perm"] = composed;
    ctx.rebind(mid, nullptr);
    g.erase_node(inner);
    ir::Value* out = outer->output(0);
    if (!is_identity(composed) || ctx.is_bound_value(out, true)) continue;
    // The identity: readers of `out` read `source`, which takes out's name unless it stands for a
    // file tensor of its own.
    const std::string name = out->name;
    g.replace_all_uses(out, source);
    const bool source_is_file_tensor = ctx.is_bound_value(source);
    ctx.rebind(out, source);
    g.erase_node(outer);
    if (!source_is_file_tensor && !source->is_graph_input() && !source->is_constant()) g.rename_value(source, name);
  }
}

}  // namespace tinyc::tflite_format

// Removing channels found by the ChannelGraph analysis (prune_channels.cc): each producer loses
// output rows (and bias entries), each depthwise Conv and BatchNormalization loses the same channels,
// each consumer loses input columns (H*W of them per channel behind a Flatten), then shapes are
// re-inferred.
#include <numeric>

#include "exec/shape_inference.h"
#include "passes/prune/channels.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

ir::Tensor take_along(const ir::Tensor& t, size_t axis, const std::vector<int64_t>& keep) {
  const ir::Shape& s = t.shape();
  const int64_t outer = std::accumulate(s.begin(), s.begin() + static_cast<long>(axis), int64_t{1},
                                        std::multiplies<>());
  const int64_t inner = std::accumulate(s.begin() + static_cast<long>(axis) + 1, s.end(), int64_t{1},
                                        std::multiplies<>());
  ir::Shape shape = s;
  shape[axis] = static_cast<int64_t>(keep.size());
  std::vector<float> out;
  out.reserve(static_cast<size_t>(outer) * keep.size() * static_cast<size_t>(inner));
  const auto v = t.values<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k : keep)
      for (int64_t i = 0; i < inner; ++i) out.push_back(v[static_cast<size_t>((o * s[axis] + k) * inner + i)]);
  return ir::Tensor::from_vector(shape, out);
}

void slice_input(ir::Graph& g, ir::Node* n, size_t index, size_t axis, const std::vector<int64_t>& keep) {
  set_constant_input(g, n, index, take_along(n->input(index)->constant(), axis, keep), n->name + "_weight");
}

// Biases ([C], Gemm [N] or [1, N]) and BatchNormalization parameters follow channels along their
// last axis; a single value applies to every channel and stays.
void slice_vector(ir::Graph& g, ir::Node* n, size_t index, const std::vector<int64_t>& keep) {
  const ir::Value* v = n->input(index);
  if (!v || v->constant().num_elements() <= 1) return;
  const ir::Tensor& t = v->constant();
  set_constant_input(g, n, index, take_along(t, t.shape().size() - 1, keep), n->name + "_param");
}

std::vector<int64_t> kept_columns(const ChannelGraph& cg, const ChannelMap& m, const std::vector<char>& keep) {
  std::vector<int64_t> columns;
  for (size_t j = 0; j < m.atoms.size() * static_cast<size_t>(m.repeat); ++j)
    if (keep[static_cast<size_t>(cg.class_of(m.atoms[j / static_cast<size_t>(m.repeat)]))])
      columns.push_back(static_cast<int64_t>(j));
  return columns;
}

}  // namespace

std::vector<std::string> ChannelGraph::apply(ir::Graph& g, const std::vector<char>& keep) const {
  std::vector<std::string> consumers;
  for (const ChannelSlice& s : slices_) {
    ir::Node* n = g.find_node(s.node);
    if (!n) throw InternalError("prune: node '" + s.node + "' is not in the graph");
    const std::vector<int64_t> columns = kept_columns(*this, s.channels, keep);
    if (columns.size() == s.channels.atoms.size() * static_cast<size_t>(s.channels.repeat)) continue;
    const bool trans_b = n->attr_int("transB", 0) != 0;
    switch (s.kind) {
      case ChannelSlice::Kind::ProducerOutputs:
        slice_input(g, n, 1, n->op_type == "Conv" || trans_b ? 0 : 1, columns);
        slice_vector(g, n, 2, columns);
        break;
      case ChannelSlice::Kind::DepthwiseChannels:
        slice_input(g, n, 1, 0, columns);
        slice_vector(g, n, 2, columns);
        n->attrs["group"] = static_cast<int64_t>(columns.size());
        break;
      case ChannelSlice::Kind::BatchNormChannels:
        for (size_t i = 1; i < 5; ++i) slice_vector(g, n, i, columns);
        break;
      case ChannelSlice::Kind::ConsumerInputs:
        slice_input(g, n, 1, n->op_type == "Conv" || trans_b ? 1 : 0, columns);
        consumers.push_back(s.node);
        break;
    }
  }
  exec::infer_shapes(g);
  return consumers;
}

std::vector<int64_t> ChannelGraph::kept_outputs(const ir::Graph& original, const std::string& node,
                                                const std::vector<char>& keep) const {
  for (const ChannelSlice& s : slices_)
    if ((s.kind == ChannelSlice::Kind::ProducerOutputs || s.kind == ChannelSlice::Kind::DepthwiseChannels) &&
        s.node == node)
      return kept_columns(*this, s.channels, keep);
  return all_output_channels(*original.find_node(node));
}

std::vector<int64_t> all_output_channels(const ir::Node& n) {
  const ir::Shape& w = n.input(1)->constant().shape();
  const bool columns_out = n.op_type == "Gemm" && n.attr_int("transB", 0) == 0;
  std::vector<int64_t> all(static_cast<size_t>(columns_out ? w[1] : w[0]));
  std::iota(all.begin(), all.end(), 0);
  return all;
}

}  // namespace tinyc::passes

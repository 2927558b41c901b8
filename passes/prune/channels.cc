// Channel analysis for structured pruning. Every output channel of a producer (Conv group 1, Gemm)
// is an atom. Walking the graph in topological order, each value that carries channels along axis 1
// gets a ChannelMap: pass-through ops copy it, Flatten repeats each channel over its H*W columns,
// Concat on axis 1 joins maps, and an elementwise op of two channel-carrying operands ties atom i of
// one to atom i of the other (union-find), so residual branches end up sharing one mask. Any use the
// analysis does not understand, or a graph output, locks the channels it sees.
// Removing them is in prune_channel_removal.cc.
#include "passes/prune/channels.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "passes/channel_affine.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

class UnionFind {
 public:
  int add() {
    parent_.push_back(static_cast<int>(parent_.size()));
    return parent_.back();
  }
  int find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void unite(int a, int b) { parent_[find(a)] = find(b); }
  size_t size() const { return parent_.size(); }

 private:
  std::vector<int> parent_;
};

const std::vector<std::string> kChannelwiseUnary = {
    "Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu", "Softplus",
    "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Identity", "Dropout"};
const std::vector<std::string> kElementwiseBinary = {"Add", "Sub", "Mul", "Max", "Min"};

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool is_depthwise(const ir::Node& n) {
  if (n.op_type != "Conv" || !is_prunable_layer(n) || !n.input(0)->shape) return false;
  const ir::Shape& w = n.input(1)->constant().shape();
  const int64_t group = n.attr_int("group", 1);
  return group > 1 && w[1] == 1 && w[0] == group && (*n.input(0)->shape)[1] == group;
}

bool is_channel_producer(const ir::Node& n) {
  if (!is_prunable_layer(n)) return false;
  if (n.op_type == "Conv") return n.attr_int("group", 1) == 1;
  const ir::Value* c = n.input(2);
  const int64_t columns = n.output(0)->shape ? n.output(0)->shape->back() : 0;
  return n.attr_int("transA", 0) == 0 && n.input(0)->shape && n.input(0)->shape->size() == 2 &&
         (!c || (is_float32_constant(c) && is_per_column_bias(c->constant().shape(), columns)));
}

int64_t product_from(const ir::Shape& s, size_t first) {
  int64_t p = 1;
  for (size_t d = first; d < s.size(); ++d) p *= s[d];
  return p;
}

// A Pad that leaves the batch and channel axes alone.
bool pads_spatial_only(const ir::Node& n) {
  const ir::Value* pads = n.input(1);
  if (!pads || !pads->is_constant() || !n.input(0)->shape) return false;
  const std::vector<int64_t> p = pads->constant().to_int64();
  const size_t rank = n.input(0)->shape->size();
  return p.size() == 2 * rank && rank >= 2 && p[0] == 0 && p[1] == 0 && p[rank] == 0 && p[rank + 1] == 0;
}

// The analysis state while walking the graph once.
class Builder {
 public:
  explicit Builder(const ir::Graph& g) : g_(g) {}

  void walk(std::vector<ChannelSlice>& slices) {
    slices_ = &slices;
    for (const ir::Node* n : g_.topological_order()) visit(*n);
    for (const ir::Value* out : g_.outputs())
      if (const ChannelMap* m = map_of(out)) lock(*m, "its channels reach the graph output '" + out->name + "'");
  }

  UnionFind atoms, producers;
  std::vector<int> atom_producer;
  std::vector<std::string> producer_names;
  std::vector<std::pair<int, std::string>> locks;  // atom, why

  std::vector<LayerWeights> weights;

 private:
  const ChannelMap* map_of(const ir::Value* v) const {
    if (!v) return nullptr;
    auto it = maps_.find(v);
    return it == maps_.end() ? nullptr : &it->second;
  }

  void lock(const ChannelMap& m, const std::string& why) {
    for (int a : m.atoms) locks.emplace_back(a, why);
  }

  ChannelMap new_producer(const ir::Node& n, int64_t channels) {
    const int p = producers.add();
    producer_names.push_back(n.name);
    ChannelMap m;
    for (int64_t c = 0; c < channels; ++c) {
      m.atoms.push_back(atoms.add());
      atom_producer.push_back(p);
    }
    return m;
  }

  void tie(int a, int b) {
    atoms.unite(a, b);
    producers.unite(atom_producer[a], atom_producer[b]);
  }

  // Returns the inputs the node accepts as channel-carrying; the others that carry channels lock.
  std::vector<size_t> visit_layer(const ir::Node& n) {
    const ChannelMap* in = map_of(n.input(0));
    const ir::Shape& w = n.input(1)->constant().shape();
    const bool trans_b = n.op_type == "Gemm" && n.attr_int("transB", 0) != 0;
    LayerWeights weight;
    weight.kernel = n.op_type == "Conv" ? product_from(w, 2) : 1;
    weight.positions = n.op_type == "Conv" && n.output(0)->shape ? product_from(*n.output(0)->shape, 2) : 1;
    if (is_depthwise(n)) {
      weight.depthwise = true;
      if (!in || in->repeat != 1) {
        weight.out_fixed = w[0];
        weights.push_back(weight);
        return {};
      }
      weight.out_atoms = in->atoms;
      weights.push_back(weight);
      slices_->push_back({ChannelSlice::Kind::DepthwiseChannels, n.name, *in});
      maps_[n.output(0)] = *in;
      return {0};
    }
    if (!is_channel_producer(n)) {
      weight.out_fixed = n.input(1)->constant().num_elements();
      weight.in_fixed = 1;
      weights.push_back(weight);
      return {};
    }
    const int64_t outputs = n.op_type == "Conv" || trans_b ? w[0] : w[1];
    const int64_t inputs = n.op_type == "Conv" ? w[1] : trans_b ? w[1] : w[0];
    ChannelMap out = new_producer(n, outputs);
    weight.out_atoms = out.atoms;
    std::vector<size_t> accepted;
    const bool in_fits = in && (n.op_type == "Gemm" || in->repeat == 1) &&
                         static_cast<int64_t>(in->atoms.size()) * in->repeat == inputs;
    if (in_fits) {
      weight.in = *in;
      slices_->push_back({ChannelSlice::Kind::ConsumerInputs, n.name, *in});
      accepted.push_back(0);
    } else {
      weight.in_fixed = inputs;
    }
    weights.push_back(weight);
    slices_->push_back({ChannelSlice::Kind::ProducerOutputs, n.name, out});
    maps_[n.output(0)] = std::move(out);
    return accepted;
  }

  std::vector<size_t> visit_elementwise(const ir::Node& n) {
    const ChannelMap* a = map_of(n.input(0));
    const ChannelMap* b = map_of(n.input(1));
    if (a && b) {
      if (!n.input(0)->shape || n.input(0)->shape != n.input(1)->shape || a->atoms.size() != b->atoms.size() ||
          a->repeat != b->repeat)
        return {};
      for (size_t i = 0; i < a->atoms.size(); ++i) tie(a->atoms[i], b->atoms[i]);
      maps_[n.output(0)] = *a;
      return {0, 1};
    }
    const size_t k = a ? 0 : 1;
    const ir::Value* other = n.input(1 - k);
    if (other && other->is_constant() && other->constant().num_elements() == 1) {
      maps_[n.output(0)] = *map_of(n.input(k));
      return {k};
    }
    return {};
  }

  std::vector<size_t> visit_concat(const ir::Node& n) {
    const size_t rank = n.output(0)->shape ? n.output(0)->shape->size() : 0;
    int64_t axis = n.attr_int("axis", 0);
    if (axis < 0) axis += static_cast<int64_t>(rank);
    if (axis != 1) return {};
    ChannelMap joined;
    std::vector<size_t> accepted;
    for (size_t i = 0; i < n.inputs().size(); ++i) {
      const ChannelMap* m = map_of(n.input(i));
      if (!m || m->repeat != 1) return {};
      joined.atoms.insert(joined.atoms.end(), m->atoms.begin(), m->atoms.end());
      accepted.push_back(i);
    }
    maps_[n.output(0)] = std::move(joined);
    return accepted;
  }

  std::vector<size_t> visit_passthrough(const ir::Node& n) {
    const ChannelMap* in = map_of(n.input(0));
    if (!in) return {};
    for (size_t i = 1; i < n.inputs().size(); ++i)
      if (map_of(n.input(i))) return {};
    const std::string& op = n.op_type;
    if (contains(kChannelwiseUnary, op) || (op == "Pad" && pads_spatial_only(n))) {
      maps_[n.output(0)] = *in;
      return {0};
    }
    if (op == "BatchNormalization" && in->repeat == 1) {
      for (size_t i = 1; i < 5; ++i)
        if (!is_float32_constant(n.input(i))) return {};
      slices_->push_back({ChannelSlice::Kind::BatchNormChannels, n.name, *in});
      maps_[n.output(0)] = *in;
      return {0};
    }
    if (op == "Flatten" && n.attr_int("axis", 1) == 1 && in->repeat == 1 && n.input(0)->shape) {
      maps_[n.output(0)] = {in->atoms, product_from(*n.input(0)->shape, 2)};
      return {0};
    }
    return {};
  }

  void visit(const ir::Node& n) {
    std::vector<size_t> accepted;
    if (!n.domain.empty())
      accepted = {};
    else if (is_prunable_layer(n))
      accepted = visit_layer(n);
    else if (contains(kElementwiseBinary, n.op_type) && n.inputs().size() == 2 &&
             (map_of(n.input(0)) || map_of(n.input(1))))
      accepted = visit_elementwise(n);
    else if (n.op_type == "Concat")
      accepted = visit_concat(n);
    else
      accepted = visit_passthrough(n);
    for (size_t i = 0; i < n.inputs().size(); ++i) {
      const ChannelMap* m = map_of(n.input(i));
      if (m && std::find(accepted.begin(), accepted.end(), i) == accepted.end())
        lock(*m, "its channels reach " + n.op_type + " node '" + n.name + "'");
    }
  }

  const ir::Graph& g_;
  std::unordered_map<const ir::Value*, ChannelMap> maps_;
  std::vector<ChannelSlice>* slices_ = nullptr;
};

}  // namespace

bool is_prunable_layer(const ir::Node& n) {
  if (!n.domain.empty() || (n.op_type != "Conv" && n.op_type != "Gemm")) return false;
  if (!is_float32_constant(n.input(1)) || (n.input(2) && !is_float32_constant(n.input(2)))) return false;
  const size_t rank = n.input(1)->constant().shape().size();
  return n.op_type == "Conv" ? rank >= 3 : rank == 2;
}

ChannelGraph::ChannelGraph(const ir::Graph& g) {
  Builder b(g);
  b.walk(slices_);
  weights_ = b.weights;

  std::unordered_map<int, int> class_index;
  atom_class_.resize(b.atoms.size());
  for (size_t a = 0; a < b.atoms.size(); ++a) {
    const int root = b.atoms.find(static_cast<int>(a));
    auto [it, fresh] = class_index.emplace(root, num_classes_);
    if (fresh) ++num_classes_;
    atom_class_[a] = it->second;
  }
  std::unordered_map<int, size_t> group_index;
  std::vector<std::vector<char>> seen;
  for (size_t a = 0; a < b.atoms.size(); ++a) {
    const int p = b.atom_producer[a];
    const int root = b.producers.find(p);
    auto [it, fresh] = group_index.emplace(root, groups_.size());
    if (fresh) {
      groups_.emplace_back();
      seen.emplace_back(static_cast<size_t>(num_classes_), 0);
    }
    ChannelGroup& group = groups_[it->second];
    const std::string& producer = b.producer_names[static_cast<size_t>(p)];
    if (std::find(group.producers.begin(), group.producers.end(), producer) == group.producers.end())
      group.producers.push_back(producer);
    const int c = atom_class_[a];
    if (!seen[it->second][static_cast<size_t>(c)]) {
      seen[it->second][static_cast<size_t>(c)] = 1;
      group.classes.push_back(c);
    }
  }
  for (ChannelGroup& group : groups_) {
    group.name = group.producers.front();
    if (group.producers.size() > 1) group.name += " + " + std::to_string(group.producers.size() - 1) + " tied";
  }
  for (const auto& [atom, why] : b.locks) {
    const int root = b.producers.find(b.atom_producer[static_cast<size_t>(atom)]);
    ChannelGroup& group = groups_[group_index.at(root)];
    if (group.locked_because.empty()) group.locked_because = why;
  }
}

Resources ChannelGraph::size(const std::vector<char>& keep) const {
  auto kept = [&](const std::vector<int>& atoms) {
    int64_t k = 0;
    for (int a : atoms) k += keep[static_cast<size_t>(class_of(a))] ? 1 : 0;
    return k;
  };
  Resources total;
  for (const LayerWeights& w : weights_) {
    const int64_t out = w.out_atoms.empty() ? w.out_fixed : kept(w.out_atoms);
    const int64_t in = w.in.atoms.empty() ? w.in_fixed : kept(w.in.atoms) * w.in.repeat;
    const int64_t elements = w.depthwise ? out * w.kernel : out * in * w.kernel;
    total.weights += elements;
    total.macs += elements * w.positions;
  }
  return total;
}

}  // namespace tinyc::passes

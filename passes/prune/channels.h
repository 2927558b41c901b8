// Which output channels of a graph can be removed together, and removing them: the structural half
// of structured pruning (passes/prune.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/prune/sensitivity.h"

namespace tinyc::passes {

// Channels along axis 1 of one value: column j (of a flattened value: element j past the batch
// axis) belongs to channel atoms[j / repeat]. An atom is one output channel of one producer.
struct ChannelMap {
  std::vector<int> atoms;
  int64_t repeat = 1;
};

// A weight slice that follows channels: a producer's outputs, a depthwise conv's channels, a
// BatchNormalization's parameters, or a consumer's input channels (Flatten -> Gemm: repeat rows).
struct ChannelSlice {
  enum class Kind { ProducerOutputs, DepthwiseChannels, BatchNormChannels, ConsumerInputs };
  Kind kind;
  std::string node;
  ChannelMap channels;
};

// One Conv/Gemm weight: its output and input sides follow channel atoms or stay fixed.
struct LayerWeights {
  std::vector<int> out_atoms;  // empty: out_fixed outputs
  int64_t out_fixed = 0;
  ChannelMap in;  // empty atoms: in_fixed input columns
  int64_t in_fixed = 0;
  int64_t kernel = 1;     // elements per (output, input) pair
  int64_t positions = 1;  // output positions per row: MACs = weights x positions
  bool depthwise = false;
};

// A set of producers whose channels share one mask (tied by residual Adds); the unit that gets one
// pruning ratio. Channel c of the group is one removable class of atoms.
struct ChannelGroup {
  std::string name;
  std::vector<std::string> producers;
  std::vector<int> classes;  // in the channel order of the first producer
  std::string locked_because;  // non-empty: the group cannot be pruned
};

// The analysis of a graph: producers are Conv (group 1) and Gemm nodes with constant float weights;
// channels flow through unary activations, pools, BatchNormalization, depthwise Conv, Flatten (into
// Gemm rows), Concat on axis 1 and elementwise ops of two same-shaped operands (which tie their
// channels). A channel that reaches a graph output or any other op cannot be removed.
class ChannelGraph {
 public:
  explicit ChannelGraph(const ir::Graph& g);

  int num_classes() const { return num_classes_; }
  const std::vector<ChannelGroup>& groups() const { return groups_; }
  const std::vector<ChannelSlice>& slices() const { return slices_; }
  int class_of(int atom) const { return atom_class_[static_cast<size_t>(atom)]; }

  // Conv/Gemm weight elements and MACs with only the classes where keep[class] is true.
  Resources size(const std::vector<char>& keep) const;
  // Removes the channels of every class with keep[class] false from `g` (this graph or a clone of
  // it) and re-infers shapes. Returns the names of the Conv/Gemm nodes whose inputs lost channels.
  std::vector<std::string> apply(ir::Graph& g, const std::vector<char>& keep) const;
  // The original output-channel indices a producer keeps (all of them for other nodes).
  std::vector<int64_t> kept_outputs(const ir::Graph& original, const std::string& node,
                                    const std::vector<char>& keep) const;

 private:
  int num_classes_ = 0;
  std::vector<int> atom_class_;
  std::vector<ChannelGroup> groups_;
  std::vector<ChannelSlice> slices_;
  std::vector<LayerWeights> weights_;
};

// The Conv and Gemm nodes whose weights count as prunable (constant float32 weights).
bool is_prunable_layer(const ir::Node& n);

// 0 .. outputs - 1 for a Conv or Gemm: every output channel it has.
std::vector<int64_t> all_output_channels(const ir::Node& n);

}  // namespace tinyc::passes

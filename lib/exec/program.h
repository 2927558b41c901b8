// A graph compiled for fixed shapes: values known before run time folded, kernels prepared,
// activation memory planned. The executor keeps one per batch size it runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "exec/kernels/kernel.h"
#include "exec/planner.h"
#include "ir/graph.h"

namespace tinyc::exec {

// One value computed at run time, shown to an observer right after its node ran. When rows are
// run in chunks, `value` holds rows [first_row, first_row + value.shape()[0]) of the batch.
struct ObservedValue {
  const std::string& name;
  const ir::Tensor& value;
  int64_t first_row;
};
using Observer = std::function<void(const ObservedValue&)>;

// Immutable after construction, so several threads may run it at once (each with its own arena).
class Program {
 public:
  // `graph` must carry dtype and shape on every value (exec::infer_shapes ran).
  explicit Program(std::unique_ptr<ir::Graph> graph);
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  const ir::Graph& graph() const { return *graph_; }
  const MemoryPlan& memory_plan() const { return plan_; }
  // Node outputs computed at run time, in execution order (everything else is a constant or was
  // folded at construction: Constant nodes, shape computations, nodes on constants only).
  const std::vector<const ir::Value*>& runtime_values() const { return runtime_values_; }
  // True when some kernel mixes elements across axis 0 (see Kernel::mixes_axis0).
  bool mixes_axis0() const { return mixes_axis0_; }

  // inputs[i] points at graph input i's elements, outputs[i] at room for graph output i, and
  // `arena` has memory_plan().arena_bytes bytes. The observer, when set, sees each runtime value.
  void run(std::span<const void* const> inputs, std::span<void* const> outputs, std::span<std::byte> arena,
           const Observer* observer, int64_t first_row) const;

 private:
  struct Location {
    enum class Kind { Absent, Arena, Fixed, Input } kind = Kind::Absent;
    size_t offset = 0;            // Arena: byte offset; Input: graph input index
    const void* fixed = nullptr;  // Fixed: constant or folded data
  };
  struct Step {
    const ir::Node* node = nullptr;
    std::unique_ptr<kernels::Kernel> kernel;
    std::vector<Location> inputs;
    std::vector<Location> outputs;
    size_t scratch_offset = 0;
    size_t scratch_bytes = 0;
  };

  // Type and, for constants and folded values, data of each input of `node`.
  std::vector<kernels::Slot> input_slots(const ir::Node& node) const;
  Location locate(const ir::Value* v) const;
  void fold(const ir::Node& node, int64_t opset);
  void plan(const std::vector<const ir::Node*>& runtime_nodes);

  std::unique_ptr<ir::Graph> graph_;
  std::unordered_map<const ir::Value*, ir::Tensor> folded_;
  std::unordered_map<const ir::Value*, size_t> arena_offsets_;
  std::vector<Step> steps_;
  std::vector<const ir::Value*> runtime_values_;
  std::vector<Location> output_locations_;
  MemoryPlan plan_;
  bool mixes_axis0_ = false;
};

}  // namespace tinyc::exec

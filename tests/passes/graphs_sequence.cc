// The sequence classifier test network.
#include "passes/graphs_sequence.h"

#include "exec/shape_inference.h"
#include "passes/pass_test_util.h"

namespace tinyc::passes::testing {

std::unique_ptr<ir::Graph> sequence_classifier(bool gru) {
  constexpr int64_t kSteps = 8, kInput = 4, kHidden = 6;
  const int64_t gates = gru ? 3 : 4;
  auto g = new_graph(13);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, kSteps, kInput});
  ir::Node* time_major = g->add_node("Transpose", {x}, {"time_major"}, "time_major");
  time_major->attrs["perm"] = std::vector<int64_t>{1, 0, 2};
  const std::string op = gru ? "GRU" : "LSTM";
  ir::Node* cell = g->add_node(op,
                               {time_major->output(0), add_random_constant(*g, "W", {1, gates * kHidden, kInput}, 1),
                                add_random_constant(*g, "R", {1, gates * kHidden, kHidden}, 2),
                                add_random_constant(*g, "B", {1, 2 * gates * kHidden}, 3)},
                               {"Y", "Y_h"}, "recurrent");
  cell->attrs["hidden_size"] = kHidden;
  ir::Value* shape = g->add_constant("flat", ir::Tensor::from_vector<int64_t>({2}, {1, kHidden}));
  ir::Value* flat = g->add_node("Reshape", {cell->output(1), shape}, {"last"}, "last")->output(0);
  ir::Node* head = g->add_node("Gemm", {flat, add_random_constant(*g, "head_w", {3, kHidden}, 4), add_random_constant(*g, "head_b", {3}, 5)},
                               {"y"}, "head");
  head->attrs["transB"] = int64_t{1};
  g->add_output(head->output(0));
  exec::infer_shapes(*g);
  return g;
}

std::unique_ptr<ir::Graph> batch_first_lstm() {
  constexpr int64_t kSteps = 8, kInput = 4, kHidden = 6;
  auto g = new_graph(14);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, kSteps, kInput});
  ir::Node* cell = g->add_node("LSTM",
                               {x, add_random_constant(*g, "W", {1, 4 * kHidden, kInput}, 6),
                                add_random_constant(*g, "R", {1, 4 * kHidden, kHidden}, 7),
                                add_random_constant(*g, "B", {1, 8 * kHidden}, 8)},
                               {"Y"}, "recurrent");
  cell->attrs["hidden_size"] = kHidden;
  cell->attrs["layout"] = int64_t{1};
  ir::Value* shape = g->add_constant("flat", ir::Tensor::from_vector<int64_t>({2}, {1, kSteps * kHidden}));
  ir::Value* flat = g->add_node("Reshape", {cell->output(0), shape}, {"steps"}, "steps")->output(0);
  ir::Node* head = g->add_node("Gemm", {flat, add_random_constant(*g, "head_w", {3, kSteps * kHidden}, 9),
                                        add_random_constant(*g, "head_b", {3}, 10)},
                               {"y"}, "head");
  head->attrs["transB"] = int64_t{1};
  g->add_output(head->output(0));
  exec::infer_shapes(*g);
  return g;
}

}  // namespace tinyc::passes::testing

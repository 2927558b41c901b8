// exec::StagedCapture on a real residual model (the corpus fmnist_resnet8, 45 calibration rows: a
// stacked chunk and a partial one): the inputs of its layers, asked for in order, equal a whole-graph
// capture bit for bit; a sweep that changes each layer after asking for its input sees every change
// made upstream of what it asks next; values it is told are where later calls start.
#include <catch2/catch.hpp>

#include "exec/capture.h"
#include "exec/executor.h"
#include "exec/input_data.h"
#include "exec/shape_inference.h"
#include "exec/staged_capture.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "ir/subgraph.h"
#include "ir/tensor_rows.h"
#include "support/test_support.h"

using namespace tinyc;

namespace {

struct Model {
  std::unique_ptr<ir::Graph> graph;
  std::vector<ir::Tensor> rows;
  std::vector<std::string> layer_inputs;  // input 0 of every Conv and Gemm, in topological order
};

Model resnet8() {
  Model m;
  m.graph = onnx_format::import_model_file(test::corpus_model_path("fmnist_resnet8")).graph;
  exec::infer_shapes(*m.graph);
  const ir::Tensor calib = ir::slice_rows(io::read_npy(test::corpus_dir() / "data/fmnist_calib.npy"), 0, 45);
  m.rows = exec::as_graph_input_rows(*m.graph, {calib}, "calibration rows");
  for (const ir::Node* n : m.graph->topological_order())
    if (n->op_type == "Conv" || n->op_type == "Gemm") m.layer_inputs.push_back(n->input(0)->name);
  return m;
}

ir::Tensor scaled(const ir::Tensor& t, float factor) {
  ir::Tensor s = t;
  for (float& v : s.mutable_values<float>()) v *= factor;
  return s;
}

}  // namespace

TEST_CASE("staged capture: layer inputs asked for in order equal a whole-graph capture", "[exec][corpus]") {
  const Model m = resnet8();
  REQUIRE(m.layer_inputs.size() >= 8);
  const std::vector<ir::Tensor> expected = exec::capture_values(*m.graph, m.rows, m.layer_inputs, {});
  exec::StagedCapture staged(*m.graph, m.rows, {});
  for (size_t i = 0; i < m.layer_inputs.size(); ++i) {
    INFO(m.layer_inputs[i]);
    CHECK(staged.value(m.layer_inputs[i]) == expected[i]);
  }
  CHECK(staged.outputs() == exec::Executor(*m.graph).run(m.rows));
}

TEST_CASE("staged capture: a sweep that changes each layer after reading its input sees the changes",
          "[exec][corpus]") {
  const Model m = resnet8();
  exec::StagedCapture staged(*m.graph, m.rows, {});
  int changed = 0;
  for (ir::Node* n : m.graph->topological_order()) {
    if (n->op_type != "Conv" && n->op_type != "Gemm") continue;
    const std::string input = n->input(0)->name;
    INFO(n->name << " after " << changed << " changed layers");
    CHECK(staged.value(input) == exec::capture_values(*m.graph, m.rows, {input}, {}).front());
    m.graph->set_constant(n->input(1), scaled(n->input(1)->constant(), 0.75f));
    ++changed;
  }
  CHECK(staged.outputs() == exec::Executor(*m.graph).run(m.rows));
}

TEST_CASE("staged capture: values it is told are where later calls start", "[exec][corpus]") {
  const Model m = resnet8();
  const std::string middle = m.layer_inputs[m.layer_inputs.size() / 2];
  const ir::Tensor doubled = scaled(exec::capture_values(*m.graph, m.rows, {middle}, {}).front(), 2.0f);
  exec::StagedCapture staged(*m.graph, m.rows, {});
  staged.know({{middle, std::make_shared<const ir::Tensor>(doubled)}});
  CHECK(staged.value(middle) == doubled);

  // The outputs computed from the told value wherever it lies on their way, else from the input.
  std::vector<std::string> outputs;
  for (const ir::Value* out : m.graph->outputs()) outputs.push_back(out->name);
  ir::Shape one = doubled.shape();
  one[0] = 1;
  const ir::Value* x = m.graph->inputs().front();
  const auto rest = ir::subgraph(*m.graph, {{middle, one}, {x->name, *x->shape}}, outputs);
  std::vector<ir::Tensor> inputs;
  for (const ir::Value* in : rest->inputs()) inputs.push_back(in->name == middle ? doubled : m.rows.front());
  REQUIRE(rest->find_value(middle)->is_graph_input());
  const std::vector<ir::Tensor> from_middle = exec::Executor(*rest).run(inputs);
  CHECK(staged.outputs() == from_middle);
  CHECK(from_middle != exec::Executor(*m.graph).run(m.rows));
}

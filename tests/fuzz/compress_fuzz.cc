// Fuzz target: compress end to end on a small model whose shape, attributes and weights come from the
// fuzz input: x -> Conv (any kernel, stride, pads, dilation, group) -> BatchNormalization -> an
// activation -> a pool -> Flatten -> Gemm [-> Softmax]. Weights include NaN, Inf and denormals. It runs
// shape inference, the default folding and int8 pipeline calibrated on two rows, the int8 executor on
// those rows, the TFLite emitter, and reads the blob back with its memory figures.
#include <cmath>
#include <string>

#include "exec/executor.h"
#include "exec/shape_inference.h"
#include "formats/tflite/blob_memory.h"
#include "formats/tflite/emit.h"
#include "formats/tflite/read.h"
#include "fuzz_support.h"
#include "ir/graph.h"
#include "ir/verify.h"
#include "passes/default_pipelines.h"
#include "passes/pass_manager.h"
#include "passes/pipeline.h"

using namespace tinyc;

namespace {

ir::Value* weights(ir::Graph& g, const std::string& name, ir::Shape shape, fuzz::ByteReader& in) {
  ir::Tensor t(ir::DType::Float32, std::move(shape));
  for (float& v : t.mutable_values<float>()) v = in.weight();
  return g.add_constant(name, std::move(t));
}

ir::Value* positive(ir::Graph& g, const std::string& name, int64_t n, fuzz::ByteReader& in) {
  ir::Tensor t(ir::DType::Float32, {n});
  for (float& v : t.mutable_values<float>()) v = std::fabs(in.weight());
  return g.add_constant(name, std::move(t));
}

ir::Value* node(ir::Graph& g, const std::string& op, const std::vector<ir::Value*>& inputs, ir::Attributes attrs = {}) {
  ir::Node* n = g.add_node(op, inputs, {op + "_" + std::to_string(g.node_count())}, op + std::to_string(g.node_count()));
  n->attrs = std::move(attrs);
  return n->output(0);
}

std::unique_ptr<ir::Graph> small_model(fuzz::ByteReader& in) {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  g->limits = fuzz::fuzz_limits();
  const int64_t channels = in.in_range(1, 4), height = in.in_range(1, 12), width = in.in_range(1, 12);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, channels, height, width});
  const int64_t group = in.in_range(0, 1) ? channels : 1;
  const int64_t out = group == 1 ? in.in_range(1, 8) : channels * in.in_range(1, 2);
  const int64_t kh = in.in_range(1, 5), kw = in.in_range(1, 5);
  const int64_t pad = in.in_range(0, 2), stride = in.in_range(1, 3), dilation = in.in_range(1, 2);
  ir::Value* y = node(*g, "Conv",
                      {x, weights(*g, "w", {out, channels / group, kh, kw}, in), weights(*g, "b", {out}, in)},
                      {{"kernel_shape", std::vector<int64_t>{kh, kw}},
                       {"pads", std::vector<int64_t>{pad, pad, in.in_range(0, 2), in.in_range(0, 2)}},
                       {"strides", std::vector<int64_t>{stride, stride}},
                       {"dilations", std::vector<int64_t>{dilation, dilation}},
                       {"group", group}});
  if (in.in_range(0, 1))
    y = node(*g, "BatchNormalization",
             {y, weights(*g, "scale", {out}, in), weights(*g, "shift", {out}, in), weights(*g, "mean", {out}, in),
              positive(*g, "var", out, in)});
  switch (in.in_range(0, 3)) {
    case 1: y = node(*g, "Relu", {y}); break;
    case 2: y = node(*g, "Clip", {y, g->add_constant("lo", ir::Tensor::scalar<float>(0)), g->add_constant("hi", ir::Tensor::scalar<float>(6))}); break;
    case 3: y = node(*g, "Sigmoid", {y}); break;
    default: break;
  }
  const int64_t pool = in.in_range(1, 3);
  switch (in.in_range(0, 3)) {
    case 1: y = node(*g, "MaxPool", {y}, {{"kernel_shape", std::vector<int64_t>{pool, pool}}}); break;
    case 2: y = node(*g, "AveragePool", {y}, {{"kernel_shape", std::vector<int64_t>{pool, pool}}}); break;
    case 3: y = node(*g, "GlobalAveragePool", {y}); break;
    default: break;
  }
  y = node(*g, "Flatten", {y});
  exec::infer_shapes(*g);  // the Gemm needs the flattened width
  const int64_t features = y->shape->at(1), classes = in.in_range(1, 10);
  y = node(*g, "Gemm", {y, weights(*g, "fc", {classes, features}, in), weights(*g, "fc_b", {classes}, in)},
           {{"transB", int64_t{1}}});
  if (in.in_range(0, 1)) y = node(*g, "Softmax", {y}, {{"axis", int64_t{1}}});
  g->add_output(y);
  return g;
}

// Two rows of the input's shape with fixed values in [-1, 1].
ir::Tensor calibration_rows(const ir::Value& input) {
  ir::Shape shape = *input.shape;
  shape[0] = 2;
  ir::Tensor rows(ir::DType::Float32, shape);
  auto values = rows.mutable_values<float>();
  for (size_t i = 0; i < values.size(); ++i) values[i] = std::sin(static_cast<float>(i) * 0.37f);
  return rows;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::refusals_only([&] {
    fuzz::ByteReader in(data, size);
    const std::unique_ptr<ir::Graph> g = small_model(in);
    exec::infer_shapes(*g);
    ir::verify_or_throw(*g, "after shape inference");
    passes::PassContext context;
    context.calibration_inputs.push_back(calibration_rows(*g->inputs()[0]));
    passes::run_pipeline(*g, passes::parse_pipeline(passes::default_int8_pipeline("minmax")), {}, &context);
    exec::Executor(*g, {1, 2}).run(context.calibration_inputs);
    const std::string blob = tflite_format::emit_tflite_bytes(*g);
    tflite_format::read_tflite_bytes(blob);
    tflite_format::blob_memory(blob);
  });
  return 0;
}

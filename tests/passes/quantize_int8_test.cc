// quantize_int8: the int8 graph of docs/ir.md on tiny graphs: Q/DQ at the edges, int8 activations
// with calibrated per-tensor params, per-channel int8 weights (scale max|w_c|/127, within half a
// step of the float weights), int32 biases at s_in * s_w[c], shared params through pooling and data
// movement, fixed Softmax/Sigmoid/Tanh params, Concat's union, mixed precision around ops without
// an int8 form, and the float simulation of the result close to the float graph.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "calib/simulate.h"
#include "exec/executor.h"
#include "exec/int8_reference/quant_math.h"
#include "exec/shape_inference.h"
#include "ir/verify.h"
#include "pass_test_util.h"
#include "passes/pass_context.h"
#include "passes/pipeline.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::passes::testing;
namespace q = tinyc::exec::int8_reference;

namespace {

// Runs quantize_int8 alone (the quantized graph carries its own dtypes and shapes) and checks it.
passes::PassResult quantize(ir::Graph& g, passes::PassContext& context, const std::string& options = "") {
  const auto steps = passes::parse_pipeline("quantize_int8" + (options.empty() ? "" : "(" + options + ")"));
  const passes::PassResult r = steps.front().info->create(steps.front().options)->run_with_context(g, context);
  ir::verify_or_throw(g, "after quantize_int8");
  return r;
}

// max |float output - quantized output| over every element of output 0 on `rows` (NaN when one is).
float worst_output_difference(const ir::Graph& original, const ir::Graph& quantized, const std::vector<ir::Tensor>& rows) {
  const ir::Tensor want = run_float(original, rows).front();
  const ir::Tensor got = exec::Executor(quantized).run(rows).front();
  float worst = 0;
  for (size_t i = 0; i < want.values<float>().size(); ++i) {
    const float d = std::abs(want.values<float>()[i] - got.values<float>()[i]);
    if (std::isnan(d)) return d;
    worst = std::max(worst, d);
  }
  return worst;
}

std::vector<float> floats(const ir::Value* v) {
  const auto values = v->constant().values<float>();
  return {values.begin(), values.end()};
}

// x[1,2,6,6] -> Conv(W[4,2,3,3], b){Relu} -> c -> MaxPool 2x2 -> p -> Flatten -> f
//   -> Gemm(B[36,5], transB = 0, C[5]) -> z -> Softmax -> y
std::unique_ptr<ir::Graph> conv_pool_gemm_softmax() {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 6, 6});
  ir::Node* conv = g->add_node(
      "Conv", {x, add_random_constant(*g, "w", {4, 2, 3, 3}, 1), add_random_constant(*g, "b", {4}, 2)}, {"c"}, "conv");
  conv->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  conv->attrs["fused_activation"] = std::string("Relu");
  conv->attrs["activation_min"] = 0.0f;
  conv->attrs["activation_max"] = std::numeric_limits<float>::infinity();
  ir::Node* pool = g->add_node("MaxPool", {conv->output(0)}, {"p"}, "pool");
  pool->attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
  pool->attrs["strides"] = std::vector<int64_t>{2, 2};
  ir::Value* f = g->add_node("Flatten", {pool->output(0)}, {"f"}, "flatten")->output(0);
  ir::Value* z =
      g->add_node("Gemm", {f, add_random_constant(*g, "gw", {36, 5}, 3), add_random_constant(*g, "gb", {5}, 4)}, {"z"},
                  "fc")
          ->output(0);
  g->add_output(g->add_node("Softmax", {z}, {"y"}, "softmax")->output(0));
  exec::infer_shapes(*g);
  return g;
}

q::AffineParams params_of(const ir::Value* v) { return q::per_tensor(*v->quant, v->name); }

q::AffineParams calibrated(const passes::PassContext& context, const std::string& name) {
  const calib::ValueRange& r = context.calibration->ranges.at(name);
  return q::choose_asymmetric_params(r.min, r.max);
}

}  // namespace

TEST_CASE("quantize_int8 puts QuantizeLinear after the input and DequantizeLinear before the output") {
  auto g = conv_pool_gemm_softmax();
  const auto before = g->clone();
  passes::PassContext context = calibration_rows(*g, 32, 10);
  const passes::PassResult r = quantize(*g, context);
  CHECK(r.rewrites == 5);
  CHECK(count_ops(*g, "QuantizeLinear") == 1);
  CHECK(count_ops(*g, "DequantizeLinear") == 1);
  const ir::Value* xq = g->find_value("x_quantized");
  REQUIRE(xq);
  CHECK(xq->producer()->op_type == "QuantizeLinear");
  CHECK(xq->producer()->input(0) == g->find_value("x"));
  CHECK(xq->dtype == ir::DType::Int8);
  CHECK(params_of(xq) == calibrated(context, "x"));
  CHECK(g->find_node("conv")->input(0) == xq);
  // The interface stays float and keeps its names.
  REQUIRE(g->inputs().size() == 1);
  CHECK(g->inputs()[0]->dtype == ir::DType::Float32);
  REQUIRE(g->outputs().size() == 1);
  const ir::Value* y = g->outputs()[0];
  CHECK(y->name == "y");
  CHECK(y->dtype == ir::DType::Float32);
  CHECK_FALSE(y->quant);
  CHECK(y->producer()->op_type == "DequantizeLinear");
  CHECK(y->producer()->input(0)->name == "y_quantized");
  CHECK(y->producer()->input(0)->producer()->op_type == "Softmax");
  // Every value of the float graph is still there under its name.
  for (const ir::Value* v : before->values()) CHECK(g->find_value(v->name));
  for (const char* name : {"c", "p", "f", "z"}) CHECK(g->find_value(name)->dtype == ir::DType::Int8);
}

TEST_CASE("quantize_int8 sets activation params from the calibrated ranges, shared through pool and flatten") {
  auto g = conv_pool_gemm_softmax();
  passes::PassContext context = calibration_rows(*g, 32, 11);
  quantize(*g, context);
  const q::AffineParams c = params_of(g->find_value("c"));
  CHECK(c == calibrated(context, "c"));
  CHECK(c.zero_point == -128);  // the fused Relu output starts at 0
  CHECK(params_of(g->find_value("p")) == c);
  CHECK(params_of(g->find_value("f")) == c);
  CHECK(params_of(g->find_value("z")) == calibrated(context, "z"));
  CHECK(params_of(g->find_value("y_quantized")) == q::AffineParams{1.0f / 256.0f, -128});
  CHECK(context.calibration->rows == 32);
  for (const auto& [name, range] : context.calibration->ranges) CHECK(range.method != calib::Method::Auto);
}

TEST_CASE("quantize_int8 quantizes weights per output channel and biases at s_in * s_w") {
  auto g = conv_pool_gemm_softmax();
  const std::vector<float> w = floats(g->find_value("w")), b = floats(g->find_value("b"));
  const std::vector<float> gw = floats(g->find_value("gw"));
  passes::PassContext context = calibration_rows(*g, 32, 12);
  quantize(*g, context);
  const ir::Node* conv = g->find_node("conv");
  const ir::Value* wq = conv->input(1);
  REQUIRE(wq->dtype == ir::DType::Int8);
  REQUIRE(wq->quant);
  CHECK(wq->quant->axis == 0);
  CHECK(wq->quant->zero_point == std::vector<int64_t>(4, 0));
  const auto qw = wq->constant().values<int8_t>();
  const float s_in = params_of(conv->input(0)).scale;
  const auto bias = conv->input(2)->constant().values<int32_t>();
  REQUIRE(conv->input(2)->dtype == ir::DType::Int32);
  for (int c = 0; c < 4; ++c) {
    float max_abs = 0;
    for (int i = 0; i < 18; ++i) max_abs = std::max(max_abs, std::fabs(w[c * 18 + i]));
    const float scale = wq->quant->scale[c];
    CHECK(scale == Approx(max_abs / 127.0f));
    for (int i = 0; i < 18; ++i) {
      CHECK(std::abs(qw[c * 18 + i]) <= 127);
      CHECK(std::fabs(scale * qw[c * 18 + i] - w[c * 18 + i]) <= scale / 2 * 1.0001f);
    }
    CHECK(conv->input(2)->quant->scale[c] == Approx(s_in * scale));
    CHECK(bias[c] == static_cast<int32_t>(std::lround(b[c] / (double(s_in) * scale))));
  }
  // The Gemm was rewritten to transB = 1: its weight is B transposed, channels along axis 0.
  const ir::Node* fc = g->find_node("fc");
  CHECK(fc->attr_int("transB", 0) == 1);
  const ir::Value* fw = fc->input(1);
  REQUIRE(fw->constant().shape() == ir::Shape{5, 36});
  CHECK(fw->quant->scale.size() == 5);
  CHECK(fw->quant->axis == 0);
  for (int u = 0; u < 5; ++u)
    for (int k : {0, 17, 35})
      CHECK(std::fabs(fw->quant->scale[u] * fw->constant().values<int8_t>()[u * 36 + k] - gw[k * 5 + u]) <=
            fw->quant->scale[u] / 2 * 1.0001f);
}

TEST_CASE("weight_scales=per_tensor gives every layer one weight scale") {
  auto g = conv_pool_gemm_softmax();
  const std::vector<float> w = floats(g->find_value("w"));
  passes::PassContext context = calibration_rows(*g, 8, 13);
  quantize(*g, context, "weight_scales=per_tensor,calib=minmax");
  const ir::Value* wq = g->find_node("conv")->input(1);
  REQUIRE(wq->quant->scale.size() == 1);
  float max_abs = 0;
  for (float v : w) max_abs = std::max(max_abs, std::fabs(v));
  CHECK(wq->quant->scale[0] == Approx(max_abs / 127.0f));
  CHECK(g->find_node("conv")->input(2)->quant->scale.size() == 1);
  CHECK(g->find_node("fc")->input(1)->quant->scale.size() == 1);
  CHECK(g->find_node("fc")->input(2)->quant->scale.size() == 1);
}

TEST_CASE("weight_scales=fc_per_tensor keeps Conv per channel and gives the Gemm one scale") {
  auto g = conv_pool_gemm_softmax();
  const std::vector<float> fc_w = floats(g->find_value("gw"));
  passes::PassContext context = calibration_rows(*g, 8, 13);
  quantize(*g, context, "weight_scales=fc_per_tensor,calib=minmax");
  CHECK(g->find_node("conv")->input(1)->quant->scale.size() == 4);
  const ir::Value* fw = g->find_node("fc")->input(1);
  REQUIRE(fw->quant->scale.size() == 1);
  float max_abs = 0;
  for (float v : fc_w) max_abs = std::max(max_abs, std::fabs(v));
  CHECK(fw->quant->scale[0] == Approx(max_abs / 127.0f));
  const ir::Value* fb = g->find_node("fc")->input(2);
  REQUIRE(fb->quant->scale.size() == 1);
  CHECK(fb->quant->scale[0] == Approx(g->find_node("fc")->input(0)->quant->scale[0] * fw->quant->scale[0]));
}

TEST_CASE("quantize_int8 refuses an unknown weight_scales word, naming the choices") {
  auto g = conv_pool_gemm_softmax();
  passes::PassContext context = calibration_rows(*g, 8, 13);
  CHECK_THROWS_WITH(quantize(*g, context, "weight_scales=per_row"),
                    Catch::Contains("'per_row' is not a weight scale choice; use per_channel, per_tensor or fc_per_tensor"));
}

TEST_CASE("the float simulation of the quantized graph stays close to the float graph") {
  auto g = conv_pool_gemm_softmax();
  const auto before = g->clone();
  passes::PassContext context = calibration_rows(*g, 64, 14);
  quantize(*g, context);
  const auto sim = calib::simulate_in_float(*g);
  const std::vector<ir::Tensor> inputs{random_tensor({16, 2, 6, 6}, 15)};
  const ir::Tensor reference = run_float(*before, inputs).front();
  const ir::Tensor simulated = run_float(*sim, inputs).front();
  const auto expected = reference.values<float>();
  const auto actual = simulated.values<float>();
  double worst = 0;
  for (size_t i = 0; i < expected.size(); ++i) worst = std::max(worst, std::fabs(double(expected[i]) - actual[i]));
  CHECK(worst < 0.03);
  CHECK(worst > 0);  // the simulation does round
}

TEST_CASE("an op without an int8 form stays float between DequantizeLinear and QuantizeLinear") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
  ir::Node* fc1 = g->add_node("Gemm", {x, add_random_constant(*g, "w1", {3, 4}, 1)}, {"h"}, "fc1");
  fc1->attrs["transB"] = int64_t{1};
  ir::Value* e = g->add_node("HardSigmoid", {fc1->output(0)}, {"e"}, "hard_sigmoid")->output(0);
  ir::Node* fc2 = g->add_node("Gemm", {e, add_random_constant(*g, "w2", {2, 3}, 2)}, {"y"}, "fc2");
  fc2->attrs["transB"] = int64_t{1};
  g->add_output(fc2->output(0));
  exec::infer_shapes(*g);
  passes::PassContext context = calibration_rows(*g, 16, 3);
  const passes::PassResult r = quantize(*g, context);
  CHECK(r.rewrites == 2);
  REQUIRE(r.declined.size() == 1);
  CHECK(r.declined[0].find("no int8 kernel for HardSigmoid") != std::string::npos);
  const ir::Node* hard_sigmoid = g->find_node("hard_sigmoid");
  CHECK(hard_sigmoid->input(0)->name == "h_dequantized");
  CHECK(hard_sigmoid->input(0)->producer()->op_type == "DequantizeLinear");
  CHECK(hard_sigmoid->input(0)->producer()->input(0) == g->find_value("h"));
  CHECK(g->find_value("e")->dtype == ir::DType::Float32);
  const ir::Value* eq = g->find_node("fc2")->input(0);
  CHECK(eq->name == "e_quantized");
  CHECK(eq->producer()->op_type == "QuantizeLinear");
  CHECK(params_of(eq) == calibrated(context, "e"));
  CHECK(count_ops(*g, "QuantizeLinear") == 2);
  CHECK(count_ops(*g, "DequantizeLinear") == 2);
}

TEST_CASE("Add and Concat quantize constant operands per tensor, Concat, Sigmoid, Tanh and Pad follow the spec") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 3, 3});
  ir::Value* k = g->add_constant("k", ir::Tensor::from_vector<float>({1, 2, 1, 1}, {0.5f, -1.5f}));
  ir::Value* a = g->add_node("Add", {x, k}, {"a"}, "add")->output(0);
  ir::Node* cat = g->add_node("Concat", {a, x}, {"cat"}, "concat");
  cat->attrs["axis"] = int64_t{1};
  ir::Value* pads = g->add_constant("pads", ir::Tensor::from_vector<int64_t>({8}, {0, 0, 1, 1, 0, 0, 1, 1}));
  ir::Value* zero = g->add_constant("zero", ir::Tensor::scalar<float>(0.0f));
  ir::Value* padded = g->add_node("Pad", {cat->output(0), pads, zero}, {"padded"}, "pad")->output(0);
  g->add_output(g->add_node("Sigmoid", {padded}, {"s"}, "sigmoid")->output(0));
  g->add_output(g->add_node("Tanh", {cat->output(0)}, {"t"}, "tanh")->output(0));
  exec::infer_shapes(*g);
  passes::PassContext context = calibration_rows(*g, 16, 4);
  quantize(*g, context);
  const ir::Value* kq = g->find_node("add")->input(1);
  REQUIRE(kq->dtype == ir::DType::Int8);
  const q::AffineParams kp = params_of(kq);
  CHECK(kp == q::choose_asymmetric_params(-1.5f, 0.5f));
  CHECK(q::dequantize_value(kq->constant().values<int8_t>()[1], kp) == Approx(-1.5f).margin(kp.scale / 2));
  // Concat: the union of its inputs' represented ranges.
  const q::AffineParams pa = params_of(g->find_value("a")), px = params_of(g->find_value("x_quantized"));
  const float lo = std::min(pa.scale * (-128 - pa.zero_point), px.scale * (-128 - px.zero_point));
  const float hi = std::max(pa.scale * (127 - pa.zero_point), px.scale * (127 - px.zero_point));
  CHECK(params_of(g->find_value("cat")) == q::choose_asymmetric_params(lo, hi));
  const ir::Node* pad = g->find_node("pad");
  CHECK(pad->inputs().size() == 2);  // the pad value is the zero point
  CHECK(params_of(g->find_value("padded")) == params_of(g->find_value("cat")));
  CHECK(params_of(g->find_value("s_quantized")) == q::AffineParams{1.0f / 256.0f, -128});
  CHECK(params_of(g->find_value("t_quantized")) == q::AffineParams{1.0f / 128.0f, 0});
}

TEST_CASE("quantize_int8 gives LeakyRelu and HardSwish their own measured ranges, and keeps a negative alpha float") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 3, 3});
  g->add_output(g->add_node("HardSwish", {x}, {"h"}, "hard_swish")->output(0));
  ir::Node* leaky = g->add_node("LeakyRelu", {x}, {"l"}, "leaky");
  leaky->attrs["alpha"] = 0.2f;
  ir::Node* negative = g->add_node("LeakyRelu", {x}, {"n"}, "negative");
  negative->attrs["alpha"] = -0.5f;
  g->add_output(leaky->output(0));
  g->add_output(negative->output(0));
  exec::infer_shapes(*g);
  passes::PassContext context = calibration_rows(*g, 32, 12);
  const std::unique_ptr<ir::Graph> original = g->clone();
  quantize(*g, context);
  const ir::Value* l = g->find_node("leaky")->output(0);
  REQUIRE(l->dtype == ir::DType::Int8);
  const calib::ValueRange& range = context.calibration->ranges.at("l");
  CHECK(params_of(l) == q::choose_asymmetric_params(range.min, range.max));
  CHECK(range.min < 0);  // alpha x of the negative inputs
  CHECK(g->find_node("negative")->output(0)->dtype == ir::DType::Float32);
  const ir::Value* h = g->find_node("hard_swish")->output(0);
  REQUIRE(h->dtype == ir::DType::Int8);
  const calib::ValueRange& h_range = context.calibration->ranges.at("h");
  CHECK(params_of(h) == q::choose_asymmetric_params(h_range.min, h_range.max));
  // The int8 graph (int8 kernels) computes the float one within a few output steps.
  const std::vector<ir::Tensor> rows = context.calibration_inputs;
  const std::vector<ir::Tensor> want = run_float(*original, rows);
  const std::vector<ir::Tensor> got = exec::Executor(*g).run(rows);
  for (size_t out = 0; out < 2; ++out) {
    const float step = params_of(out == 0 ? h : l).scale;
    for (size_t i = 0; i < want[out].values<float>().size(); ++i)
      CHECK(std::abs(want[out].values<float>()[i] - got[out].values<float>()[i]) <= 3 * step);
  }
}

TEST_CASE("quantize_int8 quantizes PRelu's slope per tensor and runs it in int8") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 2, 2});
  ir::Value* slope = g->add_constant("slope", ir::Tensor::from_vector<float>({3, 1, 1}, {0.1f, 0.25f, -0.5f}));
  g->add_output(g->add_node("PRelu", {x, slope}, {"p"}, "prelu")->output(0));
  exec::infer_shapes(*g);
  passes::PassContext context = calibration_rows(*g, 32, 13);
  const std::unique_ptr<ir::Graph> original = g->clone();
  quantize(*g, context);
  const ir::Node* prelu = g->find_node("prelu");
  REQUIRE(prelu->output(0)->dtype == ir::DType::Int8);
  const ir::Value* sq = prelu->input(1);
  REQUIRE(sq->dtype == ir::DType::Int8);
  CHECK(params_of(sq) == q::choose_asymmetric_params(-0.5f, 0.25f));
  const float step = params_of(prelu->output(0)).scale;
  CHECK(worst_output_difference(*original, *g, context.calibration_inputs) <= 3 * step);
}

TEST_CASE("quantize_int8 runs Split and Slice in int8, every part with the input's parameters") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4, 3, 3});
  ir::Node* split = g->add_node("Split", {x, g->add_constant("sizes", ir::Tensor::from_vector<int64_t>({2}, {1, 3}))},
                                {"a", "b"}, "split");
  split->attrs["axis"] = int64_t{1};
  auto ints = [&](const std::string& name, std::vector<int64_t> v) {
    return g->add_constant(name, ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v));
  };
  ir::Node* slice = g->add_node("Slice", {split->output(1), ints("starts", {2}), ints("ends", {3}), ints("axes", {1})},
                                {"c"}, "slice");
  g->add_output(g->add_node("Add", {split->output(0), slice->output(0)}, {"y"}, "add")->output(0));
  exec::infer_shapes(*g);
  passes::PassContext context = calibration_rows(*g, 32, 17);
  const std::unique_ptr<ir::Graph> original = g->clone();
  quantize(*g, context);
  const ir::QuantParams& in_q = *split->input(0)->quant;
  for (const ir::Value* part : {split->output(0), split->output(1), slice->output(0)}) {
    INFO(part->name);
    REQUIRE(part->dtype == ir::DType::Int8);
    CHECK(*part->quant == in_q);
  }
  const float step = params_of(g->find_node("add")->output(0)).scale;
  CHECK(worst_output_difference(*original, *g, context.calibration_inputs) <= 2 * step);
}

TEST_CASE("quantize_int8 runs Resize in int8 where a TFLite resize computes its coordinates, else keeps it float") {
  for (const bool inexact : {false, true}) {
    auto g = new_graph();
    ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 5, 5});
    // Scale 0.6 maps coordinates by 0.6, TFLite's bilinear resize by 3 / 5: no int8 form.
    const float scale = inexact ? 0.6f : 2.0f;
    ir::Value* scales = g->add_constant("scales", ir::Tensor::from_vector<float>({4}, {1, 1, scale, scale}));
    ir::Node* resize = g->add_node("Resize", {x, nullptr, scales}, {"y"}, "resize");
    resize->attrs["mode"] = std::string("linear");
    g->add_output(resize->output(0));
    exec::infer_shapes(*g);
    passes::PassContext context = calibration_rows(*g, 32, 19);
    const std::unique_ptr<ir::Graph> original = g->clone();
    const passes::PassResult result = quantize(*g, context);
    if (inexact) {
      CHECK(g->find_node("resize")->output(0)->dtype == ir::DType::Float32);
      REQUIRE(result.declined.size() == 1);
      CHECK(result.declined[0].find("TFLite's bilinear resize") != std::string::npos);
      continue;
    }
    REQUIRE(g->find_node("resize")->output(0)->dtype == ir::DType::Int8);
    CHECK(*g->find_node("resize")->output(0)->quant == *g->find_node("resize")->input(0)->quant);
    const float step = params_of(g->find_node("resize")->output(0)).scale;
    CHECK(worst_output_difference(*original, *g, context.calibration_inputs) <= 1.5f * step);
  }
}

TEST_CASE("quantize_int8 takes ranges from the context when given and declines values without one") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
  ir::Node* fc = g->add_node("Gemm", {x, add_random_constant(*g, "w", {3, 4}, 1)}, {"y"}, "fc");
  fc->attrs["transB"] = int64_t{1};
  g->add_output(fc->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();

  passes::PassContext context;
  context.activation_ranges = calib::RangeMap{{"x", {-1.0f, 1.0f, calib::Method::DataFree, 0}},
                                              {"y", {-2.0f, 6.0f, calib::Method::DataFree, 0}}};
  quantize(*g, context);
  CHECK(params_of(g->find_value("y_quantized")) == q::choose_asymmetric_params(-2.0f, 6.0f));
  CHECK(params_of(g->find_value("x_quantized")) == q::choose_asymmetric_params(-1.0f, 1.0f));
  CHECK(context.calibration->rows == 0);

  auto partial = before->clone();
  passes::PassContext missing;
  missing.activation_ranges = calib::RangeMap{{"x", {-1.0f, 1.0f, calib::Method::DataFree, 0}}};
  const passes::PassResult r = quantize(*partial, missing);
  CHECK(r.rewrites == 0);
  REQUIRE(r.declined.size() == 1);
  CHECK(r.declined[0].find("no calibration range for its output 'y'") != std::string::npos);
  CHECK(count_ops(*partial, "QuantizeLinear") == 0);

  auto bare = before->clone();
  passes::PassContext none;
  CHECK(test::input_error_of([&] { quantize(*bare, none); }).find("--calib") != std::string::npos);
  passes::PassContext rows = calibration_rows(*bare, 4, 5);
  CHECK(test::input_error_of([&] { quantize(*bare, rows, "calib=kl"); }).find("'kl'") != std::string::npos);
}

// The .tflite importer on tinyc's own blobs: the structure it rebuilds (ops, NCHW shapes, constants,
// quantization, names) and the int8 executor's outputs on the imported graph, which must equal the
// original graph's bit for bit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "formats/tflite/emit.h"
#include "formats/tflite/import.h"
#include "formats/tflite/read.h"
#include "import_test_graphs.h"
#include "quantized_graphs.h"

using namespace tinyc;
using namespace tinyc::tflite_test;
using tflite_format::IoType;

namespace {

std::string emit(const ir::Graph& g, IoType io) {
  tflite_format::EmitOptions options;
  options.io_type = io;
  options.keep_names = true;
  return tflite_format::emit_tflite_bytes(g, options);
}

std::unique_ptr<ir::Graph> round_trip(const ir::Graph& g, IoType io = IoType::Int8, bool float_edges = true) {
  tflite_format::ImportOptions options;
  options.float_edges = float_edges;
  return tflite_format::import_tflite_bytes(emit(g, io), options);
}

std::vector<std::string> op_types(const ir::Graph& g) {
  std::vector<std::string> ops;
  for (const ir::Node* n : g.topological_order()) ops.push_back(n->op_type);
  return ops;
}

const ir::Node& producer(const ir::Graph& g, const std::string& value) {
  const ir::Value* v = g.find_value(value);
  REQUIRE(v);
  REQUIRE(v->producer());
  return *v->producer();
}

bool same_bytes(const ir::Tensor& a, const ir::Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.bytes().data(), b.bytes().data(), a.byte_size()) == 0;
}

// Runs both graphs on the same seeded rows; every output must match bit for bit.
void check_same_outputs(const ir::Graph& original, const ir::Graph& imported, int64_t rows, uint32_t seed) {
  REQUIRE(imported.inputs().size() == original.inputs().size());
  REQUIRE(imported.outputs().size() == original.outputs().size());
  std::vector<ir::Tensor> inputs;
  for (size_t i = 0; i < original.inputs().size(); ++i) inputs.push_back(random_rows(original, i, rows, seed + static_cast<uint32_t>(i)));
  const std::vector<ir::Tensor> want = run_graph(original, inputs);
  const std::vector<ir::Tensor> got = run_graph(imported, inputs);
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("output " << original.outputs()[i]->name);
    CHECK(same_bytes(got[i], want[i]));
  }
}

}  // namespace

TEST_CASE("import: a quantized CNN comes back with its ops, NCHW shapes, names and constants", "[tflite][import]") {
  const auto original = small_cnn();
  const auto g = round_trip(*original);
  CHECK(op_types(*g) == std::vector<std::string>{"QuantizeLinear", "Conv", "MaxPool", "Flatten", "Gemm", "Softmax",
                                                 "DequantizeLinear"});
  REQUIRE(g->inputs().size() == 1);
  CHECK(g->inputs()[0]->name == "input");
  CHECK(g->inputs()[0]->dtype == ir::DType::Float32);
  CHECK(*g->inputs()[0]->shape == ir::Shape{1, 2, 6, 6});
  REQUIRE(g->outputs().size() == 1);
  CHECK(g->outputs()[0]->name == "output");
  CHECK(g->outputs()[0]->dtype == ir::DType::Float32);
  CHECK(g->find_value("input_quantized")->quant == original->find_value("input_q")->quant);
  CHECK(g->find_value("output_quantized")->quant == original->find_value("probs")->quant);

  const ir::Node& conv = producer(*g, "conv_out");
  CHECK(*conv.output(0)->shape == ir::Shape{1, 4, 6, 6});
  CHECK(conv.attr_int("group", 0) == 1);
  CHECK(conv.attr_ints("pads", {}) == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(conv.attr_float("activation_min", -1) == 0.0f);
  CHECK(conv.attr_string("fused_activation", "") == "Relu");
  // OHWI in the file, OIHW again here, per-channel scales on axis 0; the bias at s_in * s_w[c].
  CHECK(same_bytes(conv.input(1)->constant(), original->find_value("conv.weight")->constant()));
  CHECK(conv.input(1)->quant == original->find_value("conv.weight")->quant);
  CHECK(same_bytes(conv.input(2)->constant(), original->find_value("conv.bias")->constant()));
  CHECK(conv.input(2)->quant == original->find_value("conv.bias")->quant);
  CHECK(*producer(*g, "pool_out").output(0)->shape == ir::Shape{1, 4, 3, 3});

  // The file flattens in H, W, C order with permuted FC columns; the import undoes both.
  const ir::Node& fc = producer(*g, "logits");
  CHECK(fc.attr_int("transB", 0) == 1);
  CHECK(fc.input(0)->producer()->op_type == "Flatten");
  CHECK(fc.input(0)->producer()->input(0)->name == "pool_out");
  CHECK(same_bytes(fc.input(1)->constant(), original->find_value("fc.weight")->constant()));
  CHECK(fc.input(1)->quant == original->find_value("fc.weight")->quant);
}

TEST_CASE("import: every test graph computes the original int8 outputs after emit and import, bit for bit",
          "[tflite][import]") {
  for (IoType io : {IoType::Int8, IoType::Float32}) {
    for (const NamedGraph& named : import_test_graphs()) {
      INFO(named.name << (io == IoType::Int8 ? ", io int8" : ", io float32"));
      const auto g = round_trip(*named.graph, io);
      check_same_outputs(*named.graph, *g, 64, 11);
    }
  }
}

TEST_CASE("import: --io-type float32 files bring their QUANTIZE and DEQUANTIZE as QuantizeLinear and "
          "DequantizeLinear", "[tflite][import]") {
  const auto original = small_cnn();
  const auto g = round_trip(*original, IoType::Float32);
  CHECK(op_types(*g) == std::vector<std::string>{"QuantizeLinear", "Conv", "MaxPool", "Flatten", "Gemm", "Softmax",
                                                 "DequantizeLinear"});
  CHECK(g->find_value("input_q")->quant == original->find_value("input_q")->quant);
  CHECK(producer(*g, "output").input(0)->name == "probs");
}

TEST_CASE("import: a depthwise conv keeps its multiplier, TFLite's SAME pads and per-channel axis",
          "[tflite][import]") {
  const auto original = depthwise_pool_graph();
  const auto g = round_trip(*original);
  const ir::Node& dw = producer(*g, "dw");
  CHECK(dw.attr_int("group", 0) == 3);
  CHECK(*dw.input(1)->shape == ir::Shape{6, 1, 3, 3});
  CHECK(dw.input(1)->quant->axis == 0);
  CHECK(dw.input(1)->quant == original->find_value("dw.weight")->quant);
  CHECK(same_bytes(dw.input(1)->constant(), original->find_value("dw.weight")->constant()));
  CHECK(dw.attr_ints("strides", {}) == std::vector<int64_t>{2, 2});
  CHECK(dw.attr_ints("pads", {}) == std::vector<int64_t>{0, 0, 1, 1});  // the odd pad at the end
  CHECK(dw.attr_float("activation_max", 0) == 6.0f);
  const ir::Node& dilated = producer(*g, "dilated");
  CHECK(dilated.attr_ints("dilations", {}) == std::vector<int64_t>{2, 2});
  CHECK(dilated.attr_ints("pads", {}) == std::vector<int64_t>{2, 2, 2, 2});
  CHECK(producer(*g, "output_quantized").op_type == "AveragePool");  // the file names it after the output
}

TEST_CASE("import: the QUANTIZE in front of a CONCATENATION folds back into Concat, and MUL's constant is NCHW",
          "[tflite][import]") {
  const auto original = add_mul_concat_graph();
  const std::string bytes = emit(*original, IoType::Int8);
  std::vector<std::string> file_ops;
  for (const auto& op : tflite_format::read_tflite_bytes(bytes).operators) file_ops.push_back(op.op);
  CHECK(std::count(file_ops.begin(), file_ops.end(), "QUANTIZE") == 1);
  const auto g = tflite_format::import_tflite_bytes(bytes);
  const ir::Node& cat = producer(*g, "cat");
  REQUIRE(cat.inputs().size() == 2);
  CHECK(cat.input(0)->name == "prod");
  CHECK(cat.input(1)->name == "branch_b");  // requantized by the int8 Concat itself
  CHECK(cat.attr_int("axis", 0) == 1);
  const ir::Node& mul = producer(*g, "prod");
  CHECK(*mul.input(1)->shape == ir::Shape{1, 4, 1, 1});
  CHECK(same_bytes(mul.input(1)->constant(), original->find_value("factor")->constant()));
  CHECK(producer(*g, "sum").attr_string("fused_activation", "") == "Relu");
  REQUIRE(g->outputs().size() == 2);
  CHECK(producer(*g, "output_quantized").op_type == "Sigmoid");
  CHECK(g->outputs()[1]->name == "output_tanh");
  CHECK(producer(*g, "output_tanh_quantized").op_type == "Tanh");
}

TEST_CASE("import: PAD rows, TRANSPOSE permutations and MEAN axes move back to NCHW positions", "[tflite][import]") {
  const auto g = round_trip(*pad_transpose_mean_graph());
  const ir::Node& pad = producer(*g, "padded");
  CHECK(pad.input(1)->constant().to_int64() == std::vector<int64_t>{0, 0, 1, 2, 0, 0, 0, 1});
  CHECK(*pad.output(0)->shape == ir::Shape{1, 3, 5, 8});
  CHECK(producer(*g, "swapped").attr_ints("perm", {}) == std::vector<int64_t>{0, 1, 3, 2});
  const ir::Node& mean = producer(*g, "mean");
  CHECK(mean.op_type == "ReduceMean");
  CHECK(mean.attr_ints("axes", {}) == std::vector<int64_t>{2});
  CHECK(mean.attr_int("keepdims", 0) == 1);
}

TEST_CASE("import: a reshape to rank 4 and a flatten read by Softmax go through NHWC order", "[tflite][import]") {
  const auto g = round_trip(*reshape_layout_graph());
  CHECK(*g->find_value("grid")->shape == ir::Shape{1, 2, 3, 4});
  // The file holds the NCHW grid in a rank-4 tensor before its TRANSPOSE to NHWC; the two transposes
  // the import needs around it fold away, leaving the original Reshape.
  CHECK(producer(*g, "grid").op_type == "Reshape");
  const std::vector<std::string> ops = op_types(*g);
  CHECK(std::count(ops.begin(), ops.end(), "Transpose") == 0);
  CHECK(*g->find_value("mix")->shape == ir::Shape{1, 3, 3, 4});
  CHECK(*g->find_value("flat")->shape == ir::Shape{1, 36});
  CHECK(producer(*g, "output_quantized").op_type == "Softmax");
}

TEST_CASE("import: unfused RELU and RELU6 become Relu and Clip [0, 6]", "[tflite][import]") {
  const auto g = round_trip(*clamp_graph());
  CHECK(producer(*g, "relu").op_type == "Relu");
  const ir::Node& clip = producer(*g, "output_quantized");
  CHECK(clip.op_type == "Clip");
  CHECK(clip.input(1)->constant().values<float>()[0] == 0.0f);
  CHECK(clip.input(2)->constant().values<float>()[0] == 6.0f);
}

TEST_CASE("import: LEAKY_RELU and HARD_SWISH come back as LeakyRelu (with its alpha) and HardSwish, computing the "
          "same int8 outputs",
          "[tflite][import]") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 2, 3, 4}, per_tensor(0.02f, -5));
  ir::Node* swish = b.node("HardSwish", {x}, "swish", {1, 2, 3, 4}, per_tensor(0.012f, -90));
  ir::Node* leaky = b.node("LeakyRelu", {swish->output(0)}, "leaky", {1, 2, 3, 4}, per_tensor(0.015f, -60));
  leaky->attrs["alpha"] = 0.2f;
  b.dequantized_output(leaky->output(0), "output");
  const auto original = b.take();
  const auto g = round_trip(*original);
  const ir::Node& imported = producer(*g, "output_quantized");
  CHECK(imported.op_type == "LeakyRelu");
  CHECK(imported.attr_float("alpha", 0) == 0.2f);
  CHECK(imported.input(0)->producer()->op_type == "HardSwish");
  check_same_outputs(*original, *g, 64, 13);
}

TEST_CASE("import: PRELU comes back as PRelu with its slope per channel in NCHW and the same int8 outputs",
          "[tflite][import]") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 3, 2, 4}, per_tensor(0.02f, -5));
  ir::Value* slope = b.graph().add_constant("slope", ir::Tensor::from_vector<int8_t>({3, 1, 1}, {25, -60, 127}));
  slope->quant = per_tensor(0.004f, -3);
  ir::Node* prelu = b.node("PRelu", {x, slope}, "prelu", {1, 3, 2, 4}, per_tensor(0.021f, -70));
  b.dequantized_output(prelu->output(0), "output");
  const auto original = b.take();
  const auto g = round_trip(*original);
  const ir::Node& imported = producer(*g, "output_quantized");
  CHECK(imported.op_type == "PRelu");
  CHECK(imported.input(1)->constant().values<int8_t>()[1] == -60);
  check_same_outputs(*original, *g, 64, 17);
}

TEST_CASE("import: STRIDED_SLICE comes back as a Slice over NCHW axes with the same int8 outputs", "[tflite][import]") {
  const auto original = slice_graph();
  const auto g = round_trip(*original);
  const ir::Node& imported = *g->find_value("slice")->producer();
  CHECK(imported.op_type == "Slice");
  CHECK(*imported.output(0)->shape == ir::Shape{1, 3, 2, 2});
  check_same_outputs(*original, *g, 64, 19);
}

TEST_CASE("import: SPLIT and SPLIT_V come back as Splits over NCHW axes with the same int8 outputs", "[tflite][import]") {
  const auto original = split_graph();
  const auto g = round_trip(*original);
  const ir::Node& columns = *g->find_value("a")->producer();
  CHECK(columns.op_type == "Split");
  CHECK(columns.attr_int("axis", 0) == 3);
  CHECK(columns.output(1) == g->find_value("b"));
  CHECK(g->find_value("c")->producer()->attr_int("axis", 0) == 1);
  check_same_outputs(*original, *g, 64, 23);
}

TEST_CASE("import: RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR come back as Resize with the same int8 outputs",
          "[tflite][import]") {
  // Each mode in the coordinates of TFLite's three option sets.
  for (const std::string mode : {"nearest", "linear"})
    for (const std::string coordinates :
         {"asymmetric", "align_corners", mode == "nearest" ? "tf_half_pixel_for_nn" : "half_pixel"}) {
      INFO(mode << " " << coordinates);
      ir::Attributes attrs{{"mode", mode}, {"coordinate_transformation_mode", coordinates}};
      if (mode == "nearest") attrs["nearest_mode"] = std::string(coordinates == "align_corners" ? "round_prefer_ceil" : "floor");
      const auto original = resize_graph({1, 3, 4, 5}, {1, 3, 7, 9}, attrs);
      const auto g = round_trip(*original);
      const ir::Node& imported = producer(*g, "output_quantized");
      CHECK(imported.op_type == "Resize");
      CHECK(imported.attr_string("mode", "") == mode);
      check_same_outputs(*original, *g, 64, 29);
    }
}

TEST_CASE("import: REDUCE_MAX comes back as ReduceMax over NCHW axes with the same int8 outputs", "[tflite][import]") {
  const auto original = reduce_max_graph("ReduceMax", {1, 3}, {{"axes", std::vector<int64_t>{2, 3}}, {"keepdims", int64_t{0}}});
  const auto g = round_trip(*original);
  const ir::Node& imported = producer(*g, "output_quantized");
  CHECK(imported.op_type == "ReduceMax");
  CHECK(imported.attr_ints("axes", {}) == std::vector<int64_t>{2, 3});
  check_same_outputs(*original, *g, 64, 31);
}

TEST_CASE("import: GATHER comes back as Gather over the NCHW axis with the same int8 outputs", "[tflite][import]") {
  const auto original = gather_graph({1, 4, 3, 5}, 1, ir::Tensor::from_vector<int64_t>({3}, {3, -4, 3}), {1, 3, 3, 5});
  const auto g = round_trip(*original);
  const ir::Node& imported = producer(*g, "output_quantized");
  CHECK(imported.op_type == "Gather");
  CHECK(imported.attr_int("axis", 0) == 1);
  check_same_outputs(*original, *g, 64, 37);
}

TEST_CASE("import: with the file's interface, int8 tensors are the graph's inputs and outputs", "[tflite][import]") {
  const auto original = small_cnn();
  const auto g = round_trip(*original, IoType::Int8, /*float_edges=*/false);
  REQUIRE(g->inputs().size() == 1);
  const ir::Value* in = g->inputs()[0];
  CHECK(in->name == "input");
  CHECK(in->dtype == ir::DType::Int8);
  CHECK(in->quant == original->find_value("input_q")->quant);
  CHECK(*in->shape == ir::Shape{1, 2, 6, 6});
  const ir::Value* out = g->outputs()[0];
  CHECK(out->name == "output");
  CHECK(out->dtype == ir::DType::Int8);
  CHECK(out->producer()->op_type == "Softmax");
}

TEST_CASE("import: emitting the imported graph again writes the same operators, tensors and data",
          "[tflite][import]") {
  for (const NamedGraph& named : import_test_graphs()) {
    INFO(named.name);
    const std::string first = emit(*named.graph, IoType::Int8);
    const std::string second = emit(*tflite_format::import_tflite_bytes(first), IoType::Int8);
    const auto a = tflite_format::read_tflite_bytes(first);
    const auto b = tflite_format::read_tflite_bytes(second);
    REQUIRE(a.operators.size() == b.operators.size());
    for (size_t i = 0; i < a.operators.size(); ++i) {
      CHECK(a.operators[i].op == b.operators[i].op);
      CHECK(a.operators[i].version == b.operators[i].version);
    }
    REQUIRE(a.tensors.size() == b.tensors.size());
    for (size_t i = 0; i < a.tensors.size(); ++i) {
      INFO("tensor " << a.tensors[i].name);
      CHECK(a.tensors[i].type == b.tensors[i].type);
      CHECK(a.tensors[i].shape == b.tensors[i].shape);
      CHECK(a.tensors[i].scale == b.tensors[i].scale);
      CHECK(a.tensors[i].zero_point == b.tensors[i].zero_point);
      CHECK(a.tensors[i].data_bytes == b.tensors[i].data_bytes);
    }
    CHECK(a.constant_bytes == b.constant_bytes);
  }
}

// The emitter on a small quantized CNN: op codes and versions, NHWC shapes, re-laid-out weights,
// quantization, buffers and both --io-type interfaces.
#include <catch2/catch.hpp>

#include "formats/tflite/emit.h"
#include "quantized_graphs.h"
#include "tflite_test_util.h"

using namespace tinyc;
using namespace tinyc::tflite_test;
using tflite_format::EmitOptions;
using tflite_format::IoType;

namespace {

std::string emit(const ir::Graph& g, IoType io = IoType::Int8) {
  EmitOptions options;
  options.io_type = io;
  return emit_named(g, options);
}

const ir::Tensor& constant(const ir::Graph& g, const std::string& name) { return g.find_value(name)->constant(); }

}  // namespace

TEST_CASE("a quantized CNN becomes CONV_2D, MAX_POOL_2D, FULLY_CONNECTED, SOFTMAX with int8 versions") {
  const auto g = small_cnn();
  const std::string bytes = emit(*g);
  const fb::Model* m = verified_model(bytes);
  CHECK(std::string(fb::ModelIdentifier()) == "TFL3");
  CHECK(m->version() == 3);
  CHECK(op_names(m) == std::vector<std::string>{"CONV_2D", "MAX_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"});
  const std::vector<int32_t> expected_versions = {3, 2, 4, 2};
  for (size_t i = 0; i < expected_versions.size(); ++i) {
    const fb::OperatorCode& code = code_of(m, op_at(m, i));
    INFO("op " << i);
    CHECK(code.version() == expected_versions[i]);
    CHECK(code.deprecated_builtin_code() == static_cast<int8_t>(code.builtin_code()));
  }
  CHECK(m->operator_codes()->size() == 4);  // one code per (op, version)
}

TEST_CASE("activations are NHWC and the int8 interface keeps the graph's names and parameters") {
  const auto g = small_cnn();
  const std::string bytes = emit(*g);
  const fb::Model* m = verified_model(bytes);
  const fb::SubGraph& main = main_subgraph(m);
  REQUIRE(main.inputs()->size() == 1);
  REQUIRE(main.outputs()->size() == 1);
  const fb::Tensor& in = tensor_at(m, main.inputs()->Get(0));
  CHECK(in.name()->str() == "input");
  CHECK(in.type() == fb::TensorType::INT8);
  CHECK(shape_of(in) == std::vector<int32_t>{1, 6, 6, 2});
  CHECK(in.quantization()->scale()->Get(0) == Approx(1.0 / 255));
  CHECK(in.quantization()->zero_point()->Get(0) == -128);
  const fb::Tensor& out = tensor_at(m, main.outputs()->Get(0));
  CHECK(out.name()->str() == "output");
  CHECK(out.type() == fb::TensorType::INT8);
  CHECK(shape_of(out) == std::vector<int32_t>{1, 5});
  CHECK(out.quantization()->scale()->Get(0) == 1.0f / 256);
  CHECK(out.quantization()->zero_point()->Get(0) == -128);
  CHECK(shape_of(tensor_at(m, tensor_index(m, "conv_out"))) == std::vector<int32_t>{1, 6, 6, 4});
  CHECK(shape_of(tensor_at(m, tensor_index(m, "pool_out"))) == std::vector<int32_t>{1, 3, 3, 4});
  // The flatten is no op of its own: FULLY_CONNECTED reads the pooled NHWC tensor directly.
  CHECK(op_at(m, 2).inputs()->Get(0) == tensor_index(m, "pool_out"));
  CHECK(tensor_at(m, tensor_index(m, "conv_out")).buffer() == 0);  // activations have no data
}

TEST_CASE("conv weights are OHWI with per-channel scales on dim 0, and the bias is int32") {
  const auto g = small_cnn();
  const std::string bytes = emit(*g);
  const fb::Model* m = verified_model(bytes);
  const fb::Operator& conv = op_at(m, 0);
  const fb::Tensor& w = tensor_at(m, conv.inputs()->Get(1));
  CHECK(w.name()->str() == "conv.weight");
  CHECK(shape_of(w) == std::vector<int32_t>{4, 3, 3, 2});
  const auto nchw = constant(*g, "conv.weight").values<int8_t>();  // O=4, I=2, kH=3, kW=3
  const auto ohwi = data_of<int8_t>(m, w);
  REQUIRE(ohwi.size() == 72);
  auto oihw_at = [&](int o, int i, int h, int x) { return nchw[static_cast<size_t>(((o * 2 + i) * 3 + h) * 3 + x)]; };
  auto ohwi_at = [&](int o, int h, int x, int i) { return ohwi[static_cast<size_t>(((o * 3 + h) * 3 + x) * 2 + i)]; };
  CHECK(ohwi_at(3, 0, 2, 1) == oihw_at(3, 1, 0, 2));
  CHECK(ohwi_at(1, 2, 1, 0) == oihw_at(1, 0, 2, 1));
  CHECK(ohwi_at(0, 1, 1, 1) == oihw_at(0, 1, 1, 1));
  CHECK(ohwi[1] == nchw[9]);  // (o0, h0, w0, i1) is NCHW element (0, 1, 0, 0)

  const fb::QuantizationParameters* wq = w.quantization();
  CHECK(std::vector<float>(wq->scale()->begin(), wq->scale()->end()) == std::vector<float>{0.01f, 0.02f, 0.015f, 0.03f});
  // The lean blob: one zero point for all channels, and no bias scales (TFLM derives them).
  CHECK(std::vector<int64_t>(wq->zero_point()->begin(), wq->zero_point()->end()) == std::vector<int64_t>{0});
  CHECK(wq->quantized_dimension() == 0);

  const fb::Tensor& b = tensor_at(m, conv.inputs()->Get(2));
  CHECK(b.type() == fb::TensorType::INT32);
  CHECK(shape_of(b) == std::vector<int32_t>{4});
  CHECK(data_of<int32_t>(m, b) == std::vector<int32_t>{-150, -50, 50, 150});
  CHECK(b.quantization() == nullptr);

  // --full-quant-params writes what the TF converter writes: a zero point per channel and the bias scales.
  tflite_format::EmitOptions full;
  full.full_quant_params = true;
  const std::string full_bytes = emit_named(*g, full);
  const fb::Model* fm = verified_model(full_bytes);
  const fb::Tensor& fw = tensor_at(fm, op_at(fm, 0).inputs()->Get(1));
  CHECK(fw.quantization()->zero_point()->size() == 4);
  const fb::Tensor& fb_bias = tensor_at(fm, op_at(fm, 0).inputs()->Get(2));
  REQUIRE(fb_bias.quantization());
  CHECK(fb_bias.quantization()->scale()->size() == 4);
  CHECK(fb_bias.quantization()->scale()->Get(3) == Approx(0.03 / 255));
  CHECK(full_bytes.size() > bytes.size());

  const fb::Conv2DOptions* options = conv.builtin_options_as_Conv2DOptions();
  REQUIRE(options);
  CHECK(options->padding() == fb::Padding::SAME);  // pads 1 around a 3x3, stride 1
  CHECK(options->stride_h() == 1);
  CHECK(options->stride_w() == 1);
  CHECK(options->fused_activation_function() == fb::ActivationFunctionType::RELU);
}

TEST_CASE("pooling and softmax options, the flatten before FULLY_CONNECTED is no op") {
  const auto g = small_cnn();
  const std::string bytes = emit(*g);
  const fb::Model* m = verified_model(bytes);
  const fb::Pool2DOptions* pool = op_at(m, 1).builtin_options_as_Pool2DOptions();
  REQUIRE(pool);
  CHECK(pool->padding() == fb::Padding::VALID);
  CHECK(pool->filter_height() == 2);
  CHECK(pool->filter_width() == 2);
  CHECK(pool->stride_h() == 2);
  CHECK(pool->stride_w() == 2);
  REQUIRE(op_at(m, 3).builtin_options_as_SoftmaxOptions());
  CHECK(op_at(m, 3).builtin_options_as_SoftmaxOptions()->beta() == 1.0f);
}

TEST_CASE("FC weight columns follow the NHWC flatten order (H, W, C) instead of a Transpose") {
  const auto g = small_cnn();
  const std::string bytes = emit(*g);
  const fb::Model* m = verified_model(bytes);
  const fb::Operator& fc = op_at(m, 2);
  CHECK(fc.inputs()->Get(0) == tensor_index(m, "pool_out"));  // the NHWC pool output, flattened by FULLY_CONNECTED
  const fb::Tensor& w = tensor_at(m, fc.inputs()->Get(1));
  CHECK(shape_of(w) == std::vector<int32_t>{5, 36});
  const auto original = constant(*g, "fc.weight").values<int8_t>();  // [5, C*H*W], C=4, H=W=3
  const auto permuted = data_of<int8_t>(m, w);
  REQUIRE(permuted.size() == 180);
  // unit 2, channel 3, row 1, column 2: CHW column 3*9 + 1*3 + 2 = 32, HWC column (1*3 + 2)*4 + 3 = 23.
  CHECK(permuted[2 * 36 + 23] == original[2 * 36 + 32]);
  // unit 4, channel 1, row 2, column 0: CHW 9 + 6 = 15, HWC (2*3 + 0)*4 + 1 = 25.
  CHECK(permuted[4 * 36 + 25] == original[4 * 36 + 15]);
  CHECK(permuted[0] == original[0]);
  CHECK(permuted != std::vector<int8_t>(original.begin(), original.end()));
  CHECK(w.quantization()->quantized_dimension() == 0);
  CHECK(w.quantization()->scale()->size() == 5);
  const auto* fc_options = fc.builtin_options_as_FullyConnectedOptions();
  REQUIRE(fc_options);
  CHECK(fc_options->fused_activation_function() == fb::ActivationFunctionType::NONE);
  CHECK_FALSE(fc_options->keep_num_dims());
}

TEST_CASE("buffer 0 is empty and every buffer's data starts 4-byte aligned in the file") {
  const auto g = small_cnn();
  const std::string bytes = emit(*g);
  const fb::Model* m = verified_model(bytes);
  REQUIRE(m->buffers()->size() > 1);
  CHECK((m->buffers()->Get(0)->data() == nullptr || m->buffers()->Get(0)->data()->size() == 0));
  int with_data = 0;
  for (const fb::Buffer* b : *m->buffers()) {
    if (!b->data() || b->data()->size() == 0) continue;
    ++with_data;
    const auto offset = reinterpret_cast<const char*>(b->data()->data()) - bytes.data();
    INFO("buffer data at offset " << offset);
    CHECK(offset % 4 == 0);
  }
  CHECK(with_data >= 5);  // weights, biases, the arena plan
}

TEST_CASE("io type float32 keeps the edges as QUANTIZE and DEQUANTIZE with float interface tensors") {
  const auto g = small_cnn();
  const fb::Model* m = nullptr;
  const std::string bytes = emit(*g, IoType::Float32);
  m = verified_model(bytes);
  const std::vector<std::string> ops = op_names(m);
  REQUIRE(ops.size() == 6);
  CHECK(ops.front() == "QUANTIZE");
  CHECK(ops.back() == "DEQUANTIZE");
  CHECK(code_of(m, op_at(m, 0)).version() == 1);
  CHECK(code_of(m, op_at(m, 5)).version() == 2);
  const fb::SubGraph& main = main_subgraph(m);
  const fb::Tensor& in = tensor_at(m, main.inputs()->Get(0));
  CHECK(in.name()->str() == "input");
  CHECK(in.type() == fb::TensorType::FLOAT32);
  CHECK(shape_of(in) == std::vector<int32_t>{1, 6, 6, 2});
  CHECK(in.quantization() == nullptr);
  const fb::Tensor& quantized = tensor_at(m, op_at(m, 0).outputs()->Get(0));
  CHECK(quantized.type() == fb::TensorType::INT8);
  CHECK(quantized.quantization()->zero_point()->Get(0) == -128);
  const fb::Tensor& out = tensor_at(m, main.outputs()->Get(0));
  CHECK(out.name()->str() == "output");
  CHECK(out.type() == fb::TensorType::FLOAT32);
  CHECK(op_at(m, 5).outputs()->Get(0) == main.outputs()->Get(0));
}

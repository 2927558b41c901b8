// Hand-built int8 files for the importer's paths that tinyc's emitter never writes (MEAN without
// keep_dims on one spatial axis, SOFTMAX on NHWC, a vector operand broadcast over C, FULLY_CONNECTED
// per pixel with keep_num_dims, TRANSPOSE, RESHAPE to rank 3, CONCATENATION on C, an int8 QUANTIZE
// alone, PAD, MAX_POOL_2D with SAME, per-tensor conv weights with an unquantized bias): `tinyc run`
// must equal TFLite Micro bit for bit on each.
#include <catch2/catch.hpp>

#include <functional>
#include <random>

#include "formats/tflite/import.h"
#include "io/npy.h"
#include "support/test_support.h"
#include "tflite_file_builder.h"
#include "tflm_runner.h"

using namespace tinyc;
using namespace tinyc::tflite_test;
namespace fb = tinyc::tflite_fb;

namespace {

using Op = fb::BuiltinOperator;
int32_t code(Op op) { return static_cast<int32_t>(op); }

// x int8 [1,3,4,2] (scale 0.05, zero point -3) -> `body` -> its output; the file's bytes.
std::string model(const std::function<int32_t(TfliteFileBuilder&, int32_t)>& body) {
  TfliteFileBuilder b;
  const int32_t x = b.int8("x", {1, 3, 4, 2}, 0.05f, -3);
  const int32_t y = body(b, x);
  b.interface({x}, {y});
  return b.bytes();
}

std::vector<std::pair<std::string, std::string>> hand_built_models() {
  std::vector<std::pair<std::string, std::string>> models;
  models.emplace_back("mean_over_h", model([](TfliteFileBuilder& b, int32_t x) {
    const int32_t y = b.int8("y", {1, 4, 2}, 0.04f, 2);
    fb::ReducerOptionsT o;
    o.keep_dims = false;
    fb::BuiltinOptionsUnion u;
    u.Set(o);
    b.op(code(Op::MEAN), {x, b.int32("axes", {1}, {1})}, {y}, u);
    return y;
  }));
  models.emplace_back("softmax_nhwc", model([](TfliteFileBuilder& b, int32_t x) {
    const int32_t y = b.int8("y", {1, 3, 4, 2}, 1.0f / 256, -128);
    fb::SoftmaxOptionsT o;
    o.beta = 1.0f;
    fb::BuiltinOptionsUnion u;
    u.Set(o);
    b.op(code(Op::SOFTMAX), {x}, {y}, u);
    return y;
  }));
  models.emplace_back("add_channel_vector", model([](TfliteFileBuilder& b, int32_t x) {
    const int32_t c = b.int8("c", {2}, 0.03f, 1, {40, -60});
    const int32_t y = b.int8("y", {1, 3, 4, 2}, 0.07f, -128);
    fb::AddOptionsT o;
    o.fused_activation_function = fb::ActivationFunctionType::RELU;
    fb::BuiltinOptionsUnion u;
    u.Set(o);
    b.op(code(Op::ADD), {x, c}, {y}, u);
    return y;
  }));
  models.emplace_back("fully_connected_per_pixel", model([](TfliteFileBuilder& b, int32_t x) {
    const int32_t w = b.int8("w", {5, 2}, 0.02f, 0, {11, -7, 90, 3, -127, 64, 5, 5, 27, -33});
    const int32_t bias = b.int32("bias", {5}, {100, -250, 0, 900, -40});
    const int32_t y = b.int8("y", {1, 3, 4, 5}, 0.06f, 4);
    fb::FullyConnectedOptionsT o;
    o.keep_num_dims = true;
    fb::BuiltinOptionsUnion u;
    u.Set(o);
    b.op(code(Op::FULLY_CONNECTED), {x, w, bias}, {y}, u);
    return y;
  }));
  models.emplace_back("transpose_h_w", model([](TfliteFileBuilder& b, int32_t x) {
    const int32_t y = b.int8("y", {1, 4, 3, 2}, 0.05f, -3);
    b.op(code(Op::TRANSPOSE), {x, b.int32("perm", {4}, {0, 2, 1, 3})}, {y});
    return y;
  }));
  models.emplace_back("reshape_rank3", model([](TfliteFileBuilder& b, int32_t x) {
    const int32_t y = b.int8("y", {1, 6, 4}, 0.05f, -3);
    b.op(code(Op::RESHAPE), {x, b.int32("shape", {3}, {1, 6, 4})}, {y});
    return y;
  }));
  models.emplace_back("concatenation_last_axis", model([](TfliteFileBuilder& b, int32_t x) {
    const int32_t y = b.int8("y", {1, 3, 4, 4}, 0.05f, -3);
    fb::ConcatenationOptionsT o;
    o.axis = -1;
    fb::BuiltinOptionsUnion u;
    u.Set(o);
    b.op(code(Op::CONCATENATION), {x, x}, {y}, u);
    return y;
  }));
  models.emplace_back("requantize", model([](TfliteFileBuilder& b, int32_t x) {
    const int32_t y = b.int8("y", {1, 3, 4, 2}, 0.08f, 10);
    b.op(code(Op::QUANTIZE), {x}, {y});
    return y;
  }));
  models.emplace_back("pad_h_w_c", model([](TfliteFileBuilder& b, int32_t x) {
    const int32_t y = b.int8("y", {1, 4, 6, 3}, 0.05f, -3);
    b.op(code(Op::PAD), {x, b.int32("paddings", {4, 2}, {0, 0, 1, 0, 0, 2, 0, 1})}, {y});
    return y;
  }));
  models.emplace_back("max_pool_same", model([](TfliteFileBuilder& b, int32_t x) {
    const int32_t y = b.int8("y", {1, 2, 2, 2}, 0.05f, -3);
    fb::Pool2DOptionsT o;
    o.padding = fb::Padding::SAME;
    o.stride_h = o.stride_w = 2;
    o.filter_height = o.filter_width = 3;
    o.fused_activation_function = fb::ActivationFunctionType::RELU6;
    fb::BuiltinOptionsUnion u;
    u.Set(o);
    b.op(code(Op::MAX_POOL_2D), {x}, {y}, u);
    return y;
  }));
  models.emplace_back("conv_per_tensor_weights", model([](TfliteFileBuilder& b, int32_t x) {
    std::vector<int8_t> w(3 * 2 * 2 * 2);
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
    const int32_t filter = b.int8("filter", {3, 2, 2, 2}, 0.01f, 0, w);
    const int32_t bias = b.int32("bias", {3}, {300, -200, 50});  // no quantization: TFLM does not read it
    const int32_t y = b.int8("y", {1, 3, 4, 3}, 0.04f, -1);
    fb::Conv2DOptionsT o;
    o.padding = fb::Padding::SAME;
    o.stride_h = o.stride_w = 1;
    fb::BuiltinOptionsUnion u;
    u.Set(o);
    b.op(code(Op::CONV_2D), {x, filter, bias}, {y}, u);
    return y;
  }));
  return models;
}

}  // namespace

TEST_CASE("tinyc run equals TFLM on hand-built files the emitter never writes", "[tflite][tflm][slow]") {
  test::TempDir dir;
  ir::Tensor rows(ir::DType::Float32, {100, 3, 4, 2});  // NHWC rows, as the file takes them
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-7.0f, 7.0f);  // beyond the input's range on both sides
  for (float& v : rows.mutable_values<float>()) v = dist(rng);
  const auto rows_file = dir.path() / "rows.npy";
  io::write_npy(rows_file, rows);
  for (const auto& [name, bytes] : hand_built_models()) {
    INFO(name);
    const auto path = dir.path() / (name + ".tflite");
    test::write_bytes(path, bytes);
    REQUIRE_NOTHROW(tflite_format::import_tflite_bytes(bytes));
    check_against_tflm(path, rows_file, dir.path(), 100, {TflmKernels::Reference, TflmKernels::CmsisNn});
  }
}

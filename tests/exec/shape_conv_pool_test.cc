// Shape inference of Conv, ConvTranspose and the pools against hand-computed output sizes.
#include <catch2/catch.hpp>

#include <limits>

#include "exec/shape/window.h"
#include "ir/error.h"
#include "shape_test_graph.h"

using namespace tinyc;
using tinyc::ir::DType;
using tinyc::ir::Shape;
using tinyc::shape_test::out_dtype;
using tinyc::shape_test::Ints;
using tinyc::shape_test::shape_of;
using tinyc::shape_test::TestGraph;

TEST_CASE("shape: Conv stride 2 pad 1 halves 28 to 14", "[shape]") {
  TestGraph t(13);
  auto* n = t.node("Conv", {t.input({1, 3, 28, 28}), t.weights({16, 3, 3, 3}), t.weights({16})},
                   {{"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}});
  t.infer();
  CHECK(shape_of(n) == Shape{1, 16, 14, 14});  // floor((28 + 2 - 3) / 2) + 1
  CHECK(out_dtype(n) == DType::Float32);
}

TEST_CASE("shape: Conv depthwise, dilated, 1D and 3D", "[shape]") {
  TestGraph t(13);
  // Depthwise: group = channels, weight dim 1 is 1.
  auto* depthwise = t.node("Conv", {t.input({1, 8, 10, 10}), t.weights({8, 1, 3, 3})}, {{"group", int64_t{8}}});
  // Dilation 2 turns a 3x3 kernel into an effective 5x5: 10 - 5 + 1 = 6.
  auto* dilated = t.node("Conv", {t.input({1, 1, 10, 10}), t.weights({2, 1, 3, 3})}, {{"dilations", Ints{2, 2}}});
  auto* conv1d = t.node("Conv", {t.input({1, 2, 10}), t.weights({4, 2, 3})}, {{"pads", Ints{1, 1}}});
  // 3D with per-axis strides: 4-3+1 = 2, (6-3)/2+1 = 2, (8-3)/2+1 = 3.
  auto* conv3d = t.node("Conv", {t.input({1, 1, 4, 6, 8}), t.weights({2, 1, 3, 3, 3})}, {{"strides", Ints{1, 2, 2}}});
  // VALID ignores pads: (7 - 3) / 2 + 1 = 3.
  auto* valid = t.node("Conv", {t.input({1, 1, 7, 7}), t.weights({1, 1, 3, 3})},
                       {{"auto_pad", std::string("VALID")}, {"strides", Ints{2, 2}}});
  t.infer();
  CHECK(shape_of(depthwise) == Shape{1, 8, 8, 8});
  CHECK(shape_of(dilated) == Shape{1, 2, 6, 6});
  CHECK(shape_of(conv1d) == Shape{1, 4, 10});
  CHECK(shape_of(conv3d) == Shape{1, 2, 2, 2, 3});
  CHECK(shape_of(valid) == Shape{1, 1, 3, 3});
}

TEST_CASE("shape: Conv SAME_UPPER and SAME_LOWER put the odd pad on opposite sides", "[shape]") {
  TestGraph t(13);
  // Input 5, kernel 4, stride 1: out = 5, total pad = (5-1)*1 + 4 - 5 = 3.
  auto* upper = t.node("Conv", {t.input({1, 1, 5, 5}), t.weights({1, 1, 4, 4})},
                       {{"auto_pad", std::string("SAME_UPPER")}});
  auto* lower = t.node("Conv", {t.input({1, 1, 5, 5}), t.weights({1, 1, 4, 4})},
                       {{"auto_pad", std::string("SAME_LOWER")}});
  // Stride 2 on 7: out = ceil(7/2) = 4.
  auto* strided = t.node("Conv", {t.input({1, 1, 7, 7}), t.weights({1, 1, 3, 3})},
                         {{"auto_pad", std::string("SAME_UPPER")}, {"strides", Ints{2, 2}}});
  t.infer();
  CHECK(shape_of(upper) == Shape{1, 1, 5, 5});
  CHECK(shape_of(lower) == Shape{1, 1, 5, 5});
  CHECK(shape_of(strided) == Shape{1, 1, 4, 4});
  const auto up = exec::shape::resolve_window(*upper, {5, 5}, {4, 4}, false);
  const auto low = exec::shape::resolve_window(*lower, {5, 5}, {4, 4}, false);
  CHECK(up.pads_begin == Ints{1, 1});
  CHECK(up.pads_end == Ints{2, 2});
  CHECK(low.pads_begin == Ints{2, 2});
  CHECK(low.pads_end == Ints{1, 1});
}

TEST_CASE("shape: Conv errors name the node and the problem", "[shape]") {
  TestGraph t(13);
  auto* conv = t.node("Conv", {t.input({1, 3, 8, 8}), t.weights({4, 4, 3, 3})});
  conv->name = "conv1";
  CHECK_THROWS_WITH(t.infer(), "node 'conv1' (Conv): input channels 3 do not match weight channels 4 x group 1");

  TestGraph big(13);
  big.node("Conv", {big.input({1, 1, 2, 2}), big.weights({1, 1, 3, 3})});
  CHECK_THROWS_WITH(big.infer(), Catch::Contains("kernel 3 is larger than the padded input 2"));

  TestGraph bias(13);
  bias.node("Conv", {bias.input({1, 1, 4, 4}), bias.weights({2, 1, 3, 3}), bias.weights({3})});
  CHECK_THROWS_WITH(bias.infer(), Catch::Contains("bias shape 3 should be 2"));

  TestGraph rank(13);
  rank.node("Conv", {rank.input({1, 1, 4, 4}), rank.weights({2, 1, 3})});
  CHECK_THROWS_AS(rank.infer(), InputError);

  TestGraph pad_mode(13);
  pad_mode.node("Conv", {pad_mode.input({1, 1, 4, 4}), pad_mode.weights({2, 1, 3, 3})},
                {{"auto_pad", std::string("SAME")}});
  CHECK_THROWS_WITH(pad_mode.infer(), Catch::Contains("auto_pad 'SAME' is not one of"));
}

TEST_CASE("shape: ConvTranspose output_padding, output_shape, SAME and groups", "[shape]") {
  TestGraph t(13);
  // out = stride * (in - 1) + output_padding + kernel: 3*2+1+3 = 10 and 2*2+1+3 = 8.
  auto* padded = t.node("ConvTranspose", {t.input({1, 1, 3, 3}), t.weights({1, 2, 3, 3})},
                        {{"strides", Ints{3, 2}}, {"output_padding", Ints{1, 1}}});
  auto* explicit_shape = t.node("ConvTranspose", {t.input({1, 1, 3, 3}), t.weights({1, 2, 3, 3})},
                                {{"strides", Ints{3, 2}}, {"output_shape", Ints{10, 8}}});
  auto* same = t.node("ConvTranspose", {t.input({1, 1, 3, 3}), t.weights({1, 2, 3, 3})},
                      {{"strides", Ints{2, 2}}, {"auto_pad", std::string("SAME_UPPER")}});
  // Pads shrink the output: 2*(3-1) + 3 - 1 - 1 = 5.
  auto* pads = t.node("ConvTranspose", {t.input({1, 1, 3, 3}), t.weights({1, 2, 3, 3})},
                      {{"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}});
  // group 2: output channels = weight dim 1 x group = 6.
  auto* grouped = t.node("ConvTranspose", {t.input({1, 4, 5, 5}), t.weights({4, 3, 3, 3})}, {{"group", int64_t{2}}});
  t.infer();
  CHECK(shape_of(padded) == Shape{1, 2, 10, 8});
  CHECK(shape_of(explicit_shape) == Shape{1, 2, 10, 8});
  CHECK(shape_of(same) == Shape{1, 2, 6, 6});
  CHECK(shape_of(pads) == Shape{1, 2, 5, 5});
  CHECK(shape_of(grouped) == Shape{1, 6, 7, 7});

  // output_shape 10x8 asks for one more output than the window covers along each axis (total
  // padding -1): ONNX floors the half, so the begin pad is 0 and the extra output is at the end.
  const auto beyond = exec::shape::resolve_transposed_window(*explicit_shape, {3, 3}, {3, 3});
  CHECK(beyond.pads_begin == Ints{0, 0});
  CHECK(beyond.pads_end == Ints{-1, -1});
  // Odd positive totals keep the spec's sides: 2*(3-1)+3-6 = 1 goes to the end for SAME_UPPER.
  const auto upper = exec::shape::resolve_transposed_window(*same, {3, 3}, {3, 3});
  CHECK(upper.pads_begin == Ints{0, 0});
  CHECK(upper.pads_end == Ints{1, 1});

  TestGraph bad(13);
  bad.node("ConvTranspose", {bad.input({1, 3, 3, 3}), bad.weights({2, 2, 3, 3})});
  CHECK_THROWS_WITH(bad.infer(), Catch::Contains("input channels 3 do not match weight dim 0 (2)"));
}

TEST_CASE("shape: MaxPool ceil_mode, Indices and AveragePool", "[shape]") {
  TestGraph t(12);
  const ir::Attributes k3s2 = {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}};
  auto* floor_pool = t.node("MaxPool", {t.input({1, 1, 4, 4})}, k3s2);
  ir::Attributes ceil_attrs = k3s2;
  ceil_attrs["ceil_mode"] = int64_t{1};
  // (4 - 3) / 2 = 0.5: floor gives 1 window, ceil gives 2.
  auto* ceil_pool = t.node("MaxPool", {t.input({1, 1, 4, 4})}, ceil_attrs, 2);
  // Input 3, end pad 2, kernel 2, stride 2: ceil would give 3 windows, but the third would start
  // at 4, inside the end padding, so it is dropped: 2.
  auto* no_pad_window = t.node("MaxPool", {t.input({1, 1, 3, 3})},
                               {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}},
                                {"pads", Ints{0, 0, 2, 2}}, {"ceil_mode", int64_t{1}}});
  auto* dilated = t.node("MaxPool", {t.input({1, 1, 8, 8})}, {{"kernel_shape", Ints{2, 2}}, {"dilations", Ints{3, 3}}});
  auto* avg = t.node("AveragePool", {t.input({2, 3, 9, 9})},
                     {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{3, 3}}, {"count_include_pad", int64_t{1}}});
  t.infer();
  CHECK(shape_of(floor_pool) == Shape{1, 1, 1, 1});
  CHECK(shape_of(ceil_pool) == Shape{1, 1, 2, 2});
  CHECK(shape_of(ceil_pool, 1) == Shape{1, 1, 2, 2});
  CHECK(out_dtype(ceil_pool, 1) == DType::Int64);
  CHECK(shape_of(no_pad_window) == Shape{1, 1, 2, 2});
  CHECK(shape_of(dilated) == Shape{1, 1, 5, 5});  // effective kernel 4: 8 - 4 + 1
  CHECK(shape_of(avg) == Shape{2, 3, 3, 3});

  TestGraph missing(12);
  missing.node("MaxPool", {missing.input({1, 1, 4, 4})});
  CHECK_THROWS_WITH(missing.infer(), Catch::Contains("kernel_shape attribute is required"));
}

TEST_CASE("shape: Global pools keep N and C", "[shape]") {
  TestGraph t(13);
  auto* avg = t.node("GlobalAveragePool", {t.input({1, 8, 7, 7})});
  auto* max = t.node("GlobalMaxPool", {t.input({2, 4, 5})});
  t.infer();
  CHECK(shape_of(avg) == Shape{1, 8, 1, 1});
  CHECK(shape_of(max) == Shape{2, 4, 1});
}

TEST_CASE("shape: windows with attributes near INT64_MAX are refused instead of overflowing", "[shape]") {
  const int64_t huge = std::numeric_limits<int64_t>::max();
  for (const auto& [key, value] : std::vector<std::pair<std::string, Ints>>{
           {"dilations", Ints{huge, 1}}, {"pads", Ints{0, huge, 0, huge}}, {"strides", Ints{huge, huge}}}) {
    TestGraph t(13);
    t.node("MaxPool", {t.input({1, 1, 8, 8})}, {{"kernel_shape", Ints{3, 3}}, {key, value}});
    INFO(key);
    CHECK_THROWS_WITH(t.infer(), Catch::Contains("exceeds tinyc's limit"));
  }
  // An input of 2^40 x 8 floats passes a tensor limit raised to the maximum; the Conv rule refuses it.
  TestGraph t(13);
  t.g.limits.max_tensor_bytes = huge;
  t.node("Conv", {t.input({1, 1, int64_t{1} << 40, 8}), t.weights({1, 1, 3, 3})}, {});
  CHECK_THROWS_WITH(t.infer(), Catch::Contains("spatial input size"));
}

// tinyc's .tflite files in an independent runtime, on real models: every corpus model is folded,
// quantized by the default int8 pipeline on its calibration split, emitted with --io-type int8 and
// run on its whole eval split by Arm NN (armnn_check: TfLiteParser + CpuRef) and by tinyc's int8
// executor. Arm NN requantizes in float where TFLite (and tinyc) use fixed point, so single outputs
// may differ by a few LSB; top-1 must agree on >= 99.5 % of the rows of classifiers. Numbers are
// printed and written to <build>/armnn_interop_summary.json.
//
// Two Arm NN 20.08 (Debian 12) defects shape the check: it has no per-channel FULLY_CONNECTED weights
// (its reference backend asserts), so Gemm weights are requantized per tensor first and both runtimes
// run that graph; and its int8 PAD, when not folded into a following CONV_2D, fills the border with
// wrong values (the outputs of a DEPTHWISE_CONV_2D after it differ exactly where its windows read the
// padding, while depthwise convs without a PAD and PAD + CONV_2D agree, see armnn_ops_test.cc), so
// models with PAD -> DEPTHWISE_CONV_2D are run and reported but not judged.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "armnn_runner.h"
#include "formats/tflite/emit.h"
#include "formats/tflite/read.h"
#include "io/npy.h"
#include "support/test_support.h"
#include "tflite/corpus_int8.h"

using namespace tinyc;
using namespace tinyc::interop_test;

namespace {

constexpr double kMinTop1Agreement = 0.995;
constexpr int kMaxLsb = 6;

// Requantizes every per-channel Gemm weight to one scale (the largest channel scale) and its bias to
// the matching scale s_in * s_w.
void per_tensor_fully_connected(ir::Graph& g) {
  for (ir::Node* n : g.nodes()) {
    ir::Value* w = n->op_type == "Gemm" ? n->input(1) : nullptr;
    if (!w || !w->quant || !w->quant->per_channel()) continue;
    const std::vector<float> scales = w->quant->scale;
    const float common = *std::max_element(scales.begin(), scales.end());
    const int64_t depth = w->constant().shape()[1];
    ir::Tensor weights = w->constant();
    auto values = weights.mutable_values<int8_t>();
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<int8_t>(std::lround(values[i] * scales[i / static_cast<size_t>(depth)] / common));
    g.set_constant(w, std::move(weights));
    w->quant = ir::QuantParams{{common}, {0}, 0};
    ir::Value* b = n->input(2);
    if (!b) continue;
    ir::Tensor bias = b->constant();
    auto bias_values = bias.mutable_values<int32_t>();
    for (size_t u = 0; u < bias_values.size(); ++u)
      bias_values[u] = static_cast<int32_t>(std::lround(bias_values[u] * static_cast<double>(scales[u]) / common));
    g.set_constant(b, std::move(bias));
    b->quant = ir::QuantParams{{n->input(0)->quant->scale[0] * common}, {0}, 0};
  }
}

// True when a DEPTHWISE_CONV_2D of the file reads the output of a PAD.
bool pad_feeds_depthwise(const std::string& tflite) {
  const tflite_format::TfliteSummary s = tflite_format::read_tflite_bytes(tflite);
  std::map<int32_t, std::string> producer;
  for (const auto& op : s.operators)
    for (int32_t out : op.outputs) producer[out] = op.op;
  return std::any_of(s.operators.begin(), s.operators.end(), [&](const tflite_format::OperatorSummary& op) {
    return op.op == "DEPTHWISE_CONV_2D" && producer[op.inputs.at(0)] == "PAD";
  });
}

}  // namespace

TEST_CASE("Arm NN runs tinyc's .tflite files as tinyc's int8 executor does, on every corpus model", "[slow]") {
  nlohmann::json summary = nlohmann::json::object();
  test::TempDir dir;
  for (const auto& [name, info] : test::corpus_manifest().at("models").items()) {
    INFO("model " << name);
    const auto g = tflite_test::corpus_int8_graph(name);
    per_tensor_fully_connected(*g);
    const ir::Tensor rows = io::read_npy(test::corpus_dir() / info.at("eval_data").get<std::string>());
    const Agreement a = run_both(*g, rows, dir.path(), name);
    const bool judged = !pad_feeds_depthwise(tflite_format::emit_tflite_bytes(*g));
    std::cout << "Arm NN vs tinyc int8, " << name << ": " << describe(a)
              << (judged ? "" : " (not judged: Arm NN 20.08 pads wrongly before DEPTHWISE_CONV_2D)") << "\n";
    summary[name] = {{"top1_agreement", a.top1},   {"max_lsb", a.max_lsb},
                     {"mean_lsb", a.mean_lsb},     {"bit_equal_share", a.equal_share},
                     {"judged", judged}};
    if (!judged) continue;
    if (info.at("task") == "classification") CHECK(a.top1 >= kMinTop1Agreement);
    CHECK(a.max_lsb <= kMaxLsb);
  }
  test::write_bytes(std::filesystem::path(TINYC_BINARY_DIR) / "armnn_interop_summary.json", summary.dump(2) + "\n");
}

// ONNX import + export checked by an independent runtime: every corpus model, after a trip through
// tinyc's IR, must give ONNX Runtime bit-identical outputs to the original (tests/ort/ort_compare.js).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include <algorithm>
#include <cmath>

#include "exec/executor.h"
#include "exec/shape_inference.h"
#include "formats/onnx/export.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "onnx_fixtures.h"
#include "support/ort_compare.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace tinyc::test;
using nlohmann::json;

namespace {
constexpr int kRowsPerModel = 64;
}  // namespace

TEST_CASE("ONNX Runtime gives bit-identical outputs for every corpus model after import and export") {
  const json& models = corpus_manifest().at("models");
  REQUIRE(models.size() >= 7);
  for (const auto& [name, info] : models.items()) {
    DYNAMIC_SECTION("model " << name) {
      TempDir scratch;
      const fs::path original = corpus_model_path(name);
      const fs::path exported = scratch.path() / (name + ".onnx");
      const auto imported = tinyc::onnx_format::import_model_file(original);
      REQUIRE(imported.graph != nullptr);
      tinyc::onnx_format::export_model_file(*imported.graph, exported);

      const json summary =
          ort_compare(original, exported, corpus_dir() / info.at("eval_data").get<std::string>(), kRowsPerModel);
      INFO("summary: " << summary.dump());
      CHECK(summary.at("rows") == kRowsPerModel);
      CHECK(summary.at("identical") == true);
      CHECK(summary.at("max_abs_diff") == 0.0);
      CHECK(summary.at("argmax_agreement") == 1.0);
    }
  }
}

TEST_CASE("The ONNX Runtime comparison tells equal models from different ones") {
  const fs::path digits = corpus_dir() / "data/digits_test.npy";
  const fs::path mlp = corpus_model_path("digits_mlp");

  SECTION("a model against itself is identical") {
    const json same = ort_compare(mlp, mlp, digits, kRowsPerModel);
    CHECK(same.at("identical") == true);
    CHECK(same.at("max_abs_diff") == 0.0);
  }
  SECTION("two differently trained models are not identical but mostly agree") {
    const json other = ort_compare(mlp, corpus_model_path("digits_cnn"), digits, kRowsPerModel);
    INFO("summary: " << other.dump());
    CHECK(other.at("rows") == kRowsPerModel);
    CHECK(other.at("identical") == false);
    // Logits of unrelated networks differ by whole units; both are ~98 % accurate, so top-1 mostly agrees.
    CHECK(other.at("max_abs_diff").get<double>() > 1.0);
    CHECK(other.at("argmax_agreement").get<double>() < 1.0);
    CHECK(other.at("argmax_agreement").get<double>() > 0.8);
  }
  SECTION("non-float32 inputs are rejected as bad input") {
    const CommandResult run = run_ort_compare({mlp, mlp, corpus_dir() / "data/digits_test_labels.npy"});
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("'<i8' is not supported") != std::string::npos);
    CHECK(run.out.empty());
  }
}

TEST_CASE("com.microsoft Gelu and FastGelu import as Gelu, compute what ONNX Runtime computes, and export back") {
  for (const bool fast : {false, true}) {
    INFO((fast ? "FastGelu" : "Gelu"));
    TempDir dir;
    onnx::ModelProto m = tinyc::onnx_test::empty_model();
    onnx::OperatorSetIdProto* contrib = m.add_opset_import();
    contrib->set_domain("com.microsoft");
    contrib->set_version(1);
    onnx::GraphProto& g = *m.mutable_graph();
    tinyc::onnx_test::add_input(g, "x", {"1", "64"});
    tinyc::onnx_test::add_node(g, fast ? "FastGelu" : "Gelu", {"x"}, {"y"}, "gelu").set_domain("com.microsoft");
    tinyc::onnx_test::add_output(g, "y");
    const fs::path original = tinyc::onnx_test::write_model(dir.path(), m);
    // 8 rows in [-6, 6): the tails and the dip near -0.75 in every row.
    tinyc::ir::Tensor rows(tinyc::ir::DType::Float32, {8, 64});
    auto values = rows.mutable_values<float>();
    for (size_t i = 0; i < values.size(); ++i) values[i] = -6.0f + 12.0f * static_cast<float>((i * 37) % 512) / 512.0f;
    const fs::path inputs = dir.path() / "rows.npy";
    tinyc::io::write_npy(inputs, rows);
    const fs::path ort_out = dir.path() / "ort.npy";
    const CommandResult r = run_ort_compare({"--run", original, inputs, ort_out});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const tinyc::ir::Tensor want = tinyc::io::read_npy(ort_out);

    auto imported = tinyc::onnx_format::import_model_file(original).graph;
    tinyc::exec::infer_shapes(*imported);
    const tinyc::ir::Node* gelu = imported->find_node("gelu");
    REQUIRE(gelu->domain.empty());
    CHECK(gelu->op_type == "Gelu");
    CHECK(gelu->attr_string("approximate", "none") == (fast ? "tanh" : "none"));
    double worst = 0;
    for (int64_t row = 0; row < 8; ++row) {
      tinyc::ir::Tensor x(tinyc::ir::DType::Float32, {1, 64});
      std::copy_n(values.begin() + row * 64, 64, x.mutable_values<float>().begin());
      const auto got = tinyc::exec::Executor(*imported).run({x});
      for (size_t i = 0; i < 64; ++i)
        worst = std::max(worst, std::abs(static_cast<double>(got[0].values<float>()[i]) -
                                         want.values<float>()[static_cast<size_t>(row * 64) + i]));
    }
    CHECK(worst < 1e-5);

    // Written back below opset 20 as the contrib op again, which ONNX Runtime runs bit for bit.
    const fs::path exported = dir.path() / "exported.onnx";
    tinyc::onnx_format::export_model_file(*imported, exported);
    const json summary = ort_compare(original, exported, inputs, 8);
    INFO(summary.dump());
    CHECK(summary.at("identical") == true);
  }
}

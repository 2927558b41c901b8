// ONNX import + export checked by an independent runtime: every corpus model, after a trip through
// tinyc's IR, must give ONNX Runtime bit-identical outputs to the original (tests/ort/ort_compare.js).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "formats/onnx/export.h"
#include "formats/onnx/import.h"
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

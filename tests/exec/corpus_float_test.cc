// The float executor on every corpus model and its full test split: outputs match ONNX Runtime's
// (ref/*.npy), top-1 accuracy and the autoencoder's AUC match the manifest, and the memory plan
// of each model is sound.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "exec/executor.h"
#include "formats/onnx/import.h"
#include "io/npy.h"

using namespace tinyc;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = TINYC_CORPUS_DIR;

nlohmann::json manifest() {
  std::ifstream in(kCorpus / "manifest.json");
  return nlohmann::json::parse(in);
}

int64_t argmax_row(std::span<const float> row) {
  return std::max_element(row.begin(), row.end()) - row.begin();
}

// Probability that a random anomaly scores above a random normal sample (ties count half).
double roc_auc(const std::vector<double>& scores, const std::vector<bool>& anomaly) {
  double wins = 0;
  int64_t pairs = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!anomaly[i]) continue;
    for (size_t j = 0; j < scores.size(); ++j) {
      if (anomaly[j]) continue;
      wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
      ++pairs;
    }
  }
  return wins / static_cast<double>(pairs);
}

// No two buffers that are alive at a common step share a byte, and reuse makes the arena smaller
// than the sum of the buffers whenever two of them never live together.
void check_memory_plan(const exec::MemoryPlan& plan) {
  for (size_t i = 0; i < plan.requests.size(); ++i) {
    const auto& a = plan.requests[i];
    CHECK(plan.offsets[i] + a.bytes <= plan.arena_bytes);
    for (size_t j = i + 1; j < plan.requests.size(); ++j) {
      const auto& b = plan.requests[j];
      if (!exec::lifetimes_overlap(a, b) || a.bytes == 0 || b.bytes == 0) continue;
      const bool disjoint = plan.offsets[i] + a.bytes <= plan.offsets[j] || plan.offsets[j] + b.bytes <= plan.offsets[i];
      INFO(a.name << " and " << b.name);
      CHECK(disjoint);
    }
  }
  CHECK(plan.arena_bytes < plan.total_request_bytes);
}

}  // namespace

TEST_CASE("float executor matches ONNX Runtime on every corpus model", "[exec][corpus]") {
  const nlohmann::json m = manifest();
  for (const auto& [name, model] : m["models"].items()) {
    DYNAMIC_SECTION(name) {
      const auto imported = onnx_format::import_model_file(kCorpus / model["file"].get<std::string>());
      const exec::Executor exe(*imported.graph);
      CHECK(exe.stacks_rows());
      check_memory_plan(exe.memory_plan());

      const ir::Tensor data = io::read_npy(kCorpus / model["eval_data"].get<std::string>());
      const ir::Tensor labels = io::read_npy(kCorpus / model["eval_labels"].get<std::string>());
      const int64_t n = data.shape()[0];
      const ir::Tensor out = exe.run({data}).at(0);
      REQUIRE(out.shape()[0] == n);
      const int64_t width = out.num_elements() / n;
      const auto y = out.values<float>();
      const auto label = labels.values<int64_t>();

      if (model["task"] == "classification") {
        const ir::Tensor ref = io::read_npy(kCorpus / model["ref_outputs"].get<std::string>());
        REQUIRE(ref.shape() == out.shape());
        const auto r = ref.values<float>();
        double max_diff = 0;
        for (size_t i = 0; i < y.size(); ++i) max_diff = std::max(max_diff, std::fabs(double(y[i]) - r[i]));
        int64_t correct = 0;
        for (int64_t i = 0; i < n; ++i) correct += argmax_row(y.subspan(i * width, width)) == label[i];
        const double expected = model["float_top1"]["onnxruntime"].get<double>();
        std::cout << name << ": max |diff| vs ONNX Runtime " << max_diff << ", top-1 " << correct << "/" << n << "\n";
        CHECK(max_diff < 1e-4);
        CHECK(correct == static_cast<int64_t>(std::llround(expected * double(n))));
      } else {
        const ir::Tensor ref = io::read_npy(kCorpus / model["ref_scores"].get<std::string>());
        const auto r = ref.values<float>();
        const auto x = data.values<float>();
        REQUIRE(width == data.num_elements() / n);
        std::vector<double> scores;
        std::vector<bool> anomaly;
        const auto normal = model["normal_classes"].get<std::vector<int64_t>>();
        double max_rel = 0;
        for (int64_t i = 0; i < n; ++i) {
          double sum = 0;
          for (int64_t k = 0; k < width; ++k) {
            const double d = double(y[i * width + k]) - x[i * width + k];
            sum += d * d;
          }
          scores.push_back(sum / double(width));
          max_rel = std::max(max_rel, std::fabs(scores.back() - r[i]) / std::fabs(double(r[i])));
          anomaly.push_back(std::find(normal.begin(), normal.end(), label[i]) == normal.end());
        }
        const double auc = roc_auc(scores, anomaly);
        std::cout << name << ": max relative score diff " << max_rel << ", AUC " << auc << "\n";
        CHECK(max_rel < 1e-5);
        CHECK(std::round(auc * 1e4) == std::round(0.9058 * 1e4));
      }
    }
  }
}

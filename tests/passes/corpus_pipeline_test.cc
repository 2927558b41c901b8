// The default folding pipeline on every corpus model: no BatchNormalization, Dropout, Identity,
// Constant or all-zero Pad remains, the float executor's outputs match the original's, and the
// exported ONNX still runs in ONNX Runtime with the original's outputs. Node counts and differences
// are written to <build>/passes_corpus_summary.json.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "exec/shape_inference.h"
#include "formats/onnx/export.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "pass_test_util.h"
#include "passes/default_pipelines.h"
#include "support/ort_compare.h"

namespace fs = std::filesystem;
using namespace tinyc;
using namespace tinyc::passes::testing;
using nlohmann::json;

namespace {

constexpr int kRows = 64;
constexpr double kTolerance = 1e-4;

// The first `rows` rows (dim 0) of a tensor.
ir::Tensor first_rows(const ir::Tensor& t, int64_t rows) {
  ir::Shape shape = t.shape();
  shape[0] = std::min(shape[0], rows);
  ir::Tensor out(t.dtype(), shape);
  std::memcpy(out.mutable_bytes().data(), t.bytes().data(), out.byte_size());
  return out;
}

std::map<std::string, int> op_histogram(const ir::Graph& g) {
  std::map<std::string, int> ops;
  for (const ir::Node* n : g.nodes()) ++ops[n->op_type];
  return ops;
}

bool is_zero_pad(const ir::Node& n) {
  if (n.op_type != "Pad") return false;
  if (n.has_attr("pads")) {
    const auto pads = n.attr_ints("pads", {});
    return std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; });
  }
  const ir::Value* pads = n.input(1);
  if (!pads || !pads->is_constant()) return false;
  const auto values = pads->constant().to_int64();
  return std::all_of(values.begin(), values.end(), [](int64_t p) { return p == 0; });
}

double max_abs(const std::vector<ir::Tensor>& outputs) {
  double m = 0;
  for (const ir::Tensor& t : outputs)
    for (double v : t.to_double()) m = std::max(m, std::fabs(v));
  return m;
}

}  // namespace

TEST_CASE("the default folding pipeline simplifies every corpus model without changing its outputs") {
  const json& models = test::corpus_manifest().at("models");
  REQUIRE(models.size() >= 7);
  json summary = json::object();
  for (const auto& [name, info] : models.items()) {
    INFO("model " << name);
    const fs::path model_file = test::corpus_model_path(name);
    const fs::path data_file = test::corpus_dir() / info.at("eval_data").get<std::string>();
    auto imported = onnx_format::import_model_file(model_file);
    ir::Graph& g = *imported.graph;
    exec::infer_shapes(g);
    const auto original = g.clone();

    const auto summaries = run_passes(g, passes::default_folding_pipeline());
    json passes_run = json::object();
    for (const passes::PassSummary& s : summaries) {
      passes_run[s.name] = s.result.rewrites;
      if (s.name == "fold_batchnorm") CHECK(s.result.declined.empty());  // every BN folds into its producer
    }
    const auto ops = op_histogram(g);
    for (const char* op : {"BatchNormalization", "Dropout", "Identity", "Constant"}) CHECK(ops.count(op) == 0);
    for (const ir::Node* n : g.nodes()) CHECK_FALSE(is_zero_pad(*n));
    CHECK(g.node_count() <= original->node_count());

    const std::vector<ir::Tensor> inputs{first_rows(io::read_npy(data_file), kRows)};
    const std::vector<ir::Tensor> reference = run_float(*original, inputs);
    const double executor_diff = relative_difference(reference, run_float(g, inputs));
    CHECK(executor_diff <= kTolerance);

    test::TempDir scratch;
    const fs::path exported = scratch.path() / (name + ".onnx");
    onnx_format::export_model_file(g, exported);
    const json ort = test::ort_compare(model_file, exported, data_file, kRows);
    INFO("ort_compare: " << ort.dump());
    CHECK(ort.at("rows") == kRows);
    REQUIRE(ort.at("max_abs_diff").is_number());
    const double ort_diff = ort.at("max_abs_diff").get<double>() / max_abs(reference);
    CHECK(ort_diff <= kTolerance);
    CHECK(ort.at("argmax_agreement") == 1.0);

    summary[name] = {{"nodes_before", original->node_count()},
                     {"nodes_after", g.node_count()},
                     {"ops_before", op_histogram(*original)},
                     {"ops_after", ops},
                     {"rewrites", passes_run},
                     {"executor_max_rel_diff", executor_diff},
                     {"ort_max_abs_diff", ort.at("max_abs_diff")},
                     {"ort_max_rel_diff", ort_diff}};
  }
  test::write_bytes(fs::path(TINYC_BINARY_DIR) / "passes_corpus_summary.json", summary.dump(2) + "\n");
}

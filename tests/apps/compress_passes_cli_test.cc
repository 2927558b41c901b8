// `tinyc compress --format onnx`: the default folding pipeline, --passes and --dump-after.
#include <catch2/catch.hpp>

#include "cli_runner.h"
#include "formats/onnx/import.h"

using tinyc::test::corpus_dir;
using tinyc::test::run_tinyc;
using tinyc::test::TempDir;

namespace {
int64_t count_op(const tinyc::ir::Graph& g, const std::string& op) {
  int64_t n = 0;
  for (const auto* node : g.nodes()) n += node->op_type == op;
  return n;
}
}  // namespace

TEST_CASE("compress folds BatchNormalization and writes a smaller graph") {
  TempDir dir;
  const auto out = dir.path() / "folded.onnx";
  const auto r = run_tinyc({"compress", (corpus_dir() / "models/fmnist_dscnn.onnx").string(), "-o", out.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("48 -> 12 nodes") != std::string::npos);
  auto g = tinyc::onnx_format::import_model_file(out).graph;
  CHECK(count_op(*g, "BatchNormalization") == 0);
  CHECK(count_op(*g, "Constant") == 0);
  CHECK(count_op(*g, "Conv") == 9);
}

TEST_CASE("compress --passes runs only the given passes and --dump-after writes the graph after one") {
  TempDir dir;
  const auto out = dir.path() / "out.onnx";
  const auto r = run_tinyc({"compress", (corpus_dir() / "models/fmnist_resnet8.onnx").string(), "-o", out.string(),
                            "--passes", "fold_constants,remove_identity", "--dump-after", "fold_constants"});
  REQUIRE(r.exit_code == 0);
  const auto dumped = dir.path() / "out.after_fold_constants.onnx";
  REQUIRE(std::filesystem::exists(dumped));
  auto after_fold = tinyc::onnx_format::import_model_file(dumped).graph;
  CHECK(count_op(*after_fold, "Constant") == 0);
  CHECK(count_op(*after_fold, "Pad") == 1);  // the all-zero Pad goes in the next pass
  auto final_graph = tinyc::onnx_format::import_model_file(out).graph;
  CHECK(count_op(*final_graph, "Pad") == 0);
  CHECK(count_op(*final_graph, "BatchNormalization") == 7);  // not in this pipeline
}

TEST_CASE("compress rejects an unknown pass or dump target with one line, exit 2, and no output") {
  TempDir dir;
  const auto out = dir.path() / "never.onnx";
  const std::string model = (corpus_dir() / "models/digits_mlp.onnx").string();
  auto r = run_tinyc({"compress", model, "-o", out.string(), "--passes", "fold_everything"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown pass 'fold_everything'") != std::string::npos);
  r = run_tinyc({"compress", model, "-o", out.string(), "--dump-after", "nope"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--dump-after: unknown pass 'nope'") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("compress -v logs each pass's summary") {
  TempDir dir;
  const auto r = run_tinyc({"-v", "compress", (corpus_dir() / "models/fmnist_cnn_bn.onnx").string(), "-o",
                            (dir.path() / "out.onnx").string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("fold_batchnorm: 2 rewrites") != std::string::npos);
  CHECK(r.err.find("fuse_activation: 3 rewrites") != std::string::npos);
  CHECK(run_tinyc({"compress", (corpus_dir() / "models/fmnist_cnn_bn.onnx").string(), "-o",
                   (dir.path() / "quiet.onnx").string()})
            .err.find("fold_batchnorm") == std::string::npos);
}

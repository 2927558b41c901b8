// `tinyc compress`: the default folding pipeline, --passes and --dump-after, how --prune and --int8
// add their steps to --passes, and the report's pipeline text, which replays a run byte for byte.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "formats/onnx/import.h"
#include "support/test_support.h"

using tinyc::test::corpus_dir;
using tinyc::test::read_bytes;
using tinyc::test::run_tinyc;
using tinyc::test::TempDir;

namespace {
int64_t count_op(const tinyc::ir::Graph& g, const std::string& op) {
  int64_t n = 0;
  for (const auto* node : g.nodes()) n += node->op_type == op;
  return n;
}

std::string corpus_data(const std::string& file) { return (corpus_dir() / "data" / file).string(); }

// compress digits_cnn with `extra` into dir/<name>.tflite with a JSON report; the report.
nlohmann::json compress_digits(const TempDir& dir, const std::string& name, std::vector<std::string> extra) {
  std::vector<std::string> args{"compress", (corpus_dir() / "models/digits_cnn.onnx").string(), "--calib",
                                corpus_data("digits_calib.npy"), "-o", (dir.path() / (name + ".tflite")).string(),
                                "--report", (dir.path() / (name + ".json")).string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_tinyc(args);
  INFO(name << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(read_bytes(dir.path() / (name + ".json")));
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

TEST_CASE("the report's pipeline, given as --passes, writes the same bytes") {
  TempDir dir;
  for (const std::vector<std::string>& shorthand :
       {std::vector<std::string>{"--int8"}, {"--int8", "--prune", "0.5", "--calib-method", "minmax"},
        {"--int8", "--prune", "0.4", "--prune-granularity", "unstructured", "--weight-scales", "fc_per_tensor"}}) {
    const auto first = compress_digits(dir, "first", shorthand);
    const std::string pipeline = first["pipeline"].get<std::string>();
    INFO(pipeline);
    CHECK(pipeline.rfind("fold_constants,remove_identity,", 0) == 0);
    CHECK(pipeline.find("quantize_int8(calib=") != std::string::npos);
    CHECK(pipeline.find("percentile=99.99") != std::string::npos);  // defaults are spelled out too
    CHECK((pipeline.find("prune(ratio=") != std::string::npos) == (shorthand.size() > 1));
    // No --int8 needed: the quantize_int8 step says it.
    const auto replay = compress_digits(dir, "replay", {"--passes", pipeline});
    CHECK(replay["pipeline"] == pipeline);
    CHECK(read_bytes(dir.path() / "replay.tflite") == read_bytes(dir.path() / "first.tflite"));
    CHECK(replay["quantization"]["calibration_method"] == first["quantization"]["calibration_method"]);
    CHECK(replay["pruning"] == first["pruning"]);
  }
}

TEST_CASE("compress: --prune and --int8 add their steps to --passes where they belong") {
  TempDir dir;
  const auto j = compress_digits(dir, "combined",
                                 {"--passes", "fold_constants,fold_batchnorm,eliminate_dead", "--prune", "0.5", "--int8"});
  const std::string pipeline = j["pipeline"].get<std::string>();
  INFO(pipeline);
  CHECK(pipeline.rfind("fold_constants,fold_batchnorm,eliminate_dead,prune(ratio=0.5,", 0) == 0);
  CHECK(pipeline.find("),decompose_for_int8,bias_correction(weight_scales=per_channel,weight_bits=8),quantize_int8(calib=auto,") != std::string::npos);
  CHECK(j["pruning"]["requested_ratio"] == 0.5);
  // --prune goes before a quantize_int8 the text already has.
  const auto k = compress_digits(dir, "inserted", {"--passes", "fold_batchnorm,quantize_int8(calib=minmax)", "--prune", "0.5"});
  CHECK(k["pipeline"].get<std::string>().rfind("fold_batchnorm,prune(ratio=0.5,", 0) == 0);
  CHECK(k["quantization"]["calibration_method"] == "minmax");
}

TEST_CASE("pipelines that say a thing twice or cannot run are refused with one line, exit 2, and no output") {
  TempDir dir;
  const std::string model = (corpus_dir() / "models/digits_cnn.onnx").string(), calib = corpus_data("digits_calib.npy");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--passes", "quantize_int8", "--calib-method", "mse"}, "give them as its options"},
      {{"--passes", "quantize_int8,bias_correction"}, "bias_correction after quantize_int8"},
      {{"--passes", "prune(ratio=2)"}, "prune ratio must be between 0 and 1"},
  };
  for (const auto& [extra, message] : cases) {
    std::vector<std::string> args{"compress", model, "--calib", calib, "-o", (dir.path() / "m.tflite").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_tinyc(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  const auto data_free =
      run_tinyc({"compress", model, "--int8", "--data-free", "--passes", "fold_batchnorm,bias_correction,quantize_int8",
                 "-o", (dir.path() / "m.tflite").string()});
  CHECK(data_free.exit_code == 2);
  CHECK(data_free.err.find("--data-free: bias_correction measures layer inputs on calibration rows") != std::string::npos);
  CHECK(std::filesystem::is_empty(dir.path()));
}

// `tinyc inspect` end to end: output on real models, and one clear line + exit code on bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "exec/isa.h"
#include "formats/onnx/export.h"
#include "ir/graph.h"
#include "support/test_support.h"

using namespace tinyc::test;

namespace {
size_t line_count(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }
}  // namespace

TEST_CASE("inspect prints the layer table and totals") {
  auto r = run_tinyc({"inspect", corpus_model_path("fmnist_cnn_bn").string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("totals: params 215,418, MACs 3,024,384") != std::string::npos);
  CHECK(r.out.find("BatchNormalization 2") != std::string::npos);
  CHECK(r.out.find("1x16x28x28") != std::string::npos);
}

TEST_CASE("inspect --json gives machine-readable totals") {
  auto r = run_tinyc({"inspect", "--json", corpus_model_path("fmnist_resnet8").string()});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["totals"]["params"] == 77658);
  CHECK(j["totals"]["macs"] == 9345920);
  CHECK(j["op_histogram"]["Add"] == 3);
  CHECK(j["unsupported_ops"].empty());
  CHECK(j["layers"].size() == 31);
}

TEST_CASE("usage errors exit 1, bad option values 2, each with one tinyc: error: line") {
  for (const auto& args : std::vector<std::vector<std::string>>{{}, {"inspect"}, {"inspect", "--no-such-flag", "x.onnx"}}) {
    const auto r = run_tinyc(args);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.rfind("tinyc: error: ", 0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  for (const auto& args : std::vector<std::vector<std::string>>{{"compress", "x.onnx", "--calib-method", "bogus"},
                                                                  {"compress", "x.onnx", "--calib-samples", "0"},
                                                                  {"run", "x.onnx", "--batch", "many"}}) {
    const auto r = run_tinyc(args);
    INFO("a value the option cannot take is bad input, exit 2: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("tinyc: error: ", 0) == 0);
    CHECK(r.err.find(args[2]) != std::string::npos);
  }
  auto help = run_tinyc({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("inspect") != std::string::npos);
}

TEST_CASE("tinyc --version names the instruction set the int8 kernels run on") {
  auto r = run_tinyc({"--version"});
  CHECK(r.exit_code == 0);
  const std::string expected = std::string("(int8 kernels: ") +
                               tinyc::exec::isa_name(tinyc::exec::detected_isa()) + ")";
  CHECK(r.out.rfind("tinyc ", 0) == 0);
  CHECK(r.out.find(expected) != std::string::npos);
}

TEST_CASE("a missing model file is one line, exit 2") {
  auto r = run_tinyc({"inspect", "/nonexistent/model.onnx"});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("does not exist") != std::string::npos);
}

TEST_CASE("a file that is not ONNX, or is truncated, is one line, exit 2") {
  TempDir dir;
  write_bytes(dir.path() / "notes.onnx", "this is a text file, not a model\n");
  auto r = run_tinyc({"inspect", (dir.path() / "notes.onnx").string()});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);

  const std::string bytes = read_bytes(corpus_model_path("digits_cnn"));
  write_bytes(dir.path() / "cut.onnx", bytes.substr(0, bytes.size() / 2));
  r = run_tinyc({"inspect", (dir.path() / "cut.onnx").string()});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("truncated") != std::string::npos);
}

TEST_CASE("inspect and compress: --max-tensor-bytes refuses a model with a larger tensor: one line, exit 2, and the default takes it") {
  const std::string model = corpus_model_path("digits_mlp").string();
  auto r = run_tinyc({"inspect", model, "--max-tensor-bytes", "1000"});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("above the limit of 1000 bytes per tensor; raise it with --max-tensor-bytes") != std::string::npos);
  r = run_tinyc({"compress", model, "--max-tensor-bytes", "0"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "tinyc: error: --max-tensor-bytes must be at least 1 (got 0)\n");
  CHECK(run_tinyc({"inspect", model}).exit_code == 0);
}

TEST_CASE("unsupported ops are all listed, each with a node name, exit 2") {
  tinyc::ir::Graph g;
  g.opset_imports[""] = 13;
  auto* x = g.add_input("x", tinyc::ir::DType::Float32, {1, 4});
  auto* a = g.add_node("Relu", {x}, {"a"}, "relu0");
  auto* b = g.add_node("Einsum", {a->output(0)}, {"b"}, "einsum_node");
  auto* c = g.add_node("Hardmax", {b->output(0)}, {"c"}, "hardmax_node");
  auto* d = g.add_node("Einsum", {c->output(0)}, {"d"}, "einsum_again");
  g.add_output(d->output(0));
  TempDir dir;
  tinyc::onnx_format::export_model_file(g, dir.path() / "odd.onnx");
  auto r = run_tinyc({"inspect", (dir.path() / "odd.onnx").string()});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("Einsum (node einsum_node)") != std::string::npos);
  CHECK(r.err.find("Hardmax (node hardmax_node)") != std::string::npos);
  CHECK(r.out.find("unsupported ops:") != std::string::npos);
}

TEST_CASE("a malformed --input-shape is one line, exit 2") {
  auto r = run_tinyc({"inspect", "--input-shape", "input:1xAx8", corpus_model_path("digits_mlp").string()});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
}

// ONNX import + export checked by an independent runtime: every corpus model, after a trip through
// tinyc's IR, must give ONNX Runtime bit-identical outputs to the original (tests/ort/ort_compare.js).
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "formats/onnx/export.h"
#include "formats/onnx/import.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kSourceDir = TINYC_SOURCE_DIR;
const fs::path kCorpusDir = TINYC_CORPUS_DIR;
constexpr int kRowsPerModel = 64;

// A fresh folder under the system temp dir, deleted with its contents when the test leaves scope.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "tinyc_ort_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) FAIL("cannot create a temp folder from " << pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// What one run of ort_compare.js returned.
struct ScriptRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Fails the test (never skips it) when the reference runtime is not installed.
void require_ort_installed() {
  const fs::path package = kSourceDir / ".tinyc-tools/ort/node_modules/onnxruntime-node/package.json";
  if (!fs::exists(package)) {
    FAIL("ONNX Runtime is not installed (" << package.string()
                                           << " is missing): run scripts/install_onnxruntime.sh");
  }
}

// Runs `node tests/ort/ort_compare.js <args...>` (node found on PATH).
ScriptRun run_ort_compare(const std::vector<fs::path>& args, const fs::path& scratch) {
  require_ort_installed();
  const fs::path err_file = scratch / "ort_compare.stderr";
  std::string command = "node " + shell_quote((kSourceDir / "tests/ort/ort_compare.js").string());
  for (const fs::path& arg : args) command += " " + shell_quote(arg.string());
  command += " 2>" + shell_quote(err_file.string());

  ScriptRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) FAIL("cannot start: " << command);
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = read_text(err_file);
  if (run.exit_code == 127) FAIL("node is not on PATH: run scripts/install_onnxruntime.sh");
  return run;
}

// Compares two models on the first kRowsPerModel rows of `inputs`; returns the script's JSON summary.
json compare_models(const fs::path& a, const fs::path& b, const fs::path& inputs, const fs::path& scratch) {
  const ScriptRun run = run_ort_compare({a, b, inputs, std::to_string(kRowsPerModel)}, scratch);
  INFO("ort_compare.js stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  return json::parse(run.out);
}

json read_manifest() { return json::parse(read_text(kCorpusDir / "manifest.json")); }

fs::path model_path(const std::string& name) { return kCorpusDir / "models" / (name + ".onnx"); }

}  // namespace

TEST_CASE("ONNX Runtime gives bit-identical outputs for every corpus model after import and export") {
  const json models = read_manifest().at("models");
  REQUIRE(models.size() >= 7);
  for (const auto& [name, info] : models.items()) {
    DYNAMIC_SECTION("model " << name) {
      ScratchDir scratch;
      const fs::path original = kCorpusDir / info.at("file").get<std::string>();
      const fs::path exported = scratch.path() / (name + ".onnx");
      const auto imported = tinyc::onnx_format::import_model_file(original);
      REQUIRE(imported.graph != nullptr);
      tinyc::onnx_format::export_model_file(*imported.graph, exported);

      const json summary =
          compare_models(original, exported, kCorpusDir / info.at("eval_data").get<std::string>(),
                         scratch.path());
      INFO("summary: " << summary.dump());
      CHECK(summary.at("rows") == kRowsPerModel);
      CHECK(summary.at("identical") == true);
      CHECK(summary.at("max_abs_diff") == 0.0);
      CHECK(summary.at("argmax_agreement") == 1.0);
    }
  }
}

TEST_CASE("The ONNX Runtime comparison tells equal models from different ones") {
  ScratchDir scratch;
  const fs::path digits = kCorpusDir / "data/digits_test.npy";

  SECTION("a model against itself is identical") {
    const json same = compare_models(model_path("digits_mlp"), model_path("digits_mlp"), digits,
                                     scratch.path());
    CHECK(same.at("identical") == true);
    CHECK(same.at("max_abs_diff") == 0.0);
  }
  SECTION("two differently trained models are not identical but mostly agree") {
    const json other = compare_models(model_path("digits_mlp"), model_path("digits_cnn"), digits,
                                      scratch.path());
    INFO("summary: " << other.dump());
    CHECK(other.at("rows") == kRowsPerModel);
    CHECK(other.at("identical") == false);
    // Logits of unrelated networks differ by whole units; both are ~98 % accurate, so top-1 mostly agrees.
    CHECK(other.at("max_abs_diff").get<double>() > 1.0);
    CHECK(other.at("argmax_agreement").get<double>() < 1.0);
    CHECK(other.at("argmax_agreement").get<double>() > 0.8);
  }
  SECTION("non-float32 inputs are rejected as bad input") {
    const ScriptRun run = run_ort_compare(
        {model_path("digits_mlp"), model_path("digits_mlp"), kCorpusDir / "data/digits_test_labels.npy"},
        scratch.path());
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("'<i8' is not supported") != std::string::npos);
    CHECK(run.out.empty());
  }
}

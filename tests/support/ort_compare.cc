// ONNX Runtime comparison through node (see ort_compare.h).
#include "support/ort_compare.h"

#include <catch2/catch.hpp>

#include <string>

namespace tinyc::test {

namespace fs = std::filesystem;

CommandResult run_ort_compare(const std::vector<fs::path>& args) {
  const fs::path source = TINYC_SOURCE_DIR;
  const fs::path package = source / ".tinyc-tools/ort/node_modules/onnxruntime-node/package.json";
  if (!fs::exists(package))
    FAIL("ONNX Runtime is not installed (" << package.string() << " is missing): run scripts/install_onnxruntime.sh");
  std::vector<std::string> argv = {"node", (source / "tests/ort/ort_compare.js").string()};
  for (const fs::path& arg : args) argv.push_back(arg.string());
  const CommandResult run = run_command(argv);
  if (run.exit_code == 127) FAIL("node is not on PATH: run scripts/install_onnxruntime.sh");
  return run;
}

nlohmann::json ort_compare(const fs::path& a, const fs::path& b, const fs::path& inputs, int rows) {
  const CommandResult run = run_ort_compare({a, b, inputs, std::to_string(rows)});
  INFO("ort_compare.js stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  return nlohmann::json::parse(run.out);
}

}  // namespace tinyc::test

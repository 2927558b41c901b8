// tflm_run from tests on emitted quantized graphs: run, parse, compare with tinyc's executor.
#include "tflm_judge.h"

#include <catch2/catch.hpp>

#include "exec/executor.h"
#include "int8_rows.h"
#include "io/npy.h"
#include "support/test_support.h"

namespace tinyc::tflite_test {

TflmFacts tflm_facts(TflmBuild build, const std::filesystem::path& model, const std::vector<std::string>& args) {
  const std::filesystem::path tools = std::filesystem::path(TINYC_SOURCE_DIR) / ".." / "shared" / "tools" / "tflm";
  std::vector<std::string> argv = {(tools / (build == TflmBuild::Reference ? "tflm_run" : "tflm_run_cmsis_nn")).string(),
                                   model.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const test::CommandResult r = test::run_command(argv);
  return {r.exit_code, nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false), r.err};
}

nlohmann::json check_graph_bit_exact(const ir::Graph& g, const ir::Tensor& rows, const std::filesystem::path& dir,
                                     const std::string& name, TflmBuild build,
                                     const tflite_format::EmitOptions& options) {
  const auto model = dir / (name + ".tflite");
  const auto inputs = dir / (name + ".in.npy");
  const auto outputs = dir / (name + ".out.npy");
  tflite_format::emit_tflite_file(g, model, options);
  io::write_npy(inputs, int8_nhwc(rows, input_params(g)));
  const TflmFacts run = tflm_facts(build, model, {"--input", inputs.string(), "--output", outputs.string(), "--no-min-arena"});
  INFO("tflm_run on " << name << ": " << run.err << run.facts.dump());
  REQUIRE(run.exit_code == 0);
  REQUIRE(run.facts.is_object());
  CHECK(run.facts["verifier_ok"] == true);
  const ir::Tensor tinyc_out = int8_of(exec::Executor(g).run({rows}).front(), output_params(g));
  const ir::Tensor tflm_out = io::read_npy(outputs);
  REQUIRE(tflm_out.dtype() == ir::DType::Int8);
  const auto t = tinyc_out.values<int8_t>();
  const auto m = tflm_out.values<int8_t>();
  REQUIRE(t.size() == m.size());
  size_t differ = 0;
  for (size_t i = 0; i < t.size(); ++i) differ += t[i] != m[i];
  INFO(differ << " of " << t.size() << " outputs differ");
  CHECK(differ == 0);
  return run.facts;
}

}  // namespace tinyc::tflite_test

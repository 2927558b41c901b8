// Emitted quantized graphs in TFLM vs tinyc's executor on the graph.
#include "tflm_judge.h"

#include <catch2/catch.hpp>

#include "exec/executor.h"
#include "int8_rows.h"
#include "io/npy.h"

namespace tinyc::tflite_test {

nlohmann::json check_graph_bit_exact(const ir::Graph& g, const ir::Tensor& rows, const std::filesystem::path& dir,
                                     const std::string& name, TflmKernels kernels,
                                     const tflite_format::EmitOptions& options) {
  const auto model = dir / (name + ".tflite");
  const auto inputs = dir / (name + ".in.npy");
  tflite_format::emit_tflite_file(g, model, options);
  io::write_npy(inputs, int8_nhwc(rows, input_params(g)));
  const TflmResult tflm = run_tflm(model, inputs, dir, kernels);
  INFO("tflm_run on " << name << ": " << tflm.err << tflm.facts.dump());
  REQUIRE(tflm.exit_code == 0);
  CHECK(tflm.facts["verifier_ok"] == true);
  const ir::Tensor tinyc_out = int8_of(exec::Executor(g).run({rows}).front(), output_params(g));
  INFO(difference(tinyc_out, tflm.output));
  CHECK(same_bytes(tinyc_out, tflm.output));
  return tflm.facts;
}

}  // namespace tinyc::tflite_test

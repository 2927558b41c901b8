// Float executor throughput on one model and data set: prints one JSON line for run_throughput.sh.
// The model runs after tinyc's default folding pipeline (BatchNorm and activations folded into the
// Conv), as ONNX Runtime runs it after its own default graph optimizations.
//   tinyc_throughput <model.onnx> <data.npy> <threads> <rows_per_chunk> [repeats]
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "exec/executor.h"
#include "exec/input_data.h"
#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "ir/error.h"
#include "passes/default_pipelines.h"
#include "passes/pass_manager.h"
#include "passes/pipeline.h"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: tinyc_throughput <model.onnx> <data.npy> <threads> <rows_per_chunk> [repeats]\n";
    return 1;
  }
  try {
    auto graph = tinyc::onnx_format::import_model_file(argv[1]).graph;
    tinyc::exec::infer_shapes(*graph);
    tinyc::passes::run_pipeline(*graph, tinyc::passes::parse_pipeline(tinyc::passes::default_folding_pipeline()), {});
    const tinyc::ir::Tensor rows = tinyc::exec::as_input_rows(*graph->inputs()[0], tinyc::io::read_npy(argv[2]), argv[2]);
    const int threads = std::stoi(argv[3]);
    const int64_t chunk = std::stoll(argv[4]);
    const int repeats = argc > 5 ? std::stoi(argv[5]) : 3;
    tinyc::exec::Executor executor(*graph, {threads, chunk});
    executor.run({rows});  // warm-up: compiles the stacked programs
    double best = 1e300;
    for (int r = 0; r < repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      executor.run({rows});
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    const int64_t n = rows.shape()[0];
    std::cout << nlohmann::json{{"rows", n}, {"seconds", best}, {"samples_per_s", n / best},
                                {"stacked", executor.stacks_rows()}, {"arena_bytes", executor.memory_plan().arena_bytes}}
                     .dump()
              << "\n";
  } catch (const std::exception& e) {
    std::cerr << "tinyc_throughput: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

// Executor throughput on one model and data set: prints one JSON line for run_throughput.sh. An
// ONNX model runs in float after tinyc's default folding pipeline (BatchNorm and activations folded
// into the Conv), as ONNX Runtime runs it after its own default graph optimizations; a .tflite file
// (tinyc's int8 output) runs as written. Best of `repeats` timed runs after a warm-up, as
// ort_throughput.js times ONNX Runtime.
//   tinyc_throughput <model.onnx|model.tflite> <data.npy> <threads> <rows_per_chunk> [repeats]
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "exec/executor.h"
#include "exec/input_data.h"
#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "formats/tflite/import.h"
#include "io/npy.h"
#include "ir/error.h"
#include "passes/default_pipelines.h"
#include "passes/pass_manager.h"
#include "passes/pipeline.h"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: tinyc_throughput <model.onnx|model.tflite> <data.npy> <threads> <rows_per_chunk> [repeats]\n";
    return 1;
  }
  try {
    const std::filesystem::path model = argv[1];
    std::unique_ptr<tinyc::ir::Graph> graph;
    if (model.extension() == ".tflite") {
      graph = tinyc::tflite_format::import_tflite_file(model);
      tinyc::exec::infer_shapes(*graph);
    } else {
      graph = tinyc::onnx_format::import_model_file(model).graph;
      tinyc::exec::infer_shapes(*graph);
      tinyc::passes::run_pipeline(*graph, tinyc::passes::parse_pipeline(tinyc::passes::default_folding_pipeline()),
                                  {});
    }
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

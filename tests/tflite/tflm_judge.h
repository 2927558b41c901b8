// The real TensorFlow Lite Micro interpreter (../shared/tools/tflm, a tool beside the project) as
// the judge of blobs emitted from quantized graphs: bit-equal outputs with tinyc's int8 executor on
// the graph itself, and the arena TFLM sets up.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/tflite/emit.h"
#include "ir/graph.h"
#include "ir/tensor.h"

namespace tinyc::tflite_test {

// Which TFLM build judges: the reference kernels or the CMSIS-NN kernels.
enum class TflmBuild { Reference, CmsisNn };

// tflm_run's exit code, its JSON facts (verifier result, arena breakdown, ...) and its stderr.
struct TflmFacts {
  int exit_code = 0;
  nlohmann::json facts;
  std::string err;
};

// Runs tflm_run (or tflm_run_cmsis_nn) on `model` with extra arguments.
TflmFacts tflm_facts(TflmBuild build, const std::filesystem::path& model, const std::vector<std::string>& args);

// Emits `g` (an int8-interface quantized graph) with `options` into `dir`, runs `rows` (float
// NCHW, dim 0 = rows) through TFLM and through tinyc's int8 executor on `g`, and checks that TFLM
// verified the file and that every output is bit-equal. Returns TFLM's facts.
nlohmann::json check_graph_bit_exact(const ir::Graph& g, const ir::Tensor& rows, const std::filesystem::path& dir,
                                     const std::string& name, TflmBuild build,
                                     const tflite_format::EmitOptions& options = {});

}  // namespace tinyc::tflite_test

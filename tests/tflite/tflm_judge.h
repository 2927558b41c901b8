// TensorFlow Lite Micro as the judge of blobs emitted from quantized graphs: bit-equal outputs with
// tinyc's int8 executor on the graph itself (no import in between), and the arena TFLM sets up.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "formats/tflite/emit.h"
#include "ir/graph.h"
#include "ir/tensor.h"
#include "tflm_runner.h"

namespace tinyc::tflite_test {

// Emits `g` (an int8-interface quantized graph) with `options` into `dir`, runs `rows` (float
// NCHW, dim 0 = rows) through TFLM and through tinyc's int8 executor on `g`, and checks that TFLM
// verified the file and that every output is bit-equal. Returns TFLM's facts.
nlohmann::json check_graph_bit_exact(const ir::Graph& g, const ir::Tensor& rows, const std::filesystem::path& dir,
                                     const std::string& name, TflmKernels kernels,
                                     const tflite_format::EmitOptions& options = {});

}  // namespace tinyc::tflite_test

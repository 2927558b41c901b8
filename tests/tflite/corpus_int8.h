// A corpus model as tinyc's default int8 pipeline leaves it (the quantized IR the emitter writes),
// for tests that judge emitted blobs with another runtime.
#pragma once

#include <memory>
#include <string>

#include "ir/graph.h"
#include "passes/default_pipelines.h"

namespace tinyc::tflite_test {

// Imports ../shared/corpus/models/<name>.onnx, infers shapes and runs the default int8 pipeline
// calibrated on the model's calibration rows (the corpus manifest names them), with the weight
// choice `weights` (scales, bits, rounding).
std::unique_ptr<ir::Graph> corpus_int8_graph(const std::string& name, const passes::WeightChoice& weights = {});

}  // namespace tinyc::tflite_test

// A corpus model as tinyc's default int8 pipeline leaves it (the quantized IR the emitter writes),
// for tests that judge emitted blobs with another runtime.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ir/graph.h"

namespace tinyc::tflite_test {

// Imports ../shared/corpus/models/<name>.onnx, infers shapes and runs the default int8 pipeline
// calibrated on the model's calibration rows (the corpus manifest names them), with the weight
// scales `weight_scales` (a quantize_int8 weight_scales word).
std::unique_ptr<ir::Graph> corpus_int8_graph(const std::string& name, std::string_view weight_scales = "per_channel");

}  // namespace tinyc::tflite_test

// Reads a .tflite file back into a plain summary (ops, tensors, quantization, sizes): what
// `tinyc inspect model.tflite` prints and what tests check an emitted file against.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tinyc::tflite_format {

// One tensor of the main subgraph.
struct TensorSummary {
  std::string name;
  std::string type;  // "INT8", "FLOAT32", ...
  std::vector<int32_t> shape;
  std::vector<float> scale;         // empty when not quantized
  std::vector<int64_t> zero_point;
  int32_t quantized_dimension = 0;
  uint32_t buffer = 0;
  size_t data_bytes = 0;  // 0 for activations
};

// One operator, in execution order.
struct OperatorSummary {
  std::string op;  // builtin name ("CONV_2D"), "BUILTIN_<code>" for codes tinyc does not know, or the custom code
  int32_t builtin_code = 0;
  int32_t version = 1;
  std::vector<int32_t> inputs;  // tensor indices; -1 = omitted optional input
  std::vector<int32_t> outputs;
};

// The whole model.
struct TfliteSummary {
  uint32_t schema_version = 0;
  std::string description;
  size_t file_bytes = 0;
  size_t constant_bytes = 0;  // sum of the buffers' data (each stored buffer once)
  size_t quantization_bytes = 0;  // the scale and zero point lists' data (each stored list once)
  size_t buffer_count = 0;
  size_t subgraph_count = 0;  // the summary describes the first (main) one
  std::vector<TensorSummary> tensors;
  std::vector<OperatorSummary> operators;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  // name -> the buffer's bytes when they are printable ASCII, else a description ("arena plan, 12
  // tensor offsets", "<40 bytes of binary data>")
  std::vector<std::pair<std::string, std::string>> metadata;
};

// Runs the FlatBuffers verifier first and checks every index (operator code, tensor, buffer) is in
// range; InputError "not a valid .tflite file: ..." when either fails, so garbage never crashes.
TfliteSummary read_tflite_bytes(std::string_view bytes);

// Same, from a file (InputError for a missing or unreadable one).
TfliteSummary read_tflite_file(const std::filesystem::path& path);

}  // namespace tinyc::tflite_format

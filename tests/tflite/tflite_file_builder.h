// Hand-built .tflite files for tests (the schema's generated object API): models tinyc's emitter
// never writes, to check the importer's layout and refusal paths against TFLite Micro.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "formats/tflite/tinyc_tflite_generated.h"

namespace tinyc::tflite_test {

// One subgraph built tensor by tensor and operator by operator.
class TfliteFileBuilder {
 public:
  TfliteFileBuilder();

  // A tensor with optional per-tensor quantization and optional constant data (raw little-endian
  // bytes of `type`); returns its index.
  int32_t tensor(const std::string& name, tflite_fb::TensorType type, const std::vector<int32_t>& shape,
                 std::optional<std::pair<float, int64_t>> quant = std::nullopt, const std::vector<uint8_t>& data = {});
  // An int8 tensor at (scale, zero point), with data when given.
  int32_t int8(const std::string& name, const std::vector<int32_t>& shape, float scale, int64_t zero_point,
               const std::vector<int8_t>& data = {});
  // An int32 constant (shapes, axes, permutations, paddings, biases without quantization).
  int32_t int32(const std::string& name, const std::vector<int32_t>& shape, const std::vector<int32_t>& data);
  // An operator with builtin `code` (its code entry is added once).
  void op(int32_t code, const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs,
          tflite_fb::BuiltinOptionsUnion options = {});
  void interface(const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs);

  // The model as .tflite bytes (identifier TFL3).
  std::string bytes() const;

 private:
  tflite_fb::ModelT model_;
};

}  // namespace tinyc::tflite_test

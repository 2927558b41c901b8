// Collects the tensors, buffers, operator codes and operators of one .tflite model and serializes
// them; the lowering decides what goes in, this class only keeps the file's bookkeeping right.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "formats/tflite/tinyc_tflite_generated.h"
#include "ir/dtype.h"
#include "ir/quant_params.h"
#include "ir/shape.h"

namespace tinyc::tflite_format {

namespace fb = tflite_fb;

// One subgraph ("main") plus the model-level tables. Buffer 0 is the empty sentinel; identical
// constant data is stored once; operator codes are listed in order of first use. Everything is
// kept in insertion order, so the same calls give the same bytes.
class ModelBuilder {
 public:
  // `one_zero_point_when_equal`: zero points that are all equal are written once.
  explicit ModelBuilder(bool one_zero_point_when_equal);

  // Adds a tensor; `data` empty means no buffer (an activation). `quant` (optional) is written
  // with `quantized_dimension`, the TFLite axis its per-channel entries run along (TFLite readers
  // repeat a single zero point for every channel).
  int32_t add_tensor(const std::string& name, ir::DType dtype, const ir::Shape& shape,
                     const std::optional<ir::QuantParams>& quant, int64_t quantized_dimension,
                     std::span<const uint8_t> data);

  void add_operator(fb::BuiltinOperator code, int32_t version, std::vector<int32_t> inputs,
                    std::vector<int32_t> outputs, fb::BuiltinOptionsUnion options);

  void set_inputs(std::vector<int32_t> tensors) { subgraph().inputs = std::move(tensors); }
  void set_outputs(std::vector<int32_t> tensors) { subgraph().outputs = std::move(tensors); }
  void add_metadata(const std::string& name, std::string_view bytes);

  // Names are taken out of every tensor except the model's inputs and outputs, and out of the subgraph.
  void strip_names();

  // The model so far, for passes over the whole file (operator order, memory plan).
  fb::ModelT& model() { return model_; }

  // The finished file: identifier "TFL3", schema version 3, every buffer's data 4-byte aligned, and
  // `description` unless it is empty.
  std::string finish(const std::string& description);

 private:
  fb::SubGraphT& subgraph() { return *model_.subgraphs.front(); }
  uint32_t add_buffer(std::span<const uint8_t> data);

  bool one_zero_point_when_equal_;
  fb::ModelT model_;
  std::map<std::pair<int32_t, int32_t>, uint32_t> opcode_index_;  // (builtin code, version)
  std::unordered_map<std::string, uint32_t> buffer_index_;        // data bytes -> buffer
};

// The TFLite element type of a DType; InputError for types a .tflite tensor cannot hold.
fb::TensorType tensor_type_of(ir::DType dtype);

}  // namespace tinyc::tflite_format

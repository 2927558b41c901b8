// Shared steps of the QDQ writer tests: quantized corpus models, an index of a written file's
// nodes and tensors, and ONNX Runtime runs of a written file.
#pragma once

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::qdq_test {

// The corpus model `name` through the default int8 pipeline, calibrated on its manifest
// calibration rows.
std::unique_ptr<ir::Graph> quantized_corpus_model(const std::string& name);

// Producers, readers, initializers and element types of a written model, by value name.
struct FileIndex {
  explicit FileIndex(const onnx::ModelProto& model);
  // The node producing `name`, or nullptr for initializers, graph inputs and unknown names.
  const onnx::NodeProto* producer(const std::string& name) const;
  std::vector<const onnx::NodeProto*> readers(const std::string& name) const;
  // The initializer's data; fails the test when there is no initializer of that name.
  ir::Tensor initializer(const std::string& name) const;
  bool is_initializer(const std::string& name) const { return initializers_.count(name) > 0; }
  // ONNX element type from inputs, value_info, outputs or initializers; 0 when the file has none.
  int32_t elem_type(const std::string& name) const;

 private:
  std::map<std::string, const onnx::NodeProto*> producers_;
  std::map<std::string, std::vector<const onnx::NodeProto*>> readers_;
  std::map<std::string, const onnx::TensorProto*> initializers_;
  std::map<std::string, int32_t> elem_types_;
};

// Checks a written file against the quantized graph it was written from: every int8 activation is
// produced by a QuantizeLinear with its parameters and read only by DequantizeLinear nodes; only
// QuantizeLinear / DequantizeLinear touch int8 and int32 tensors and every value has a type; each
// Conv / Gemm reads an int8 weight through a DequantizeLinear on the weight's axis with its
// per-channel scales, and an int32 bias through one at s_in * s_w[c]; a fused activation is a
// Relu or Clip before the output's QuantizeLinear; no tinyc attribute is written. Returns the
// number of Conv / Gemm nodes checked.
int check_qdq_structure(const ir::Graph& g, const onnx::ModelProto& model);

// The int attribute `name` of a node, or `fallback`.
int64_t int_attr(const onnx::NodeProto& node, const std::string& name, int64_t fallback);

// Runs `model` in ONNX Runtime on the first `rows` rows of `inputs` (tests/ort/ort_compare.js --run)
// and returns its single output, rows stacked along dim 0.
ir::Tensor run_in_ort(const std::filesystem::path& model, const std::filesystem::path& inputs, int rows);

}  // namespace tinyc::qdq_test

// Builders shared by the ONNX format tests: hand-built ModelProtos and writing them to files.
#pragma once

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tinyc::onnx_test {

// An empty model as a 2020-era exporter writes it: IR version 7, opset 13, graph "test".
onnx::ModelProto empty_model();

// Declares a graph input; each dim is a number ("3", "-1"), a symbolic name ("N") or "?" (unknown).
void add_input(onnx::GraphProto& g, const std::string& name, const std::vector<std::string>& dims,
               int32_t elem_type = onnx::TensorProto::FLOAT);
void add_output(onnx::GraphProto& g, const std::string& name);
onnx::NodeProto& add_node(onnx::GraphProto& g, const std::string& op_type, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs, const std::string& name = "");
// A float32 initializer stored as raw_data.
onnx::TensorProto& add_float_initializer(onnx::GraphProto& g, const std::string& name, const std::vector<int64_t>& dims,
                                         const std::vector<float>& values);

// y = Add(x, w) with x declared [1, 4] and w a float32 [4] initializer: a base for data fixtures.
onnx::ModelProto add_model(const std::vector<float>& w = {1, 2, 3, 4});

std::string serialize(const onnx::ModelProto& model);
// Writes the model to dir/file_name and returns the path.
std::filesystem::path write_model(const std::filesystem::path& dir, const onnx::ModelProto& model,
                                  const std::string& file_name = "model.onnx");
}  // namespace tinyc::onnx_test

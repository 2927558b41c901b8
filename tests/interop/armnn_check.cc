// armnn_check: runs a .tflite file with Arm NN (TfLiteParser, CpuRef backend), an inference engine
// independent of tinyc, so tests can compare what tinyc's int8 executor computes with what another
// TFLite runtime computes from the emitted file.
//
// Usage: armnn_check <model.tflite> <inputs.npy> <outputs.npy> [--backend-dir <dir>]
// The model has one input and one output with batch 1. inputs.npy holds N rows, each exactly the
// model's input tensor (its element type and NHWC layout); the outputs of the N runs are written
// stacked as [N, <output shape without its batch dim>] in the output's element type.
// Exit codes: 0 ok, 1 usage, 2 bad input or an Arm NN failure.
#include <armnn/ArmNN.hpp>
#include <armnnTfLiteParser/ITfLiteParser.hpp>

#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "io/npy.h"
#include "ir/error.h"

namespace {

using tinyc::InputError;

// The IR element type of an Arm NN tensor; InputError for types the check does not handle.
tinyc::ir::DType dtype_of(const armnn::TensorInfo& info) {
  switch (info.GetDataType()) {
    case armnn::DataType::Float32: return tinyc::ir::DType::Float32;
    case armnn::DataType::QAsymmS8:
    case armnn::DataType::QSymmS8: return tinyc::ir::DType::Int8;
    case armnn::DataType::QAsymmU8: return tinyc::ir::DType::UInt8;
    case armnn::DataType::Signed32: return tinyc::ir::DType::Int32;
    default: throw InputError("unsupported Arm NN tensor data type " + std::to_string(static_cast<int>(info.GetDataType())));
  }
}

// The output rows' shape: N, then the output's dims after its batch dim.
tinyc::ir::Shape stacked_shape(const armnn::TensorInfo& info, int64_t rows) {
  tinyc::ir::Shape shape{rows};
  const armnn::TensorShape& dims = info.GetShape();
  for (unsigned int d = 1; d < dims.GetNumDimensions(); ++d) shape.push_back(dims[d]);
  return shape;
}

struct Args {
  std::string model, inputs, outputs;
  std::string backend_dir = TINYC_ARMNN_BACKEND_DIR;
};

Args parse_args(int argc, char** argv) {
  Args args;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--backend-dir" && i + 1 < argc)
      args.backend_dir = argv[++i];
    else
      positional.push_back(a);
  }
  if (positional.size() != 3) throw std::invalid_argument("usage");
  args.model = positional[0];
  args.inputs = positional[1];
  args.outputs = positional[2];
  return args;
}

void run(const Args& args) {
  auto parser = armnnTfLiteParser::ITfLiteParser::Create();
  armnn::INetworkPtr network = parser->CreateNetworkFromBinaryFile(args.model.c_str());
  const std::vector<std::string> in_names = parser->GetSubgraphInputTensorNames(0);
  const std::vector<std::string> out_names = parser->GetSubgraphOutputTensorNames(0);
  if (in_names.size() != 1 || out_names.size() != 1)
    throw InputError("armnn_check handles models with one input and one output");
  const armnnTfLiteParser::BindingPointInfo in = parser->GetNetworkInputBindingInfo(0, in_names[0]);
  const armnnTfLiteParser::BindingPointInfo out = parser->GetNetworkOutputBindingInfo(0, out_names[0]);

  armnn::IRuntime::CreationOptions options;
  options.m_DynamicBackendsPath = args.backend_dir;
  armnn::IRuntimePtr runtime = armnn::IRuntime::Create(options);
  std::vector<std::string> messages;
  armnn::IOptimizedNetworkPtr optimized =
      armnn::Optimize(*network, {armnn::Compute::CpuRef}, runtime->GetDeviceSpec(), armnn::OptimizerOptions(),
                      armnn::Optional<std::vector<std::string>&>(messages));
  if (!optimized) {
    std::string why;
    for (const std::string& m : messages) why += " " + m;
    throw InputError("Arm NN could not optimize the network for CpuRef:" + why);
  }
  armnn::NetworkId id = 0;
  std::string load_error;
  if (runtime->LoadNetwork(id, std::move(optimized), load_error) != armnn::Status::Success)
    throw InputError("Arm NN could not load the network: " + load_error);

  const tinyc::ir::Tensor inputs = tinyc::io::read_npy(args.inputs);
  const size_t row_bytes = in.second.GetNumBytes();
  if (inputs.dtype() != dtype_of(in.second) || inputs.shape().empty() || inputs.byte_size() % row_bytes != 0)
    throw InputError(args.inputs + ": expected rows of " + std::to_string(in.second.GetNumElements()) + " " +
                     std::string(tinyc::ir::dtype_name(dtype_of(in.second))) + " values");
  const auto rows = static_cast<int64_t>(inputs.byte_size() / row_bytes);
  tinyc::ir::Tensor outputs(dtype_of(out.second), stacked_shape(out.second, rows));
  const size_t out_bytes = out.second.GetNumBytes();
  std::vector<uint8_t> in_row(row_bytes), out_row(out_bytes);
  for (int64_t r = 0; r < rows; ++r) {
    std::memcpy(in_row.data(), inputs.bytes().data() + static_cast<size_t>(r) * row_bytes, row_bytes);
    const armnn::InputTensors in_tensors{{in.first, armnn::ConstTensor(in.second, in_row.data())}};
    const armnn::OutputTensors out_tensors{{out.first, armnn::Tensor(out.second, out_row.data())}};
    if (runtime->EnqueueWorkload(id, in_tensors, out_tensors) != armnn::Status::Success)
      throw InputError("Arm NN failed to run row " + std::to_string(r));
    std::memcpy(outputs.mutable_bytes().data() + static_cast<size_t>(r) * out_bytes, out_row.data(), out_bytes);
  }
  tinyc::io::write_npy(args.outputs, outputs);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  try {
    args = parse_args(argc, argv);
  } catch (const std::invalid_argument&) {
    std::cerr << "usage: armnn_check <model.tflite> <inputs.npy> <outputs.npy> [--backend-dir <dir>]\n";
    return 1;
  }
  try {
    run(args);
  } catch (const std::exception& e) {  // Arm NN reports parse and layer-support problems as exceptions
    std::cerr << "armnn_check: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

// The state of one .tflite -> ir::Graph import: the file's tensors as IR values (rank-4 tensors NCHW,
// constants created and re-laid out on first use), names, and the node-building and layout helpers
// the per-op importers share.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "formats/tflite/tinyc_tflite_generated.h"
#include "ir/graph.h"

namespace tinyc::tflite_format {

namespace fb = tflite_fb;

// One operator of the file as the per-op importers read it.
struct FileOp {
  const fb::Operator* op = nullptr;
  size_t index = 0;              // position in the subgraph's execution order
  int32_t code = 0;              // builtin code
  std::string name;              // "CONV_2D"
  std::vector<int32_t> inputs;   // tensor indices; -1 = omitted optional input
  std::vector<int32_t> outputs;
};

// One file tensor's facts, read once.
struct FileTensor {
  std::string name;  // the file's name, or "tensor_<index>"
  int32_t type = 0;  // the raw TensorType
  ir::Shape shape;   // the file's shape (NHWC for rank-4 activations)
  std::optional<ir::QuantParams> quant;  // axis = quantized_dimension; one zero point per scale
  const flatbuffers::Vector<uint8_t>* data = nullptr;  // constant data, or nullptr
  // int8 weights of an op on float activations (a "hybrid" file): read as float32 scale * (q - zero_point)
  // with these parameters (`quant` is then empty: the IR value is a float constant).
  std::optional<ir::QuantParams> dequantize;
  bool is_variable = false;  // state TFLM keeps between runs
};

// The IR element type of a TFLite TensorType; nullopt for types the importer does not take.
std::optional<ir::DType> ir_dtype_of(int32_t tensor_type);
// "INT8", "TYPE_17" for types this schema does not name.
std::string tensor_type_name(int32_t tensor_type);

// Maps file tensors to IR values while the per-op importers build the graph.
class ImportContext {
 public:
  // Reads every tensor's facts (InputError for malformed quantization) and the readers of each.
  ImportContext(const fb::Model& model, ir::Graph& g);

  // --- the file
  const FileTensor& tensor(int32_t t) const { return tensors_.at(static_cast<size_t>(t)); }
  size_t tensor_count() const { return tensors_.size(); }
  // The tensor's IR dtype; InputError naming it for a type the importer does not take.
  ir::DType dtype(int32_t t) const;
  // The constant's data in the file's shape and order; InputError when the tensor has none.
  ir::Tensor file_data(int32_t t) const;
  bool has_data(int32_t t) const { return tensor(t).data != nullptr; }
  // The operators reading tensor t: (operator index, input slot).
  const std::vector<std::pair<size_t, size_t>>& readers(int32_t t) const;
  const FileOp& op(size_t index) const { return ops_.at(index); }
  // True when tensor t is one of the subgraph's outputs.
  bool is_model_output(int32_t t) const { return model_outputs_.count(t) != 0; }
  const std::vector<FileOp>& ops() const { return ops_; }
  // How errors name an operator: "CONV_2D (operator 3, output 'conv1')".
  std::string describe(const FileOp& op) const;

  // --- the graph
  ir::Graph& graph() { return g_; }
  // The IR shape of tensor t: NCHW for a rank-4 tensor, the file's shape otherwise.
  ir::Shape ir_shape(int32_t t) const;
  // The IR quantization of tensor t: per-channel axis moved to its NCHW position for rank 4.
  std::optional<ir::QuantParams> ir_quant(int32_t t) const;
  // The IR value of tensor t: defined by the interface or an earlier operator, or a constant
  // created now (rank 4: NCHW data). InputError when t is neither.
  ir::Value* value(int32_t t);
  // A constant only the IR has (a re-laid-out weight, a bias with computed parameters, an operand),
  // created once per `key`; named `name` when that is free, else a derived name.
  ir::Value* constant(const std::string& key, const std::string& name, ir::Tensor data,
                      std::optional<ir::QuantParams> quant = std::nullopt);
  // An int64 vector constant (Reshape shapes, Pad pads) and a float scalar (Clip bounds).
  ir::Value* int64_constant(const std::string& base, const std::vector<int64_t>& values);
  ir::Value* float_scalar(const std::string& base, float value);

  // Tensor t is the IR value v (an operator that computes nothing in the IR).
  void bind(int32_t t, ir::Value* v);
  bool is_bound(int32_t t) const { return values_.count(t) != 0; }
  // The value bound to tensor t so far, or nullptr.
  const ir::Value* bound_value(int32_t t) const;
  // For clean-ups that replace or erase a value: every tensor bound to `from` is bound to `to`
  // instead (nullptr: unbound); true when some tensor was bound to `from`.
  bool rebind(const ir::Value* from, ir::Value* to);
  // True when some file tensor is bound to v; `model_output`: some model output tensor.
  bool is_bound_value(const ir::Value* v, bool model_output = false) const;
  // A node whose output 0 is tensor t: its name, IR dtype, IR shape and IR quantization. Binds t.
  ir::Node* define(const std::string& op_type, const std::vector<ir::Value*>& inputs, int32_t t);
  // The same for a node whose outputs are tensors ts, in order.
  ir::Node* define(const std::string& op_type, const std::vector<ir::Value*>& inputs, const std::vector<int32_t>& ts);
  // A graph input for tensor t with the given dtype (the file's, or float for a float edge).
  ir::Value* add_graph_input(int32_t t, ir::DType dtype, const std::string& name);
  // A value name that is free in the graph and no file tensor's name.
  std::string derived_name(const std::string& base) const;

  // --- nodes only the IR has
  // A node whose output 0 is a value no file tensor names (dtype, shape and quantization given).
  ir::Node* intermediate(const std::string& op_type, const std::vector<ir::Value*>& inputs, const std::string& base,
                         ir::DType dtype, const ir::Shape& shape, const std::optional<ir::QuantParams>& quant);
  // Data movement; each output keeps v's dtype and (per-tensor) quantization.
  ir::Value* reshape(ir::Value* v, const ir::Shape& shape, const std::string& base);
  ir::Value* transpose(ir::Value* v, const std::vector<int64_t>& perm, const std::string& base);
  // [N, C, H, W] -> [N, C*H*W] (ONNX Flatten, axis 1).
  ir::Value* flatten(ir::Value* v, const std::string& base);

  // --- layout
  // v (the IR form of a tensor whose file shape is `file_shape`) with the file's shape and element
  // order: a rank-4 NCHW value goes through Transpose to NHWC (or a Reshape when both orders agree).
  ir::Value* in_file_order(ir::Value* v, const ir::Shape& file_shape);
  // The inverse: v holds a value's elements in the file's order under its file shape `file_shape`;
  // returns its IR form (NCHW for rank 4).
  ir::Value* from_file_order(ir::Value* v, const ir::Shape& file_shape);
  // Defines tensor t from v, which holds t's elements in the file's order under any shape of the
  // same element count: Reshape to the file shape, then (rank 4) Transpose to NCHW.
  void define_from_file_order(ir::Value* v, int32_t t);

  // A rank-2 tensor [N, H*W*C] that holds a flattened NCHW value in C, H, W order instead of the
  // file's H, W, C order; only FULLY_CONNECTED reads it, with its weight columns permuted to match.
  void set_flat_chw(int32_t t, std::array<int64_t, 3> chw) { flat_chw_[t] = chw; }
  std::optional<std::array<int64_t, 3>> flat_chw(int32_t t) const;

 private:
  // Marks the int8 constants that ops on float activations read (FileTensor::dequantize).
  void mark_hybrid_weights();
  void check_variables() const;
  ir::Value* moved(const std::string& op_type, const std::vector<ir::Value*>& inputs, const std::string& base,
                   const ir::Value& like, const ir::Shape& shape);

  ir::Graph& g_;
  std::vector<FileTensor> tensors_;
  std::vector<FileOp> ops_;
  std::vector<std::vector<std::pair<size_t, size_t>>> readers_;
  std::set<std::string> file_names_;
  std::set<int32_t> model_outputs_;
  std::unordered_map<int32_t, ir::Value*> values_;
  std::map<std::string, ir::Value*> constants_;
  std::map<int32_t, std::array<int64_t, 3>> flat_chw_;
};

}  // namespace tinyc::tflite_format

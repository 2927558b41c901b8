// The shared state of NCHW-IR -> NHWC-TFLite lowering, and the per-op lowering functions it drives.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "formats/tflite/emit.h"
#include "formats/tflite/interface.h"
#include "formats/tflite/model_builder.h"
#include "ir/graph.h"

namespace tinyc::tflite_format {

// How an IR value's elements sit in its TFLite tensor.
enum class Layout {
  Plain,    // the IR shape and element order
  Nhwc,     // a rank-4 NCHW value stored as NHWC (every rank-4 activation but plain_rank4_values())
  FlatHwc,  // an [N, C*H*W] value (a flattened NCHW activation) held by the NHWC tensor it was
            // flattened from, so read in H, W, C order; only read by FullyConnected, whose weight
            // columns are re-ordered to match
};

// The TFLite tensor that holds an IR value.
struct ValueTensor {
  int32_t index = -1;
  Layout layout = Layout::Plain;
  std::array<int64_t, 3> chw{};  // FlatHwc: the C, H, W the flat dim came from
};

// Maps IR values to tensors, creates constants on first use and records operators. Names come from
// the IR (derived tensors get "<node>/<role>"); ModelBuilder strips them when asked.
class LoweringContext {
 public:
  LoweringContext(const ir::Graph& g, const Interface& io, ModelBuilder& builder, const EmitOptions& options);

  const EmitOptions& options() const { return options_; }

  // The tensor of `v`: an already lowered value, or a constant created now (rank-4 data in NHWC).
  const ValueTensor& input(const ir::Value* v);
  // The layout a node output gets: NHWC when rank 4 and not in plain_rank4_values(), else plain.
  Layout layout_of_output(const ir::Value* v) const;
  // The tensor of a node output about to be computed, in layout_of_output(v).
  int32_t define(const ir::Value* v);
  // A node that computes nothing in TFLite: `out` is stored in `in`'s tensor.
  void alias(const ir::Value* out, const ir::Value* in);
  // A flatten whose only readers are FullyConnected lowerings (FULLY_CONNECTED flattens its input
  // itself): `out` is `in`'s NHWC tensor, read in H, W, C order (Layout::FlatHwc).
  void alias_flat_hwc(const ir::Value* out, const ir::Value* in, std::array<int64_t, 3> chw);

  // A constant that exists only in the .tflite (re-laid-out weights, shape and axis operands).
  int32_t constant(const std::string& name, const ir::Tensor& data, const std::optional<ir::QuantParams>& quant = {},
                   int64_t quantized_dimension = 0);
  // An int32 vector constant (RESHAPE shapes, MEAN axes, TRANSPOSE permutations).
  int32_t int32_constant(const std::string& name, const std::vector<int64_t>& values);
  // An activation that exists only in the .tflite (the output of an inserted PAD, TRANSPOSE, QUANTIZE).
  int32_t intermediate(const std::string& name, ir::DType dtype, const ir::Shape& tflite_shape,
                       const std::optional<ir::QuantParams>& quant);

  // A variable tensor (a state TFLM keeps across invocations, in its persistent section).
  int32_t variable(const std::string& name, ir::DType dtype, const ir::Shape& tflite_shape, const ir::QuantParams& quant);

  // Appends an operator with `version`, or (0) TFLite's version of the op's int8 form (op_version()).
  void add_op(fb::BuiltinOperator code, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
              fb::BuiltinOptionsUnion options = {}, int32_t version = 0);

  // The ONNX opset of the default domain (Softmax changed meaning at 13).
  int64_t opset() const { return opset_; }
  // The TFLite shape of a tensor created so far.
  ir::Shape tflite_shape(int32_t tensor) const;

  // Declares the interface values (all lowered by now) as the subgraph's inputs and outputs.
  void finish_interface();

 private:
  std::string tensor_name(const ir::Value* v) const;
  int32_t add_value_tensor(const ir::Value* v, const ir::Shape& tflite_shape, Layout layout,
                           std::array<int64_t, 3> chw);

  const Interface& io_;
  ModelBuilder& builder_;
  const EmitOptions& options_;
  int64_t opset_ = 13;
  std::unordered_map<const ir::Value*, ValueTensor> tensors_;
  std::unordered_set<const ir::Value*> plain_rank4_;
  std::vector<ir::Shape> shapes_;  // TFLite shape of every tensor, by index
};

// The lowering of one IR op type. Throws InputError naming the node when its attributes have no
// TFLite form.
using LowerFn = void (*)(const ir::Node& node, LoweringContext& ctx);

// nullptr when the op type has no lowering.
LowerFn find_lowering(const std::string& op_type);

// TFLite's version of an op's int8 form (tensorflow/lite/tools/versioning/op_version.cc).
int32_t op_version(fb::BuiltinOperator code);

// True when every reader of `v` is a FullyConnected lowering taking `v` as its input 0, so `v` may be
// stored as FlatHwc.
bool read_only_by_fully_connected(const ir::Value* v);

// One function per op family; registered in op_table.cc.
void lower_conv(const ir::Node& node, LoweringContext& ctx);
void lower_pool(const ir::Node& node, LoweringContext& ctx);
void lower_global_pool(const ir::Node& node, LoweringContext& ctx);  // average and max
void lower_reduce(const ir::Node& node, LoweringContext& ctx);       // ReduceMean and ReduceMax
void lower_fully_connected(const ir::Node& node, LoweringContext& ctx);
void lower_lstm(const ir::Node& node, LoweringContext& ctx);  // int8 LSTM
void lower_add_mul(const ir::Node& node, LoweringContext& ctx);  // and Sub
void lower_softmax(const ir::Node& node, LoweringContext& ctx);
void lower_logistic_tanh(const ir::Node& node, LoweringContext& ctx);  // and HardSwish
void lower_rsqrt(const ir::Node& node, LoweringContext& ctx);  // Pow(x, -0.5)
void lower_leaky_relu(const ir::Node& node, LoweringContext& ctx);
void lower_prelu(const ir::Node& node, LoweringContext& ctx);
void lower_clamp(const ir::Node& node, LoweringContext& ctx);
void lower_quantize_dequantize(const ir::Node& node, LoweringContext& ctx);
void lower_reshape(const ir::Node& node, LoweringContext& ctx);
void lower_transpose(const ir::Node& node, LoweringContext& ctx);
void lower_slice(const ir::Node& node, LoweringContext& ctx);
void lower_split(const ir::Node& node, LoweringContext& ctx);
void lower_gather(const ir::Node& node, LoweringContext& ctx);
void lower_resize(const ir::Node& node, LoweringContext& ctx);  // and Upsample
void lower_pad(const ir::Node& node, LoweringContext& ctx);
void lower_concat(const ir::Node& node, LoweringContext& ctx);

// Helpers the lowerings share.
// The value's static shape; InputError naming the node when shape inference has not set it.
const ir::Shape& shape_of(const ir::Node& node, const ir::Value* v);
// The value's quantization parameters; InputError naming the node when it has none.
const ir::QuantParams& quant_of(const ir::Node& node, const ir::Value* v);
// The value's constant data; InputError naming the node and `role` when it is not a constant.
const ir::Tensor& constant_of(const ir::Node& node, const ir::Value* v, const std::string& role);
// The int32 bias operand of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: the node's bias as
// [channels], or zeros when the node has none (a present bias keeps FULLY_CONNECTED at version 4
// and is read by every runtime). Its scales s_in * s_w[c] are written for per-tensor weights (TFLM
// checks them there) and with EmitOptions::full_quant_params.
int32_t bias_tensor(LoweringContext& ctx, const ir::Node& node, const ir::Value* bias, const ir::QuantParams& input_q,
                    const ir::QuantParams& weight_q, int64_t channels);
// Appends a RESHAPE of tensor `input` into tensor `output` of `shape` (file dims).
void add_reshape(LoweringContext& ctx, const ir::Node& node, int32_t input, int32_t output, const ir::Shape& shape);
// Appends a TRANSPOSE of tensor `input` into tensor `output` by `perm` (file dims).
void add_transpose(LoweringContext& ctx, const ir::Node& node, int32_t input, int32_t output,
                   const std::vector<int64_t>& perm);
// The node's `axis` attribute (`fallback` when absent) in [0, rank); InputError naming the node
// when it is out of range.
int64_t axis_attribute(const ir::Node& node, int64_t fallback, size_t rank);
// The file dim that IR dim `axis` occupies in a tensor of this layout (NHWC or the IR's order).
int64_t file_dim(Layout layout, int64_t axis);
// "Conv 'conv1'": how errors name a node.
std::string describe(const ir::Node& node);

}  // namespace tinyc::tflite_format

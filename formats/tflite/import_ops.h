// The per-op importers: one function per family of TFLite builtin ops, registered by code in
// import_op_table.cc, and the checks they share.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/tflite/import_context.h"

namespace tinyc::tflite_format {

// Adds the IR nodes computing `op`'s outputs. Throws InputError naming the operator when its options
// or quantization have no exact IR form.
using ImportFn = void (*)(const FileOp& op, ImportContext& ctx);

// nullptr when no importer takes the builtin code.
ImportFn find_importer(int32_t code);
// The builtin codes with an importer.
std::vector<int32_t> imported_codes();

void import_conv(const FileOp& op, ImportContext& ctx);            // CONV_2D, DEPTHWISE_CONV_2D
void import_pool(const FileOp& op, ImportContext& ctx);            // AVERAGE_POOL_2D, MAX_POOL_2D
void import_fully_connected(const FileOp& op, ImportContext& ctx);
void import_add_mul(const FileOp& op, ImportContext& ctx);
void import_softmax(const FileOp& op, ImportContext& ctx);
void import_logistic_tanh(const FileOp& op, ImportContext& ctx);  // and HARD_SWISH
void import_rsqrt(const FileOp& op, ImportContext& ctx);  // as Pow(x, -0.5)
void import_leaky_relu(const FileOp& op, ImportContext& ctx);
void import_prelu(const FileOp& op, ImportContext& ctx);
void import_clamp(const FileOp& op, ImportContext& ctx);           // RELU, RELU6, RELU_N1_TO_1
void import_quantize(const FileOp& op, ImportContext& ctx);
void import_dequantize(const FileOp& op, ImportContext& ctx);
void import_reshape(const FileOp& op, ImportContext& ctx);
void import_transpose(const FileOp& op, ImportContext& ctx);
void import_strided_slice(const FileOp& op, ImportContext& ctx);
void import_split(const FileOp& op, ImportContext& ctx);
void import_gather(const FileOp& op, ImportContext& ctx);
void import_batch_matmul(const FileOp& op, ImportContext& ctx);
void import_lstm(const FileOp& op, ImportContext& ctx);  // UNIDIRECTIONAL_SEQUENCE_LSTM, int8
void import_resize(const FileOp& op, ImportContext& ctx);
void import_pad(const FileOp& op, ImportContext& ctx);
void import_concatenation(const FileOp& op, ImportContext& ctx);
void import_reduce(const FileOp& op, ImportContext& ctx);  // MEAN and REDUCE_MAX

// Helpers the importers share.
// Input `slot` of the operator; InputError naming the operator when it is missing or omitted.
int32_t required_input(const FileOp& op, const ImportContext& ctx, size_t slot, const std::string& role);
// The operator's single output tensor.
int32_t single_output(const FileOp& op, const ImportContext& ctx);
// Sets the IR's fused-activation attributes (docs/ir.md) for a TFLite fused_activation_function;
// InputError for TANH and SIGN_BIT, which have no int8 form.
void set_fused_activation(ir::Node* n, int8_t activation, const FileOp& op, const ImportContext& ctx);
// InputError unless tensors a and b have the same quantization parameters (ops that move int8 bytes
// in TFLite Micro and in tinyc's int8 kernels alike).
void require_same_quant(const FileOp& op, const ImportContext& ctx, int32_t a, int32_t b);
// The constant int32/int64 data of input `slot` as int64 (shapes, axes, permutations, paddings).
std::vector<int64_t> constant_ints(const FileOp& op, const ImportContext& ctx, size_t slot, const std::string& role);
// InputError unless the weights have the input's type: int8 on int8 or float32 on float32 (the
// quantized int8 weights of a "hybrid" op were already read as float32; see FileTensor::dequantize).
void check_weight_type(const FileOp& op, const ImportContext& ctx, int32_t input, int32_t filter);
// The operator's bias (input 2) as an IR constant of `channels` values, or nullptr when omitted: the
// file's data, and for an int32 bias the parameters s_in * s_w[c] (files may leave them out; TFLite
// Micro derives its arithmetic from the input and weight scales only).
ir::Value* bias_value(const FileOp& op, ImportContext& ctx, int32_t input, int32_t filter, int64_t channels);

}  // namespace tinyc::tflite_format

// The tail estimate: fixed interpreter structs + TfLiteEvalTensor per tensor + node per operator +
// the quantization of quantized inputs and outputs (TFLM keeps their TfLiteTensors persistent) +
// per-op kernel data from a measured table + the per-channel multiplier and shift arrays that
// CONV_2D and DEPTHWISE_CONV_2D always allocate (one int32 pair per output channel) and
// FULLY_CONNECTED allocates for per-channel weights, each rounded up to 16 bytes + the handle of
// each 4-bit filter's unpacking scratch buffer + the transposed copies of BATCH_MATMUL's operands
// (the right one unless adj_y, the left one with adj_x), which TFLM keeps in the tail, with their
// dims and the output's writable dims (arrays whose size follows the rank) + the data of variable
// tensors (an LSTM's hidden and cell states), which TFLM allocates there.
#include "formats/tflite/tflm_persistent.h"

#include <algorithm>
#include <map>

#include "formats/tflite/arena_plan.h"
#include "formats/tflite/model_access.h"

namespace tinyc::tflite_format {

namespace {

namespace fb = tflite_fb;

// Sizes for one pointer width. Kernel bytes per op type were fitted (least squares, rounded to 4)
// to arena_used_bytes minus the head measured with TFLM 90b983c2 after AllocateTensors(); the
// 32-bit fixed part includes a 24-byte margin that makes the estimate an upper bound on the
// calibration blobs.
struct TailModel {
  size_t fixed;          // MicroAllocator, its buffer allocator, the planner, subgraph allocations
  size_t eval_tensor;    // sizeof(TfLiteEvalTensor)
  size_t node;           // sizeof(NodeAndRegistration)
  size_t interface_quantization;  // a quantized input or output's TfLiteAffineQuantization and zero point
  std::map<fb::BuiltinOperator, size_t> kernel;  // op data and builtin params of one op
  size_t scratch_handle;  // sizeof(ScratchBufferHandle): one per scratch buffer a kernel requests
};

const TailModel& model_for(PointerWidth width) {
  using Op = fb::BuiltinOperator;
  static const TailModel mcu{248, 12, 32, 20,
                             {{Op::ADD, 72}, {Op::AVERAGE_POOL_2D, 84}, {Op::BATCH_MATMUL, 104}, {Op::CONCATENATION, 36}, {Op::CONV_2D, 88},
                              {Op::DEPTHWISE_CONV_2D, 92}, {Op::FULLY_CONNECTED, 52}, {Op::GATHER, 32}, {Op::HARD_SWISH, 20}, {Op::LEAKY_RELU, 36}, {Op::LOG_SOFTMAX, 32}, {Op::LOGISTIC, 20},
                              {Op::MAX_POOL_2D, 76}, {Op::MEAN, 56}, {Op::MIRROR_PAD, 44}, {Op::MUL, 52}, {Op::PAD, 60}, {Op::PRELU, 40}, {Op::REDUCE_MAX, 56}, {Op::RELU, 36},
                              {Op::RELU6, 36}, {Op::RESHAPE, 40}, {Op::RESIZE_BILINEAR, 0}, {Op::RESIZE_NEAREST_NEIGHBOR, 0}, {Op::RSQRT, 32}, {Op::SOFTMAX, 68}, {Op::SPLIT, 4}, {Op::SPLIT_V, 4}, {Op::STRIDED_SLICE, 108}, {Op::SUB, 72}, {Op::TANH, 20},
                              {Op::TRANSPOSE, 0}, {Op::UNIDIRECTIONAL_SEQUENCE_LSTM, 752}, {Op::QUANTIZE, 36}, {Op::DEQUANTIZE, 40}},
                             4};
  static const TailModel host{408, 24, 64, 32,
                              {{Op::ADD, 72}, {Op::AVERAGE_POOL_2D, 72}, {Op::BATCH_MATMUL, 104}, {Op::CONCATENATION, 56}, {Op::CONV_2D, 108},
                               {Op::DEPTHWISE_CONV_2D, 108}, {Op::FULLY_CONNECTED, 80}, {Op::GATHER, 32}, {Op::HARD_SWISH, 24}, {Op::LEAKY_RELU, 40}, {Op::LOG_SOFTMAX, 48}, {Op::LOGISTIC, 24},
                               {Op::MAX_POOL_2D, 68}, {Op::MEAN, 64}, {Op::MIRROR_PAD, 44}, {Op::MUL, 56}, {Op::PAD, 68}, {Op::PRELU, 0}, {Op::REDUCE_MAX, 64}, {Op::RELU, 40},
                               {Op::RELU6, 40}, {Op::RESHAPE, 32}, {Op::RESIZE_BILINEAR, 0}, {Op::RESIZE_NEAREST_NEIGHBOR, 0}, {Op::RSQRT, 32}, {Op::SOFTMAX, 88}, {Op::SPLIT, 4}, {Op::SPLIT_V, 4}, {Op::STRIDED_SLICE, 108}, {Op::SUB, 72}, {Op::TANH, 24},
                               {Op::TRANSPOSE, 0}, {Op::UNIDIRECTIONAL_SEQUENCE_LSTM, 752}, {Op::QUANTIZE, 24}, {Op::DEQUANTIZE, 40}},
                              8};
  return width == PointerWidth::Bits32 ? mcu : host;
}

// The multiplier and shift arrays the kernel allocates in Prepare.
size_t per_channel_bytes(const fb::SubGraphT& g, const fb::OperatorT& op, fb::BuiltinOperator code) {
  size_t channels = 0;
  if (code == fb::BuiltinOperator::CONV_2D || code == fb::BuiltinOperator::DEPTHWISE_CONV_2D) {
    const fb::TensorT* out = tensor_at(g, op.outputs, 0);
    channels = out && !out->shape.empty() ? static_cast<size_t>(std::max(out->shape.back(), 0)) : 0;
  } else if (code == fb::BuiltinOperator::FULLY_CONNECTED) {
    const fb::TensorT* w = tensor_at(g, op.inputs, 1);
    const size_t scales = w && w->quantization ? w->quantization->scale.size() : 0;
    channels = scales > 1 ? scales : 0;
  }
  return channels ? 2 * tflm_aligned(4 * channels) : 0;
}

// A TfLiteIntArray of `rank` dims.
size_t dims_array_bytes(size_t rank) { return tflm_aligned(4 + 4 * rank); }

// BATCH_MATMUL's rank-dependent allocations: the output's writable dims, and each transposed
// operand's copy with its dims.
size_t batch_matmul_bytes(const fb::SubGraphT& g, const fb::OperatorT& op, fb::BuiltinOperator code) {
  if (code != fb::BuiltinOperator::BATCH_MATMUL) return 0;
  const fb::BatchMatMulOptionsT* o = op.builtin_options.AsBatchMatMulOptions();
  const fb::TensorT* out = tensor_at(g, op.outputs, 0);
  size_t bytes = out ? dims_array_bytes(out->shape.size()) : 0;
  for (size_t slot : {size_t{0}, size_t{1}}) {
    const bool transposed = slot == 0 ? o && o->adj_x : !(o && o->adj_y);
    const fb::TensorT* t = tensor_at(g, op.inputs, slot);
    if (transposed && t) bytes += tflm_aligned(element_count(*t) * element_bytes(t->type)) + dims_array_bytes(t->shape.size());
  }
  return bytes;
}

// Whether the kernel requests a scratch buffer to unpack a 4-bit filter.
bool unpacks_int4(const fb::SubGraphT& g, const fb::OperatorT& op) {
  const fb::TensorT* w = tensor_at(g, op.inputs, 1);
  return w && w->type == fb::TensorType::INT4;
}

}  // namespace

size_t tflm_persistent_bytes(const fb::ModelT& model, PointerWidth width) {
  const TailModel& m = model_for(width);
  size_t largest_kernel = 0;
  for (const auto& [code, bytes] : m.kernel) largest_kernel = std::max(largest_kernel, bytes);
  size_t total = m.fixed;
  for (const auto& g : model.subgraphs) {
    total += m.eval_tensor * g->tensors.size() + m.node * g->operators.size();
    for (const std::vector<int32_t>* interface : {&g->inputs, &g->outputs})
      for (size_t slot = 0; slot < interface->size(); ++slot) {
        const fb::TensorT* t = tensor_at(*g, *interface, slot);
        if (t && t->quantization && !t->quantization->scale.empty()) total += m.interface_quantization;
      }
    for (const auto& op : g->operators) {
      const fb::BuiltinOperator code = builtin_of(model, *op);
      const auto it = m.kernel.find(code);
      total += (it != m.kernel.end() ? it->second : largest_kernel) + per_channel_bytes(*g, *op, code) +
               batch_matmul_bytes(*g, *op, code);
    }
    // The handles of the unpacking scratch buffers, in TFLM's one 16-byte aligned handle array (the
    // handles of MEAN's scratch buffers are in its table entry).
    const auto unpacking = static_cast<size_t>(std::count_if(
        g->operators.begin(), g->operators.end(), [&](const auto& op) { return unpacks_int4(*g, *op); }));
    if (unpacking > 0) total += tflm_aligned(unpacking * m.scratch_handle);
    for (const auto& t : g->tensors)
      if (t->is_variable) total += tflm_aligned(element_count(*t) * element_bytes(t->type));
  }
  return total;
}

}  // namespace tinyc::tflite_format

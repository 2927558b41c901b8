// tflm_setup_bytes: a bump allocator over the head, replaying what TFLM's MicroAllocator places
// there during setup (micro_allocator.cc, micro_allocation_info.cc, greedy_memory_planner.h):
// the scratch-buffer requests at the start of the head, then per operator the temporary
// TfLiteTensors its Prepare takes (TFLM reclaims them only when the Prepare returns, so a kernel
// that reads an operand twice holds two), then the planner's arrays. Most kernels take each input
// and output once; CONV_2D and DEPTHWISE_CONV_2D take their output, input and filter and then, in
// the quantization set-up, every operand again; the reductions (MEAN, SUM, REDUCE_MAX, REDUCE_MIN)
// also take input, axis and (int8) output in a shared check.
#include "formats/tflite/tflm_setup.h"

#include <algorithm>
#include <vector>

#include "formats/tflite/model_access.h"

namespace tinyc::tflite_format {

namespace {

namespace fb = tflite_fb;

// Struct sizes and alignments of TFLM's static-memory build at one pointer width.
struct SetupSizes {
  size_t pointer;                  // sizeof(void*), sizeof(size_t)
  size_t tensor;                   // sizeof(TfLiteTensor) with TF_LITE_STATIC_MEMORY
  size_t affine_quantization;      // sizeof(TfLiteAffineQuantization)
  size_t allocation_info;          // sizeof(AllocationInfo)
  size_t scratch_request;          // sizeof(ScratchBufferRequest)
};

constexpr SetupSizes kBits32{4, 40, 12, 24, 8};
constexpr SetupSizes kBits64{8, 64, 24, 32, 16};
// GreedyMemoryPlanner::per_buffer_size(): BufferRequirements, two sorted ints, a ListEntry, an offset.
constexpr size_t kPlannerBytesPerBuffer = 16 + 4 + 4 + 12 + 4;
// MicroArenaBufferAlignment(): where the head and the planner's arena start.
constexpr size_t kArenaAlignment = 16;

size_t align_up(size_t n, size_t alignment) { return (n + alignment - 1) / alignment * alignment; }

// Temporary allocations placed one after another from `start`, each at its alignment.
class BumpAllocator {
 public:
  explicit BumpAllocator(size_t start) : end_(start) {}
  void allocate(size_t bytes, size_t alignment) { end_ = align_up(end_, alignment) + bytes; }
  size_t end() const { return end_; }

 private:
  size_t end_;
};

// A temporary TfLiteTensor for tensor t, with its TfLiteAffineQuantization and int zero point array
// when it has scales and zero points (as PopulateTfLiteTensorFromFlatbuffer allocates them).
void allocate_temp_tensor(BumpAllocator& temp, const fb::TensorT& t, const SetupSizes& s) {
  temp.allocate(s.tensor, s.pointer);
  const fb::QuantizationParametersT* q = t.quantization.get();
  if (!q || q->scale.empty() || q->zero_point.empty()) return;
  temp.allocate(s.affine_quantization, s.pointer);
  temp.allocate(4 + 4 * q->scale.size(), 4);
}

// The temporaries an op's Prepare takes, in order.
std::vector<const fb::TensorT*> prepare_temporaries(const fb::ModelT& model, const fb::SubGraphT& g,
                                                    const fb::OperatorT& op) {
  using Op = fb::BuiltinOperator;
  std::vector<const fb::TensorT*> temps;
  const fb::TensorT* input = tensor_at(g, op.inputs, 0);
  const fb::TensorT* output = tensor_at(g, op.outputs, 0);
  switch (builtin_of(model, op)) {
    case Op::CONV_2D:
    case Op::DEPTHWISE_CONV_2D: temps = {output, input, tensor_at(g, op.inputs, 1)}; break;
    case Op::MEAN:
    case Op::SUM:
    case Op::REDUCE_MAX:
    case Op::REDUCE_MIN:
      temps = {input, tensor_at(g, op.inputs, 1)};
      if (input && input->type == fb::TensorType::INT8) temps.push_back(output);
      break;
    default: break;
  }
  for (const std::vector<int32_t>* list : {&op.inputs, &op.outputs})
    for (size_t slot = 0; slot < list->size(); ++slot) temps.push_back(tensor_at(g, *list, slot));
  return temps;
}

}  // namespace

size_t tflm_setup_bytes(const fb::ModelT& model, const ArenaPlan& plan, PointerWidth width) {
  const SetupSizes& s = width == PointerWidth::Bits32 ? kBits32 : kBits64;
  const size_t scratch_requests =
      static_cast<size_t>(std::count_if(plan.buffers.begin(), plan.buffers.end(), [](const ArenaBuffer& b) { return b.tensor < 0; }));
  const size_t requests_end = align_up(scratch_requests * s.scratch_request, kArenaAlignment);
  size_t most = requests_end;
  size_t tensors = 0;
  for (const auto& g : model.subgraphs) {
    tensors += g->tensors.size();
    for (const auto& op : g->operators) {
      BumpAllocator temp(requests_end);
      for (const fb::TensorT* t : prepare_temporaries(model, *g, *op))
        if (t) allocate_temp_tensor(temp, *t, s);
      most = std::max(most, temp.end());
    }
  }
  BumpAllocator planning(requests_end);
  planning.allocate(s.pointer * model.subgraphs.size(), s.pointer);  // the subgraphs' offsets
  planning.allocate(s.allocation_info * (tensors + scratch_requests), s.pointer);
  planning.allocate(kPlannerBytesPerBuffer * plan.buffers.size(), kArenaAlignment);
  return std::max(most, planning.end());
}

}  // namespace tinyc::tflite_format

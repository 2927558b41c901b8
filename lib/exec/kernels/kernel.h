// The kernel interface of the executor (float kernels and int8 adapters): prepare() once per node
// and shape, eval() per run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ir/dtype.h"
#include "ir/error.h"
#include "ir/node.h"
#include "ir/quant_params.h"
#include "ir/shape.h"
#include "ir/tensor.h"

namespace tinyc::exec::kernels {

// Spatial and broadcast loops keep their counters in fixed arrays of this many dims, so eval never
// allocates; prepare() rejects tensors of higher rank.
inline constexpr size_t kMaxRank = 8;

// What prepare() knows about one input or output slot before any run: its type and, for values
// that are the same on every run (constants and shape computations), the data itself.
struct Slot {
  bool present = false;
  ir::DType dtype = ir::DType::Undefined;
  ir::Shape shape;
  const ir::Tensor* data = nullptr;  // non-null only for inputs known before run time
  // The value's quantization parameters (docs/ir.md), nullptr when it has none; prepare_kernel()
  // fills it from the node's values, which stay alive while the kernel is prepared.
  const ir::QuantParams* quant = nullptr;

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  int64_t count() const { return ir::num_elements(shape); }
};

// Everything prepare() may look at: the node (attributes), the model's opset, and the slots.
// Errors about the node are InputErrors that name it: "node 'conv1' (Conv): <problem>".
struct PrepareContext {
  const ir::Node& node;
  int64_t opset;
  std::vector<Slot> inputs;
  std::vector<Slot> outputs;

  // Slot i, or an absent slot when the node has fewer inputs (omitted optional input).
  const Slot& input(size_t i) const;
  const Slot& output(size_t i) const;
  // Like input(i) but an absent input is an error naming `what`.
  const Slot& required_input(size_t i, const std::string& what) const;
  // The elements of an integer input known before run time; an error when it depends on run-time data.
  std::vector<int64_t> static_ints(size_t i, const std::string& what) const;

  [[noreturn]] void fail(const std::string& problem) const;
  // Maps axis in [-rank, rank) to [0, rank).
  int64_t normalize_axis(int64_t axis, int64_t rank) const;
  // Fails unless input i is present and its dtype is one of `allowed`.
  void require_dtype(size_t input_index, std::initializer_list<ir::DType> allowed) const;
  // Fails when the output's dtype differs from input `input_index` (ONNX type constraint T).
  void require_same_dtype(size_t output_index, size_t input_index) const;
  // Fails when any slot has rank > kMaxRank; prepare_kernel() checks it before every prepare().
  void require_rank_limit() const;
};

// Buffers of one evaluation, in slot order; an absent optional slot is nullptr. Sizes and dtypes
// are the ones prepare() saw, so a kernel turns them into typed spans itself.
struct EvalArgs {
  std::span<const void* const> inputs;
  std::span<void* const> outputs;
  std::span<std::byte> scratch;  // scratch_bytes() bytes, aligned for any element type

  template <class T>
  std::span<const T> in(size_t i, int64_t count) const {
    return {static_cast<const T*>(inputs[i]), static_cast<size_t>(count)};
  }
  template <class T>
  std::span<T> out(size_t i, int64_t count) const {
    return {static_cast<T*>(outputs[i]), static_cast<size_t>(count)};
  }
};

// One operator implementation (the TFLite Micro split):
//  - prepare() checks dtypes and shapes and precomputes everything that depends only on them
//    (geometry, strides, broadcast plans, resolved attributes);
//  - eval() dispatches on the dtype once and runs a pure reference loop over spans. It never
//    allocates, keeps no state between calls (one prepared kernel may run on several threads),
//    and only throws for data errors (an index out of range, integer division by zero).
// Accumulators: float kernels accumulate in the element type (float32 sums of K products carry a
// relative error of at most about K * 6e-8 of the sum of magnitudes; the same order as ONNX
// Runtime's, which the conformance tests bound with rtol 1e-3); integer arithmetic wraps like
// numpy and never overflows into undefined behaviour.
class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual void prepare(const PrepareContext& ctx) = 0;
  // Temporary memory eval() needs (e.g. im2col columns); the planner gives it the node's step.
  virtual size_t scratch_bytes() const { return 0; }
  // True when an output element depends on elements at other indices of axis 0 although the
  // shapes do not show it (Softmax over axis 0): such a graph cannot stack rows along axis 0.
  virtual bool mixes_axis0() const { return false; }
  // True when the kernel applies the node's fused activation (activation_min/max) itself: the int8
  // Conv, Gemm, MatMul, Add, Mul and pools clamp in the output's quantized range, so the generic
  // float clamp must not run after them.
  virtual bool applies_fused_activation() const { return false; }
  virtual void eval(const EvalArgs& args) const = 0;
};

// Carries a C++ element type into a generic lambda: [&]<class T>(Type<T>) { ... }.
template <class T>
struct Type {
  using type = T;
};

// Calls f(Type<T>{}) for the C++ type of a float dtype; InternalError otherwise (prepare checked).
template <class F>
void dispatch_float(ir::DType dtype, F&& f) {
  switch (dtype) {
    case ir::DType::Float32: return f(Type<float>{});
    case ir::DType::Float64: return f(Type<double>{});
    default: throw InternalError("float kernel reached eval with " + std::string(ir::dtype_name(dtype)));
  }
}

// Same for every numeric dtype (floats and integers of all widths).
template <class F>
void dispatch_numeric(ir::DType dtype, F&& f) {
  switch (dtype) {
    case ir::DType::Int8: return f(Type<int8_t>{});
    case ir::DType::UInt8: return f(Type<uint8_t>{});
    case ir::DType::Int16: return f(Type<int16_t>{});
    case ir::DType::UInt16: return f(Type<uint16_t>{});
    case ir::DType::Int32: return f(Type<int32_t>{});
    case ir::DType::UInt32: return f(Type<uint32_t>{});
    case ir::DType::Int64: return f(Type<int64_t>{});
    case ir::DType::UInt64: return f(Type<uint64_t>{});
    default: return dispatch_float(dtype, std::forward<F>(f));
  }
}

// Calls f(Type<U>{}) with the unsigned integer type of the element's byte width (1, 2, 4, 8):
// data movement kernels (Transpose, Concat, Pad, ...) copy bits and never look at values.
template <class F>
void dispatch_bits(size_t element_bytes, F&& f) {
  switch (element_bytes) {
    case 1: return f(Type<uint8_t>{});
    case 2: return f(Type<uint16_t>{});
    case 4: return f(Type<uint32_t>{});
    case 8: return f(Type<uint64_t>{});
    default: throw InternalError("no bit type of " + std::to_string(element_bytes) + " bytes");
  }
}

inline constexpr std::initializer_list<ir::DType> kFloatTypes = {ir::DType::Float32, ir::DType::Float64};
inline constexpr std::initializer_list<ir::DType> kNumericTypes = {
    ir::DType::Float32, ir::DType::Float64, ir::DType::Int8,   ir::DType::UInt8,  ir::DType::Int16,
    ir::DType::UInt16,  ir::DType::Int32,   ir::DType::UInt32, ir::DType::Int64, ir::DType::UInt64};

}  // namespace tinyc::exec::kernels

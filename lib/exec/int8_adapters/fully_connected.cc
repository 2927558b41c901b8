// int8 Gemm and MatMul adapters: TFLite's FULLY_CONNECTED (int8_fast::fast_fully_connected_int8, or
// int8_reference::fully_connected_int8 for rows too long for it) with a constant int8 weight,
// per-tensor or per output channel, and an optional int32 bias (Gemm's C); a MatMul of two
// activations is TFLite's BATCH_MATMUL (make_batch_matmul).
// The reference function takes the weight as units x K; a Gemm with transB = 0 and a MatMul store
// it K x units, so prepare transposes that constant once. MatMul's leading input dims are rows.
#include <vector>

#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_fast/fully_connected.h"
#include "exec/int8_reference/int8_fully_connected.h"

namespace tinyc::exec::int8_adapters {

namespace {

class FullyConnectedInt8 final : public ClampingKernel {
 public:
  explicit FullyConnectedInt8(bool gemm) : gemm_(gemm) {}

  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& weights_q = int8_input(ctx, 1, "weights");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    const Slot& x = ctx.input(0);
    const Slot& w = ctx.input(1);
    if (!w.data)
      ctx.fail("weights '" + ctx.node.input(1)->name + "' are computed at run time; the int8 " + ctx.node.op_type +
               " needs a constant weight");
    if (w.rank() != 2) ctx.fail("weights must be a matrix, got " + ir::shape_to_string(w.shape));
    if (gemm_) check_gemm_attributes(ctx);
    // Stored units x K (Gemm transB = 1) or K x units (Gemm transB = 0, MatMul).
    const bool units_first = gemm_ && ctx.node.attr_int("transB", 0) != 0;
    const int64_t units = w.shape[units_first ? 0 : 1];
    const int64_t depth = w.shape[units_first ? 1 : 0];
    if (x.rank() < 1 || x.shape.back() != depth || (gemm_ && x.rank() != 2))
      ctx.fail("input " + ir::shape_to_string(x.shape) + " does not end in the weights' K = " + std::to_string(depth));
    ir::QuantParams rows_q = weights_q;
    if (weights_q.per_channel()) {
      const int64_t axis = units_first ? 0 : 1;
      if (weights_q.axis != axis)
        ctx.fail("weights '" + ctx.node.input(1)->name + "' have per-channel scales along axis " +
                 std::to_string(weights_q.axis) + "; the output channels are axis " + std::to_string(axis));
      rows_q.axis = 0;
    }
    if (!units_first) transpose_weights(w.data->values<int8_t>(), depth, units);
    const bool has_bias = gemm_ && ctx.input(2).present;
    if (has_bias) check_bias(ctx, units);
    p_ = named(ctx, [&] {
      return int8_reference::prepare_fully_connected(x.shape, {units, depth}, input_q, rows_q, output_q,
                                            fused_activation(ctx.node), has_bias);
    });
    require_output_count(ctx, p_.batch * p_.units);
    if (int8_fast::fast_fully_connected_applies(p_)) {
      packed_ = int8_fast::pack_fully_connected_weights(p_, weights(w));
      scratch_ = int8_fast::fast_fully_connected_scratch_bytes(p_);
      transposed_.clear();
    }
  }

  size_t scratch_bytes() const override { return scratch_; }

  void eval(const EvalArgs& args) const override {
    const auto bias = p_.has_bias ? args.in<int32_t>(2, p_.units) : std::span<const int32_t>{};
    const auto x = args.in<int8_t>(0, p_.batch * p_.depth);
    const auto y = args.out<int8_t>(0, p_.batch * p_.units);
    if (!packed_.rows.empty()) {
      int8_fast::fast_fully_connected_int8(isa_, p_, packed_, x, bias, y, args.scratch);
      return;
    }
    const auto w = transposed_.empty() ? args.in<int8_t>(1, p_.units * p_.depth) : std::span<const int8_t>(transposed_);
    int8_reference::fully_connected_int8(p_, x, w, bias, y);
  }

 private:
  static void check_gemm_attributes(const PrepareContext& ctx) {
    if (ctx.node.attr_int("transA", 0) != 0) ctx.fail("transA = 1 has no int8 kernel; transpose the input first");
    if (ctx.node.attr_float("alpha", 1.0f) != 1.0f || ctx.node.attr_float("beta", 1.0f) != 1.0f)
      ctx.fail("alpha and beta must be 1 in the int8 Gemm; fold them into the weights and bias");
  }

  static void check_bias(const PrepareContext& ctx, int64_t units) {
    const Slot& c = ctx.input(2);
    const bool vector = c.shape == ir::Shape{units} || c.shape == ir::Shape{1, units};
    if (c.dtype != ir::DType::Int32 || !vector)
      ctx.fail("C must be an int32 bias of " + std::to_string(units) + " values (scale input x weight), got " +
               std::string(ir::dtype_name(c.dtype)) + " " + ir::shape_to_string(c.shape));
  }

  // The weights as units x K.
  std::span<const int8_t> weights(const Slot& w) const {
    return transposed_.empty() ? w.data->values<int8_t>() : std::span<const int8_t>(transposed_);
  }

  // K x units -> units x K.
  void transpose_weights(std::span<const int8_t> w, int64_t depth, int64_t units) {
    transposed_.resize(w.size());
    for (int64_t k = 0; k < depth; ++k)
      for (int64_t u = 0; u < units; ++u)
        transposed_[static_cast<size_t>(u * depth + k)] = w[static_cast<size_t>(k * units + u)];
  }

  bool gemm_;
  int8_reference::FullyConnectedParams p_;
  std::vector<int8_t> transposed_;  // empty when the weight is already units x K or packed
  int8_fast::PackedFullyConnectedWeights packed_;  // empty: the reference loop runs
  exec::Isa isa_ = exec::detected_isa();
  size_t scratch_ = 0;
};

// MatMul: FULLY_CONNECTED when input 1 is a constant weight, else BATCH_MATMUL.
class MatMulInt8 final : public ClampingKernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    if (ctx.input(1).data)
      inner_ = std::make_unique<FullyConnectedInt8>(false);
    else
      inner_ = make_batch_matmul();
    inner_->prepare(ctx);
  }

  size_t scratch_bytes() const override { return inner_->scratch_bytes(); }
  void eval(const EvalArgs& args) const override { inner_->eval(args); }

 private:
  std::unique_ptr<kernels::Kernel> inner_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_gemm() { return std::make_unique<FullyConnectedInt8>(true); }
std::unique_ptr<kernels::Kernel> make_matmul() { return std::make_unique<MatMulInt8>(); }

}  // namespace tinyc::exec::int8_adapters

// int8 Add, Sub, Mul and two-activation MatMul adapters: TFLite's ADD, SUB, MUL and BATCH_MATMUL
// (int8_fast::fast_add_int8, which runs Sub's AddParams too, int8_fast::fast_mul_int8 and
// int8_reference::batch_matmul_int8), each input
// with its own parameters, numpy broadcasting, and the fused activation in the output's range.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_fast/add.h"
#include "exec/int8_fast/mul.h"
#include "exec/int8_reference/int8_add.h"
#include "exec/int8_reference/int8_batch_matmul.h"
#include "exec/int8_reference/int8_mul.h"

namespace tinyc::exec::int8_adapters {

namespace {

// Element counts of the two operands and the output.
struct Counts {
  int64_t a = 0, b = 0, out = 0;
};
Counts counts(const int8_reference::BroadcastPlan& p) { return {p.count_a, p.count_b, p.count}; }
Counts counts(const int8_reference::AddParams& p) { return counts(p.broadcast); }
Counts counts(const int8_reference::MulParams& p) { return counts(p.broadcast); }
Counts counts(const int8_reference::BatchMatMulParams& p) {
  return {p.batches.count_a * p.rows * p.depth, p.batches.count_b * p.depth * p.cols, p.batches.count * p.rows * p.cols};
}

// One adapter for every two-input op: their prepare and eval functions differ only in the params type.
template <class Params, auto prepare_op, auto run_op>
class BinaryInt8 final : public ClampingKernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& a_q = int8_input(ctx, 0, "input A");
    const ir::QuantParams& b_q = int8_input(ctx, 1, "input B");
    const ir::QuantParams& out_q = int8_output(ctx, 0);
    p_ = named(ctx, [&] {
      return prepare_op(ctx.input(0).shape, a_q, ctx.input(1).shape, b_q, out_q, fused_activation(ctx.node));
    });
    require_output_count(ctx, counts(p_).out);
  }

  void eval(const EvalArgs& args) const override {
    const Counts n = counts(p_);
    run_op(p_, args.in<int8_t>(0, n.a), args.in<int8_t>(1, n.b), args.out<int8_t>(0, n.out));
  }

 private:
  Params p_;
};

// Add on the widest instruction set the CPU has.
void add_int8(const int8_reference::AddParams& p, std::span<const int8_t> a, std::span<const int8_t> b,
              std::span<int8_t> output) {
  int8_fast::fast_add_int8(exec::detected_isa(), p, a, b, output);
}

// Mul on the widest instruction set the CPU has.
void mul_int8(const int8_reference::MulParams& p, std::span<const int8_t> a, std::span<const int8_t> b,
              std::span<int8_t> output) {
  int8_fast::fast_mul_int8(exec::detected_isa(), p, a, b, output);
}

}  // namespace

std::unique_ptr<kernels::Kernel> make_binary(Binary op) {
  if (op == Binary::Add) return std::make_unique<BinaryInt8<int8_reference::AddParams, int8_reference::prepare_add, add_int8>>();
  if (op == Binary::Sub) return std::make_unique<BinaryInt8<int8_reference::AddParams, int8_reference::prepare_sub, add_int8>>();
  return std::make_unique<BinaryInt8<int8_reference::MulParams, int8_reference::prepare_mul, mul_int8>>();
}

std::unique_ptr<kernels::Kernel> make_batch_matmul() {
  return std::make_unique<BinaryInt8<int8_reference::BatchMatMulParams, int8_reference::prepare_batch_matmul,
                                     int8_reference::batch_matmul_int8>>();
}

}  // namespace tinyc::exec::int8_adapters

// int8 Add, Sub and Mul adapters: TFLite's ADD, SUB and MUL (int8_fast::fast_add_int8, which runs
// Sub's AddParams too, and int8_reference::mul_int8), each input
// with its own parameters, numpy broadcasting, and the fused activation in the output's range.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_fast/add.h"
#include "exec/int8_reference/int8_add.h"
#include "exec/int8_reference/int8_mul.h"

namespace tinyc::exec::int8_adapters {

namespace {

// One adapter for both ops: their prepare and eval functions differ only in the params type.
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
    require_output_count(ctx, p_.broadcast.count);
  }

  void eval(const EvalArgs& args) const override {
    run_op(p_, args.in<int8_t>(0, p_.broadcast.count_a), args.in<int8_t>(1, p_.broadcast.count_b),
           args.out<int8_t>(0, p_.broadcast.count));
  }

 private:
  Params p_;
};

// Add on the widest instruction set the CPU has.
void add_int8(const int8_reference::AddParams& p, std::span<const int8_t> a, std::span<const int8_t> b,
              std::span<int8_t> output) {
  int8_fast::fast_add_int8(exec::detected_isa(), p, a, b, output);
}

}  // namespace

std::unique_ptr<kernels::Kernel> make_binary(Binary op) {
  if (op == Binary::Add) return std::make_unique<BinaryInt8<int8_reference::AddParams, int8_reference::prepare_add, add_int8>>();
  if (op == Binary::Sub) return std::make_unique<BinaryInt8<int8_reference::AddParams, int8_reference::prepare_sub, add_int8>>();
  return std::make_unique<BinaryInt8<int8_reference::MulParams, int8_reference::prepare_mul, int8_reference::mul_int8>>();
}

}  // namespace tinyc::exec::int8_adapters

// int8 PRelu adapter: TFLite's PRELU (int8_reference::prelu_int8), the slope an int8 operand with
// its own per-tensor parameters, broadcast against the input.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_prelu.h"

namespace tinyc::exec::int8_adapters {

namespace {

class PreluInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& slope_q = int8_input(ctx, 1, "slope");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    p_ = named(ctx, [&] {
      return int8_reference::prepare_prelu(ctx.input(0).shape, input_q, ctx.input(1).shape, slope_q, output_q);
    });
    require_output_count(ctx, p_.broadcast.count);
  }

  void eval(const EvalArgs& args) const override {
    int8_reference::prelu_int8(p_, args.in<int8_t>(0, p_.broadcast.count_a), args.in<int8_t>(1, p_.broadcast.count_b),
                               args.out<int8_t>(0, p_.broadcast.count));
  }

 private:
  int8_reference::PreluParams p_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_prelu() { return std::make_unique<PreluInt8>(); }

}  // namespace tinyc::exec::int8_adapters

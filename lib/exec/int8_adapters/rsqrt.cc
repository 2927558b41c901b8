// int8 Pow adapter: Pow(x, -0.5) is TFLite's RSQRT (int8_reference::rsqrt_int8) with its own output
// parameters; other exponents have no int8 kernel.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_rsqrt.h"

namespace tinyc::exec::int8_adapters {

namespace {

class RsqrtInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    if (!int8_reference::is_inverse_sqrt_exponent(ctx.node.input(1)))
      ctx.fail("the int8 Pow runs only as 1 / sqrt(x): its exponent must be the constant float -0.5");
    p_ = named(ctx, [&] { return int8_reference::prepare_rsqrt(input_q, output_q, ctx.input(0).count()); });
    require_output_count(ctx, p_.count);
  }

  void eval(const EvalArgs& args) const override {
    int8_reference::rsqrt_int8(p_, args.in<int8_t>(0, p_.count), args.out<int8_t>(0, p_.count));
  }

 private:
  int8_reference::RsqrtParams p_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_rsqrt() { return std::make_unique<RsqrtInt8>(); }

}  // namespace tinyc::exec::int8_adapters

// int8 HardSwish adapter: TFLite's HARD_SWISH (int8_reference::hard_swish_int8) with its own output
// parameters.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_hard_swish.h"

namespace tinyc::exec::int8_adapters {

namespace {

class HardSwishInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    p_ = named(ctx, [&] { return int8_reference::prepare_hard_swish(input_q, output_q, ctx.input(0).count()); });
    require_output_count(ctx, p_.count);
  }

  void eval(const EvalArgs& args) const override {
    int8_reference::hard_swish_int8(p_, args.in<int8_t>(0, p_.count), args.out<int8_t>(0, p_.count));
  }

 private:
  int8_reference::HardSwishParams p_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_hard_swish() { return std::make_unique<HardSwishInt8>(); }

}  // namespace tinyc::exec::int8_adapters

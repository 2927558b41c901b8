// int8 Sigmoid, Tanh and HardSwish adapters: TFLite's LOGISTIC and TANH (int8_reference::logistic_int8,
// int8_reference::tanh_int8) with their fixed output parameters (1/256, -128 and 1/128, 0), and
// HARD_SWISH (int8_reference::hard_swish_int8) with its own.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_activation.h"
#include "exec/int8_reference/int8_hard_swish.h"

namespace tinyc::exec::int8_adapters {

namespace {

// One adapter for the three ops: their prepare and eval functions have the same signatures.
template <class Params, auto prepare_op, auto run_op>
class UnaryActivationInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    p_ = named(ctx, [&] { return prepare_op(input_q, output_q, ctx.input(0).count()); });
    require_output_count(ctx, p_.count);
  }

  void eval(const EvalArgs& args) const override {
    run_op(p_, args.in<int8_t>(0, p_.count), args.out<int8_t>(0, p_.count));
  }

 private:
  Params p_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_fixed_activation(FixedActivation op) {
  using Fixed = int8_reference::FixedActivationParams;
  if (op == FixedActivation::Sigmoid)
    return std::make_unique<UnaryActivationInt8<Fixed, int8_reference::prepare_logistic, int8_reference::logistic_int8>>();
  return std::make_unique<UnaryActivationInt8<Fixed, int8_reference::prepare_tanh, int8_reference::tanh_int8>>();
}

std::unique_ptr<kernels::Kernel> make_hard_swish() {
  return std::make_unique<UnaryActivationInt8<int8_reference::HardSwishParams, int8_reference::prepare_hard_swish,
                                              int8_reference::hard_swish_int8>>();
}

}  // namespace tinyc::exec::int8_adapters

// int8 Sigmoid and Tanh adapters: TFLite's LOGISTIC and TANH (quant::logistic_int8,
// quant::tanh_int8) with their fixed output parameters (1/256, -128 and 1/128, 0).
#include "exec/kernels_int8/factories.h"
#include "exec/kernels_int8/int8_kernel.h"
#include "exec/quant/int8_activation.h"

namespace tinyc::exec::kernels_int8 {

namespace {

// One adapter for both ops: their prepare and eval functions have the same signatures.
template <auto prepare_op, auto run_op>
class FixedActivationInt8 final : public kernels::Kernel {
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
  quant::FixedActivationParams p_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_fixed_activation(FixedActivation op) {
  if (op == FixedActivation::Sigmoid)
    return std::make_unique<FixedActivationInt8<quant::prepare_logistic, quant::logistic_int8>>();
  return std::make_unique<FixedActivationInt8<quant::prepare_tanh, quant::tanh_int8>>();
}

}  // namespace tinyc::exec::kernels_int8

// int8 LeakyRelu adapter: TFLite's LEAKY_RELU (int8_reference::leaky_relu_int8), with its own output
// parameters and the node's alpha (ONNX default 0.01).
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_leaky_relu.h"

namespace tinyc::exec::int8_adapters {

namespace {

class LeakyReluInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    const float alpha = ctx.node.attr_float("alpha", 0.01f);
    p_ = named(ctx, [&] { return int8_reference::prepare_leaky_relu(input_q, output_q, alpha, ctx.input(0).count()); });
    require_output_count(ctx, p_.count);
  }

  void eval(const EvalArgs& args) const override {
    int8_reference::leaky_relu_int8(p_, args.in<int8_t>(0, p_.count), args.out<int8_t>(0, p_.count));
  }

 private:
  int8_reference::LeakyReluParams p_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_leaky_relu() { return std::make_unique<LeakyReluInt8>(); }

}  // namespace tinyc::exec::int8_adapters

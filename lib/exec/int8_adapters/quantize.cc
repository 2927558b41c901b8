// QuantizeLinear and DequantizeLinear adapters: TFLite's QUANTIZE (float32 -> int8,
// int8_fast::fast_quantize_int8) and DEQUANTIZE (int8 -> float32, int8_reference::dequantize_int8), per tensor. In
// tinyc's graph form (docs/ir.md) scale and zero point live on the int8 value, not in node inputs.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_fast/quantize.h"
#include "exec/int8_reference/int8_quantize.h"

namespace tinyc::exec::int8_adapters {

namespace {

// Fails unless the node has one input and its float side (QuantizeLinear's input,
// DequantizeLinear's output) is float32; the int8 side is checked with its parameters.
void check_float_side(const PrepareContext& ctx, const Slot& float_side, const std::string& role) {
  if (ctx.inputs.size() > 1)
    ctx.fail("takes one input; scale and zero point are the int8 value's quantization parameters, not node inputs");
  if (float_side.dtype != ir::DType::Float32)
    ctx.fail("the " + role + " must be float32, got " + std::string(ir::dtype_name(float_side.dtype)));
}

class QuantizeInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    check_float_side(ctx, ctx.required_input(0, "input"), "input");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    p_ = named(ctx, [&] { return int8_reference::prepare_affine(output_q, ctx.input(0).count(), "QuantizeLinear"); });
    require_output_count(ctx, p_.count);
  }

  void eval(const EvalArgs& args) const override {
    int8_fast::fast_quantize_int8(exec::detected_isa(), p_, args.in<float>(0, p_.count), args.out<int8_t>(0, p_.count));
  }

 private:
  int8_reference::AffineKernelParams p_;
};

class DequantizeInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    check_float_side(ctx, ctx.output(0), "output");
    p_ = named(ctx, [&] { return int8_reference::prepare_affine(input_q, ctx.input(0).count(), "DequantizeLinear"); });
    require_output_count(ctx, p_.count);
  }

  void eval(const EvalArgs& args) const override {
    int8_reference::dequantize_int8(p_, args.in<int8_t>(0, p_.count), args.out<float>(0, p_.count));
  }

 private:
  int8_reference::AffineKernelParams p_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_quantize() { return std::make_unique<QuantizeInt8>(); }
std::unique_ptr<kernels::Kernel> make_dequantize() { return std::make_unique<DequantizeInt8>(); }

}  // namespace tinyc::exec::int8_adapters

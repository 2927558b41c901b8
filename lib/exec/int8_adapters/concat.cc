// int8 Concat adapter: TFLite's CONCATENATION with an int8 QUANTIZE in front of every input whose
// parameters differ from the output's (int8_reference::concat_int8 computes that pair).
#include <memory>
#include <vector>

#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_concat.h"

namespace tinyc::exec::int8_adapters {

namespace {

using Input = std::span<const int8_t>;

class ConcatInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    std::vector<ir::Shape> shapes;
    std::vector<ir::QuantParams> params;
    for (size_t i = 0; i < ctx.inputs.size(); ++i) {
      params.push_back(int8_input(ctx, i, "input " + std::to_string(i)));
      shapes.push_back(ctx.input(i).shape);
    }
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    const int64_t axis = ctx.node.attr_int("axis", 1);
    p_ = named(ctx, [&] { return int8_reference::prepare_concat(shapes, params, output_q, axis); });
    output_count_ = p_.outer * p_.output_block;
    require_output_count(ctx, output_count_);
  }

  // The list of input spans lives in the scratch buffer, so eval does not allocate.
  size_t scratch_bytes() const override { return p_.blocks.size() * sizeof(Input); }

  void eval(const EvalArgs& args) const override {
    auto* inputs = reinterpret_cast<Input*>(args.scratch.data());
    for (size_t i = 0; i < p_.blocks.size(); ++i)
      std::construct_at(inputs + i, args.in<int8_t>(i, p_.outer * p_.blocks[i]));
    int8_reference::concat_int8(p_, std::span<const Input>(inputs, p_.blocks.size()), args.out<int8_t>(0, output_count_));
  }

 private:
  int8_reference::ConcatParams p_;
  int64_t output_count_ = 0;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_concat() { return std::make_unique<ConcatInt8>(); }

}  // namespace tinyc::exec::int8_adapters

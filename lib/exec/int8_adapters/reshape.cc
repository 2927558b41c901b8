// int8 ops without arithmetic: Identity, Reshape, Flatten, Squeeze, Unsqueeze (TFLite's RESHAPE,
// int8_reference::reshape_int8: a byte copy), Transpose, Slice, Split and Gather (TFLite's TRANSPOSE,
// STRIDED_SLICE, SPLIT / SPLIT_V and GATHER: bytes permuted, picked or cut), and ReduceMax and
// GlobalMaxPool (REDUCE_MAX: the largest int8 value is the largest real one), run by the float
// kernels, which handle elements of any type. TFLite requires every output to keep the input's
// parameters; both adapters check that.
#include "exec/kernels/factories.h"
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_reshape.h"

namespace tinyc::exec::int8_adapters {

namespace {

class ReshapeInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "data");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    require_same_params(ctx, input_q, output_q);
    p_ = named(ctx,
               [&] { return int8_reference::prepare_reshape(ctx.input(0).shape, input_q, ctx.output(0).shape, output_q); });
  }

  void eval(const EvalArgs& args) const override {
    int8_reference::reshape_int8(p_, args.in<int8_t>(0, p_.count), args.out<int8_t>(0, p_.count));
  }

 private:
  int8_reference::ReshapeParams p_;
};

// A float kernel that only moves or compares elements, run on int8 values.
class SameParamsInt8 final : public kernels::Kernel {
 public:
  explicit SameParamsInt8(std::unique_ptr<kernels::Kernel> inner) : mover_(std::move(inner)) {}

  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "data");
    for (size_t i = 0; i < ctx.outputs.size(); ++i) require_same_params(ctx, input_q, int8_output(ctx, i));
    mover_->prepare(ctx);
  }

  void eval(const EvalArgs& args) const override { mover_->eval(args); }

 private:
  std::unique_ptr<kernels::Kernel> mover_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_reshape() { return std::make_unique<ReshapeInt8>(); }
std::unique_ptr<kernels::Kernel> make_transpose() { return std::make_unique<SameParamsInt8>(kernels::make_transpose()); }
std::unique_ptr<kernels::Kernel> make_slice() { return std::make_unique<SameParamsInt8>(kernels::make_slice()); }
std::unique_ptr<kernels::Kernel> make_gather() { return std::make_unique<SameParamsInt8>(kernels::make_gather()); }
std::unique_ptr<kernels::Kernel> make_split() { return std::make_unique<SameParamsInt8>(kernels::make_split()); }
std::unique_ptr<kernels::Kernel> make_reduce_max(bool global) {
  return std::make_unique<SameParamsInt8>(kernels::make_reduce(kernels::Reduction::Max, global));
}

}  // namespace tinyc::exec::int8_adapters

// Block-copy kernels for any element type: Concat (inputs joined along `axis`), Split (the input
// cut along `axis` into the outputs' sizes) and Gather
// (slices of `data` along `axis` picked by int32/int64 indices, negative ones counting from the end).
#include <cstring>

#include "exec/kernels/factories.h"

namespace tinyc::exec::kernels {

namespace {

size_t element_bytes(const PrepareContext& ctx, const Slot& s) {
  const size_t bytes = ir::dtype_size(s.dtype);
  if (bytes == 0) ctx.fail(std::string(ir::dtype_name(s.dtype)) + " tensors are not supported");
  return bytes;
}

// Concat (`joins`: the parts are the inputs, the whole the output) and Split (the whole is the input,
// the parts the outputs): per step of the dims before `axis`, each part is one contiguous block of
// the whole, in part order.
class AxisBlocksKernel final : public Kernel {
 public:
  explicit AxisBlocksKernel(bool joins) : joins_(joins) {}

  void prepare(const PrepareContext& ctx) override {
    const Slot& whole = joins_ ? ctx.output(0) : ctx.required_input(0, "input");
    const std::vector<Slot>& parts = joins_ ? ctx.inputs : ctx.outputs;
    const int64_t axis = ctx.normalize_axis(ctx.node.attr_int("axis", 0), whole.rank());
    const size_t elem = element_bytes(ctx, whole);
    const ir::Shape& s = whole.shape;
    outer_ = ir::num_elements({s.begin(), s.begin() + axis});
    const int64_t inner = ir::num_elements({s.begin() + axis + 1, s.end()});
    int64_t total = 0;
    for (const Slot& part : parts) {
      if (!part.present || part.dtype != whole.dtype || part.rank() != whole.rank())
        ctx.fail(std::string(joins_ ? "inputs" : "outputs") + " must be present and share the " +
                 (joins_ ? "output" : "input") + "'s dtype and rank");
      block_bytes_.push_back(static_cast<size_t>(part.shape[static_cast<size_t>(axis)] * inner) * elem);
      total += part.shape[static_cast<size_t>(axis)];
    }
    if (total != s[static_cast<size_t>(axis)])
      throw InternalError(ctx.node.op_type + " '" + ctx.node.name + "': the parts do not add up to the whole");
  }

  void eval(const EvalArgs& args) const override {
    size_t offset = 0;  // into the whole
    for (int64_t o = 0; o < outer_; ++o) {
      for (size_t i = 0; i < block_bytes_.size(); ++i) {
        const size_t bytes = block_bytes_[i];
        if (bytes == 0) continue;
        if (joins_)
          std::memcpy(static_cast<std::byte*>(args.outputs[0]) + offset,
                      static_cast<const std::byte*>(args.inputs[i]) + o * bytes, bytes);
        else
          std::memcpy(static_cast<std::byte*>(args.outputs[i]) + o * bytes,
                      static_cast<const std::byte*>(args.inputs[0]) + offset, bytes);
        offset += bytes;
      }
    }
  }

 private:
  bool joins_;
  int64_t outer_ = 0;
  std::vector<size_t> block_bytes_;  // per part: bytes of one outer step
};

struct GatherParams {
  int64_t outer = 0, axis_size = 0, index_count = 0;
  size_t block_bytes = 0;  // one slice: prod(dims after axis) elements
};

template <class I>
void gather_reference(const GatherParams& p, const std::byte* data, const I* indices, std::byte* out) {
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t j = 0; j < p.index_count; ++j, out += p.block_bytes) {
      int64_t i = static_cast<int64_t>(indices[j]);
      if (i < -p.axis_size || i >= p.axis_size)
        throw InputError("Gather index " + std::to_string(i) + " is out of range for an axis of size " +
                         std::to_string(p.axis_size));
      if (i < 0) i += p.axis_size;
      std::memcpy(out, data + (o * p.axis_size + i) * static_cast<int64_t>(p.block_bytes), p.block_bytes);
    }
  }
}

class GatherKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const Slot& data = ctx.required_input(0, "data");
    const Slot& indices = ctx.required_input(1, "indices");
    ctx.require_dtype(1, {ir::DType::Int32, ir::DType::Int64});
    ctx.require_same_dtype(0, 0);
    if (data.rank() < 1) ctx.fail("data must have rank >= 1");
    const int64_t axis = ctx.normalize_axis(ctx.node.attr_int("axis", 0), data.rank());
    const ir::Shape& s = data.shape;
    p_.outer = ir::num_elements({s.begin(), s.begin() + axis});
    p_.axis_size = s[static_cast<size_t>(axis)];
    p_.index_count = indices.count();
    p_.block_bytes = static_cast<size_t>(ir::num_elements({s.begin() + axis + 1, s.end()})) * element_bytes(ctx, data);
    index_dtype_ = indices.dtype;
    if (ctx.output(0).count() != p_.outer * p_.index_count * ir::num_elements({s.begin() + axis + 1, s.end()}))
      throw InternalError("Gather '" + ctx.node.name + "': output shape does not match data and indices");
  }

  void eval(const EvalArgs& args) const override {
    const auto* data = static_cast<const std::byte*>(args.inputs[0]);
    auto* out = static_cast<std::byte*>(args.outputs[0]);
    if (index_dtype_ == ir::DType::Int32)
      gather_reference(p_, data, static_cast<const int32_t*>(args.inputs[1]), out);
    else
      gather_reference(p_, data, static_cast<const int64_t*>(args.inputs[1]), out);
  }

 private:
  GatherParams p_;
  ir::DType index_dtype_ = ir::DType::Int64;
};

}  // namespace

std::unique_ptr<Kernel> make_concat() { return std::make_unique<AxisBlocksKernel>(/*joins=*/true); }
std::unique_ptr<Kernel> make_split() { return std::make_unique<AxisBlocksKernel>(/*joins=*/false); }
std::unique_ptr<Kernel> make_gather() { return std::make_unique<GatherKernel>(); }

}  // namespace tinyc::exec::kernels

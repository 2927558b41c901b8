// Resize and Upsample (shape/resizing.h): nearest copies elements through an index map, for any
// element type (the int8 executor runs it on bytes); linear interpolates the last two dims in the
// element type, float32 or float64.
#include "exec/kernels/resize.h"

#include "exec/kernels/factories.h"
#include "exec/kernels/index_map.h"

namespace tinyc::exec::kernels {

shape::ResizeSpec prepared_resize_spec(const PrepareContext& ctx) {
  const Slot& sizes = ctx.input(3);
  std::optional<std::vector<int64_t>> known_sizes;
  if (ctx.node.op_type == "Resize" && sizes.present && sizes.data) known_sizes = sizes.data->to_int64();
  return shape::resolve_resize(ctx.node, ctx.input(0).shape, ctx.opset, known_sizes);
}

namespace {

class ResizeKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const Slot& x = ctx.required_input(0, "X");
    ctx.require_same_dtype(0, 0);
    spec_ = prepared_resize_spec(ctx);
    const ir::Shape out = spec_.output_shape();
    if (out != ctx.output(0).shape)
      throw InternalError("Resize '" + ctx.node.name + "': the output shape disagrees with the geometry");
    if (spec_.linear) {
      prepare_linear(ctx, x.shape);
      return;
    }
    element_bytes_ = ir::dtype_size(x.dtype);
    if (element_bytes_ == 0) ctx.fail(std::string(ir::dtype_name(x.dtype)) + " tensors are not supported");
    const std::vector<int64_t> strides = element_strides(x.shape);
    map_.out_dims = out;
    for (size_t d = 0; d < out.size(); ++d) {
      map_.offsets.emplace_back();
      for (int64_t source : shape::nearest_sources(spec_, spec_.axes[d])) map_.offsets[d].push_back(source * strides[d]);
    }
  }

  void eval(const EvalArgs& args) const override {
    if (spec_.linear) {
      dispatch_float(dtype_, [&]<class T>(Type<T>) { interpolate(static_cast<const T*>(args.inputs[0]), static_cast<T*>(args.outputs[0])); });
      return;
    }
    dispatch_bits(element_bytes_, [&]<class U>(Type<U>) {
      copy_mapped<U>(map_, static_cast<const U*>(args.inputs[0]), static_cast<U*>(args.outputs[0]), U{});
    });
  }

 private:
  // Linear: the dims before the last two keep their size; rank 1 is one row.
  void prepare_linear(const PrepareContext& ctx, const ir::Shape& in) {
    ctx.require_dtype(0, {ir::DType::Float32, ir::DType::Float64});
    dtype_ = ctx.input(0).dtype;
    const size_t rank = in.size();
    if (rank == 0) ctx.fail("linear Resize needs an input of rank 1 or more");
    for (size_t d = 0; d + 2 < rank; ++d)
      if (spec_.axes[d].out != spec_.axes[d].in) ctx.fail("linear Resize changes only the last two dims here");
    planes_ = ir::num_elements({in.begin(), in.end() - std::min<size_t>(rank, 2)});
    in_w_ = in[rank - 1];
    in_h_ = rank >= 2 ? in[rank - 2] : 1;
    columns_ = shape::linear_taps(spec_, spec_.axes[rank - 1]);
    rows_ = rank >= 2 ? shape::linear_taps(spec_, spec_.axes[rank - 2]) : std::vector<shape::LinearTap>{{0, 0, 0.0}};
  }

  template <class T>
  void interpolate(const T* x, T* y) const {
    for (int64_t p = 0; p < planes_; ++p, x += in_h_ * in_w_) {
      for (const shape::LinearTap& r : rows_) {
        const T* lower = x + r.lower * in_w_;
        const T* upper = x + r.upper * in_w_;
        const auto wy = static_cast<T>(r.weight);
        for (const shape::LinearTap& c : columns_) {
          const auto wx = static_cast<T>(c.weight);
          const T top = lower[c.lower] * (1 - wx) + lower[c.upper] * wx;
          const T bottom = upper[c.lower] * (1 - wx) + upper[c.upper] * wx;
          *y++ = top * (1 - wy) + bottom * wy;
        }
      }
    }
  }

  shape::ResizeSpec spec_;
  IndexMap map_;  // nearest
  size_t element_bytes_ = 0;
  ir::DType dtype_ = ir::DType::Float32;  // linear
  int64_t planes_ = 0, in_h_ = 1, in_w_ = 1;
  std::vector<shape::LinearTap> rows_, columns_;
};

}  // namespace

std::unique_ptr<Kernel> make_resize() { return std::make_unique<ResizeKernel>(); }

}  // namespace tinyc::exec::kernels

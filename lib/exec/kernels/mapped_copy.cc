// Kernels that copy elements through per-dimension index tables (index_map.h), for any element
// type: Transpose (perm), Slice (starts/ends/axes/steps, clamped as ONNX specifies) and Pad
// (constant/reflect/edge, negative pads crop).
#include <algorithm>
#include <cstring>

#include "exec/kernels/factories.h"
#include "exec/kernels/index_map.h"
#include "exec/shape/slicing.h"

namespace tinyc::exec::kernels {

namespace {

// Copies input 0 to output 0 through a map built by the subclass; the fill value is `fill_bits`
// unless `fill_input` names an input holding it.
class MappedCopyKernel : public Kernel {
 public:
  void eval(const EvalArgs& args) const override {
    dispatch_bits(element_bytes_, [&]<class U>(Type<U>) {
      U fill{};
      std::memcpy(&fill, fill_input_ >= 0 ? args.inputs[static_cast<size_t>(fill_input_)] : &fill_bits_, sizeof(U));
      copy_mapped<U>(map_, static_cast<const U*>(args.inputs[0]), static_cast<U*>(args.outputs[0]), fill);
    });
  }

 protected:
  // Common checks; then the subclass fills map_.
  void prepare_common(const PrepareContext& ctx) {
    const Slot& x = ctx.required_input(0, "data");
    ctx.require_same_dtype(0, 0);
    element_bytes_ = ir::dtype_size(x.dtype);
    if (element_bytes_ == 0) ctx.fail(std::string(ir::dtype_name(x.dtype)) + " tensors are not supported");
    map_.out_dims = ctx.output(0).shape;
    map_.offsets.assign(map_.out_dims.size(), {});
  }

  void check_out_dim(const PrepareContext& ctx, size_t d, int64_t size) const {
    if (map_.out_dims[d] != size)
      throw InternalError(ctx.node.op_type + " '" + ctx.node.name + "': output dim " + std::to_string(d) + " is " +
                          std::to_string(map_.out_dims[d]) + ", the kernel computes " + std::to_string(size));
  }

  IndexMap map_;
  size_t element_bytes_ = 0;
  uint64_t fill_bits_ = 0;
  int64_t fill_input_ = -1;
};

class TransposeKernel final : public MappedCopyKernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    prepare_common(ctx);
    const ir::Shape& in = ctx.input(0).shape;
    const int64_t rank = static_cast<int64_t>(in.size());
    std::vector<int64_t> perm(in.size());
    for (int64_t i = 0; i < rank; ++i) perm[static_cast<size_t>(i)] = rank - 1 - i;
    perm = ctx.node.attr_ints("perm", perm);
    std::vector<int64_t> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    for (int64_t i = 0; i < rank; ++i)
      if (sorted.size() != in.size() || sorted[static_cast<size_t>(i)] != i)
        ctx.fail("perm is not a permutation of 0.." + std::to_string(rank - 1));
    const std::vector<int64_t> strides = element_strides(in);
    for (size_t d = 0; d < in.size(); ++d) {
      const size_t from = static_cast<size_t>(perm[d]);
      check_out_dim(ctx, d, in[from]);
      for (int64_t i = 0; i < in[from]; ++i) map_.offsets[d].push_back(i * strides[from]);
    }
  }
};

// Before opset 10 starts/ends/axes are attributes; from 10 they (and steps) are inputs 1..4. The
// clamping is shape::resolve_slice's, the one shape inference uses.
class SliceKernel final : public MappedCopyKernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    prepare_common(ctx);
    const ir::Shape& in = ctx.input(0).shape;
    const bool inputs = ctx.opset >= 10;
    const std::vector<int64_t> starts = inputs ? ctx.static_ints(1, "starts") : ctx.node.attr_ints("starts", {});
    const std::vector<int64_t> ends = inputs ? ctx.static_ints(2, "ends") : ctx.node.attr_ints("ends", {});
    const std::vector<int64_t> axes =
        inputs ? (ctx.input(3).present ? ctx.static_ints(3, "axes") : std::vector<int64_t>{})
               : ctx.node.attr_ints("axes", {});
    const std::vector<int64_t> steps =
        inputs && ctx.input(4).present ? ctx.static_ints(4, "steps") : std::vector<int64_t>{};
    const std::vector<shape::AxisRange> ranges = shape::resolve_slice(ctx.node, in, starts, ends, axes, steps);
    const std::vector<int64_t> strides = element_strides(in);
    for (size_t d = 0; d < in.size(); ++d) {
      const shape::AxisRange& r = ranges[d];
      check_out_dim(ctx, d, r.count);
      for (int64_t i = 0; i < r.count; ++i) map_.offsets[d].push_back((r.start + i * r.step) * strides[d]);
    }
  }
};

// Before opset 11 pads and the fill value are attributes ("paddings" in opset 1); from 11 pads
// is input 1 and constant_value input 2; opset 18 adds axes as input 3.
class PadKernel final : public MappedCopyKernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    prepare_common(ctx);
    const Slot& x = ctx.input(0);
    const int64_t rank = x.rank();
    const std::string mode = ctx.node.attr_string("mode", "constant");
    if (mode != "constant" && mode != "reflect" && mode != "edge")
      ctx.fail("mode '" + mode + "' is not supported (constant, reflect, edge)");
    std::vector<int64_t> pads;
    std::vector<int64_t> axes;
    if (ctx.opset >= 11) {
      pads = ctx.static_ints(1, "pads");
      if (ctx.input(3).present)
        for (int64_t a : ctx.static_ints(3, "axes")) axes.push_back(ctx.normalize_axis(a, rank));
      if (ctx.input(2).present && ctx.input(2).count() > 0) {
        if (ctx.input(2).dtype != x.dtype) ctx.fail("constant_value must have the data's dtype");
        fill_input_ = 2;
      }
    } else {
      pads = ctx.node.attr_ints(ctx.node.has_attr("paddings") ? "paddings" : "pads", {});
      set_fill_from_attr(ctx, ctx.node.attr_float("value", 0.0f));
    }
    if (axes.empty())
      for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
    if (pads.size() != 2 * axes.size())
      ctx.fail("pads has " + std::to_string(pads.size()) + " entries, expected " + std::to_string(2 * axes.size()));
    std::vector<int64_t> begin(static_cast<size_t>(rank), 0), end(static_cast<size_t>(rank), 0);
    for (size_t i = 0; i < axes.size(); ++i) {
      begin[static_cast<size_t>(axes[i])] = pads[i];
      end[static_cast<size_t>(axes[i])] = pads[i + axes.size()];
    }
    const std::vector<int64_t> strides = element_strides(x.shape);
    for (size_t d = 0; d < x.shape.size(); ++d) {
      const int64_t n = x.shape[d];
      check_out_dim(ctx, d, n + begin[d] + end[d]);
      if (n == 0 && mode != "constant" && map_.out_dims[d] > 0) ctx.fail(mode + " padding of an empty dim");
      for (int64_t i = 0; i < map_.out_dims[d]; ++i) {
        const int64_t src = source_index(mode, i - begin[d], n);
        map_.offsets[d].push_back(src == kFillIndex ? kFillIndex : src * strides[d]);
      }
    }
  }

 private:
  // Where output index `i` (already shifted by the begin pad) reads along a dim of size n.
  static int64_t source_index(const std::string& mode, int64_t i, int64_t n) {
    if (i >= 0 && i < n) return i;
    if (mode == "constant") return kFillIndex;
    if (mode == "edge" || n == 1) return std::clamp<int64_t>(i, 0, n - 1);
    const int64_t period = 2 * (n - 1);  // reflect without repeating the edge element
    int64_t m = i % period;
    if (m < 0) m += period;
    return m < n ? m : period - m;
  }

  void set_fill_from_attr(const PrepareContext& ctx, float value) {
    const ir::DType dtype = ctx.input(0).dtype;
    if (value == 0.0f) return;  // zero bits are zero in every dtype
    if (std::find(kNumericTypes.begin(), kNumericTypes.end(), dtype) == kNumericTypes.end())
      ctx.fail("a non-zero pad value needs a float32/64 or integer dtype");
    dispatch_numeric(dtype, [&]<class T>(Type<T>) {
      const T v = static_cast<T>(value);
      std::memcpy(&fill_bits_, &v, sizeof(T));
    });
  }
};

}  // namespace

std::unique_ptr<Kernel> make_transpose() { return std::make_unique<TransposeKernel>(); }
std::unique_ptr<Kernel> make_slice() { return std::make_unique<SliceKernel>(); }
std::unique_ptr<Kernel> make_pad() { return std::make_unique<PadKernel>(); }

}  // namespace tinyc::exec::kernels

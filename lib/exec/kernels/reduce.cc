// Reductions over a set of axes: ReduceMean, ReduceMax, ReduceMin, ReduceSum, ReduceProd,
// ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp, ReduceSumSquare (axes from the attribute, or
// input 1 from opset 18 (ReduceSum: 13); keepdims; noop_with_empty_axes), GlobalAveragePool (mean
// over every spatial dim) and GlobalMaxPool (max over every spatial dim). keepdims only changes the
// shape, never the element order.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "exec/kernels/factories.h"
#include "exec/shape/reduction.h"

namespace tinyc::exec::kernels {

namespace {

// The input's dims with size-1 dims dropped and neighbours merged when both are reduced or both
// kept; out_strides is 0 on reduced dims. The last dim is the inner loop.
struct ReducePlan {
  int64_t rank = 1;
  std::array<int64_t, kMaxRank> dims{};
  std::array<int64_t, kMaxRank> out_strides{};
  int64_t in_count = 0, out_count = 0, reduce_count = 1;
};

ReducePlan plan_reduce(const PrepareContext& ctx, const ir::Shape& in, const std::vector<bool>& axes) {
  std::vector<int64_t> dims;
  std::vector<bool> reduced;
  ReducePlan p;
  for (size_t i = 0; i < in.size(); ++i) {
    const bool r = axes[i];
    if (r) p.reduce_count *= in[i];
    if (in[i] == 1) continue;
    if (!dims.empty() && reduced.back() == r) {
      dims.back() *= in[i];
    } else {
      dims.push_back(in[i]);
      reduced.push_back(r);
    }
  }
  if (dims.empty()) {
    dims = {1};
    reduced = {false};
  }
  if (dims.size() > kMaxRank) ctx.fail("reducing over more than " + std::to_string(kMaxRank) + " dims");
  p.rank = static_cast<int64_t>(dims.size());
  int64_t pitch = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    p.dims[i] = dims[i];
    p.out_strides[i] = reduced[i] ? 0 : pitch;
    if (!reduced[i]) pitch *= dims[i];
  }
  p.in_count = ir::num_elements(in);
  p.out_count = pitch;
  return p;
}

// y[out(i)] = op(y[out(i)], x[i]) over the input in C order; y holds the identity on entry.
template <class T, class Op>
void reduce_walk(const ReducePlan& p, const T* x, T* y, Op op) {
  const size_t last = static_cast<size_t>(p.rank - 1);
  const int64_t inner = p.dims[last];
  const int64_t inner_stride = p.out_strides[last];
  const int64_t rows = inner == 0 ? 0 : p.in_count / inner;
  std::array<int64_t, kMaxRank> index{};
  int64_t o = 0;
  for (int64_t r = 0; r < rows; ++r, x += inner) {
    if (inner_stride == 0) {
      T acc = y[o];
      for (int64_t i = 0; i < inner; ++i) acc = op(acc, x[i]);
      y[o] = acc;
    } else {
      for (int64_t i = 0; i < inner; ++i) y[o + i] = op(y[o + i], x[i]);
    }
    for (size_t d = last; d-- > 0;) {
      o += p.out_strides[d];
      if (++index[d] < p.dims[d]) break;
      o -= p.out_strides[d] * p.dims[d];
      index[d] = 0;
    }
  }
}

// Fills y with `init`, folds every input element in with `op`, then maps each result with `last`.
template <class T, class Op, class Last>
void reduce_into(const ReducePlan& p, const T* x, T* y, T init, Op op, Last last) {
  std::fill(y, y + p.out_count, init);
  reduce_walk(p, x, y, op);
  for (int64_t i = 0; i < p.out_count; ++i) y[i] = last(y[i]);
}

// Accumulation: sums, products and norms fold reduce_count elements in T, in input order.
template <class T>
void reduce_reference(Reduction op, const ReducePlan& p, const T* x, T* y) {
  const auto same = [](T v) { return v; };
  const auto add = [](T acc, T v) { return static_cast<T>(acc + v); };
  constexpr T kLowest = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                             : std::numeric_limits<T>::lowest();
  constexpr T kHighest = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                                              : std::numeric_limits<T>::max();
  switch (op) {
    case Reduction::Max: return reduce_into(p, x, y, kLowest, [](T a, T v) { return std::max(a, v); }, same);
    case Reduction::Min: return reduce_into(p, x, y, kHighest, [](T a, T v) { return std::min(a, v); }, same);
    default: break;
  }
  if constexpr (std::is_floating_point_v<T>) {
    const T count = static_cast<T>(p.reduce_count);
    switch (op) {
      case Reduction::Mean: return reduce_into(p, x, y, T(0), add, [=](T s) { return count > 0 ? s / count : s; });
      case Reduction::Sum: return reduce_into(p, x, y, T(0), add, same);
      case Reduction::Prod: return reduce_into(p, x, y, T(1), [](T a, T v) { return a * v; }, same);
      case Reduction::L1: return reduce_into(p, x, y, T(0), [](T a, T v) { return a + std::fabs(v); }, same);
      case Reduction::L2: return reduce_into(p, x, y, T(0), [](T a, T v) { return a + v * v; }, [](T s) { return std::sqrt(s); });
      case Reduction::SumSquare: return reduce_into(p, x, y, T(0), [](T a, T v) { return a + v * v; }, same);
      case Reduction::LogSum: return reduce_into(p, x, y, T(0), add, [](T s) { return std::log(s); });
      case Reduction::LogSumExp:
        return reduce_into(p, x, y, T(0), [](T a, T v) { return a + std::exp(v); }, [](T s) { return std::log(s); });
      default: break;
    }
  }
  throw InternalError("reduction reached eval with an unsupported dtype");
}

class ReduceKernel final : public Kernel {
 public:
  ReduceKernel(Reduction op, bool global) : op_(op), global_(global) {}

  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, op_ == Reduction::Max || op_ == Reduction::Min ? kNumericTypes : kFloatTypes);
    ctx.require_same_dtype(0, 0);
    const Slot& x = ctx.input(0);
    dtype_ = x.dtype;
    std::vector<bool> axes(x.shape.size(), false);
    if (global_) {
      if (x.rank() < 2) ctx.fail("input must have rank >= 2 (N x C x spatial)");
      std::fill(axes.begin() + 2, axes.end(), true);
    } else {
      const std::vector<int64_t> listed =
          ctx.opset >= shape::reduce_axes_input_since(ctx.node)
              ? (ctx.input(1).present ? ctx.static_ints(1, "axes") : std::vector<int64_t>{})
              : ctx.node.attr_ints("axes", {});
      axes = shape::reduced_axes(ctx.node, ctx.opset, x.rank(), listed);
    }
    plan_ = plan_reduce(ctx, x.shape, axes);
    if (plan_.out_count != ctx.output(0).count())
      throw InternalError(ctx.node.op_type + " '" + ctx.node.name + "': output shape " +
                          ir::shape_to_string(ctx.output(0).shape) + " does not match the reduced axes");
  }

  void eval(const EvalArgs& args) const override {
    dispatch_numeric(dtype_, [&]<class T>(Type<T>) {
      reduce_reference<T>(op_, plan_, static_cast<const T*>(args.inputs[0]), static_cast<T*>(args.outputs[0]));
    });
  }

 private:
  Reduction op_;
  bool global_;
  ir::DType dtype_ = ir::DType::Undefined;
  ReducePlan plan_;
};

}  // namespace

std::unique_ptr<Kernel> make_reduce(Reduction op, bool global) { return std::make_unique<ReduceKernel>(op, global); }

}  // namespace tinyc::exec::kernels

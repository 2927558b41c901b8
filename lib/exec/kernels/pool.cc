// MaxPool (with optional Indices output) and AveragePool, N-D, with pads, strides, dilations,
// auto_pad and ceil_mode. Windows never read padding: MaxPool ignores it, AveragePool divides by
// the number of input elements in the window, or with count_include_pad=1 by the number of
// positions inside input + pads (positions beyond the end padding that ceil_mode adds never count).
// 1-D and 2-D pools walk each window over its kernel span clamped to the input (resolved in
// prepare); more spatial dims visit every window position and skip the padding.
#include <algorithm>
#include <limits>
#include <optional>

#include "exec/kernels/columns.h"
#include "exec/kernels/factories.h"

namespace tinyc::exec::kernels {

namespace {

struct PoolParams {
  ColumnGeometry geometry;           // columns = output grid, targets = input grid
  std::optional<PlaneWindow> plane;  // set for 1 or 2 spatial dims
  int64_t planes = 0;                // N * C
};

// Resolves the window of a pool node and checks it against the inferred output shape.
shape::WindowGeometry prepare_pool(const PrepareContext& ctx, PoolParams& p) {
  const Slot& x = ctx.input(0);
  if (x.rank() < 3) ctx.fail("input must have rank >= 3 (N x C x spatial), got " + ir::shape_to_string(x.shape));
  ctx.require_same_dtype(0, 0);
  const std::vector<int64_t> in_grid = spatial_dims(x.shape);
  const std::vector<int64_t> kernel = ctx.node.attr_ints("kernel_shape", {});
  const bool ceil_mode = ctx.node.attr_int("ceil_mode", 0) != 0;
  shape::WindowGeometry window = shape::resolve_window(ctx.node, in_grid, kernel, ceil_mode);
  ir::Shape expected{x.shape[0], x.shape[1]};
  expected.insert(expected.end(), window.output.begin(), window.output.end());
  if (expected != ctx.output(0).shape)
    throw InternalError(ctx.node.op_type + " '" + ctx.node.name + "': output shape " +
                        ir::shape_to_string(ctx.output(0).shape) + " disagrees with the window geometry " +
                        ir::shape_to_string(expected));
  p.geometry = make_column_geometry(ctx, window, window.output, in_grid);
  p.plane = plane_window(p.geometry);
  p.planes = x.shape[0] * x.shape[1];
  return window;
}

// Flat index of C-order position `t` of grid `dims` when the grid is stored column-major.
int64_t column_major_index(const ColumnGeometry& g, int64_t t) {
  int64_t index = 0, pitch = 1;
  std::array<int64_t, kMaxRank> coord{};
  for (int64_t d = g.rank - 1; d >= 0; --d) {
    coord[static_cast<size_t>(d)] = t % g.targets[static_cast<size_t>(d)];
    t /= g.targets[static_cast<size_t>(d)];
  }
  for (int64_t d = 0; d < g.rank; ++d) {
    index += coord[static_cast<size_t>(d)] * pitch;
    pitch *= g.targets[static_cast<size_t>(d)];
  }
  return index;
}

// Calls window(j, elements) for every output j of a plane in C order; elements(visit) calls
// visit(t) for the flat in-plane index t of every element of j's window that lies inside the input,
// in window order. 1-D and 2-D windows loop over their clamped kernel spans; higher ranks test
// every window position.
template <class Window>
void for_each_window(const PoolParams& p, Window&& window) {
  if (p.plane) {
    const PlaneWindow& g = *p.plane;
    int64_t j = 0;
    for (const InsideRange& kr : g.row_spans) {
      for (const InsideRange& kc : g.col_spans) {
        window(j++, [&](auto&& visit) {
          for (int64_t kh = kr.begin; kh < kr.end; ++kh) {
            const int64_t row = (kr.input_offset + kh * g.dilation_h) * g.in_w + kc.input_offset;
            for (int64_t kw = kc.begin; kw < kc.end; ++kw) visit(row + kw * g.dilation_w);
          }
        });
      }
    }
    return;
  }
  const ColumnGeometry& g = p.geometry;
  const size_t rank = static_cast<size_t>(g.rank);
  std::array<int64_t, kMaxRank> pos{};  // output position of j
  for (int64_t j = 0; j < g.column_count; ++j) {
    window(j, [&](auto&& visit) {
      std::array<int64_t, kMaxRank> k{};
      for (int64_t kk = 0; kk < g.kernel_count; ++kk) {
        int64_t t = 0;
        bool inside = true;
        for (size_t d = 0; d < rank; ++d) {
          const int64_t target = pos[d] * g.strides[d] - g.pads[d] + k[d] * g.dilations[d];
          inside = inside && target >= 0 && target < g.targets[d];
          t = t * g.targets[d] + target;
        }
        if (inside) visit(t);
        next_kernel_offset(g, k);
      }
    });
    for (size_t d = rank; d-- > 0;) {
      if (++pos[d] < g.columns[d]) break;
      pos[d] = 0;
    }
  }
}

// The first maximum in window order wins; indices are flat over the whole input tensor. An output
// whose window holds no input element is the lowest value, with index -1.
template <class T>
void max_pool_reference(const PoolParams& p, bool column_major, const T* x, T* y, int64_t* indices) {
  const ColumnGeometry& g = p.geometry;
  const T lowest = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                        : std::numeric_limits<T>::lowest();
  for (int64_t plane = 0; plane < p.planes; ++plane) {
    const T* xp = x + plane * g.target_count;
    T* yp = y + plane * g.column_count;
    int64_t* ip = indices ? indices + plane * g.column_count : nullptr;
    for_each_window(p, [&](int64_t j, auto&& elements) {
      T best = lowest;
      if (!ip) {
        elements([&](int64_t t) { best = xp[t] > best ? xp[t] : best; });
        yp[j] = best;
        return;
      }
      int64_t at = -1;
      elements([&](int64_t t) {
        if (at < 0 || xp[t] > best) {
          best = xp[t];
          at = t;
        }
      });
      yp[j] = best;
      ip[j] = at < 0 ? at : plane * g.target_count + (column_major ? column_major_index(g, at) : at);
    });
  }
}

class MaxPoolKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, kNumericTypes);
    prepare_pool(ctx, p_);
    dtype_ = ctx.input(0).dtype;
    with_indices_ = ctx.output(1).present;
    if (with_indices_ && ctx.output(1).dtype != ir::DType::Int64)
      throw InternalError("MaxPool '" + ctx.node.name + "': Indices output is not int64");
    column_major_ = ctx.node.attr_int("storage_order", 0) != 0;
  }

  void eval(const EvalArgs& args) const override {
    dispatch_numeric(dtype_, [&]<class T>(Type<T>) {
      max_pool_reference<T>(p_, column_major_, static_cast<const T*>(args.inputs[0]), static_cast<T*>(args.outputs[0]),
                            with_indices_ ? static_cast<int64_t*>(args.outputs[1]) : nullptr);
    });
  }

 private:
  ir::DType dtype_ = ir::DType::Undefined;
  PoolParams p_;
  bool with_indices_ = false;
  bool column_major_ = false;
};

// Accumulation: each output sums at most kernel_count elements in T before one division.
template <class T>
void average_pool_reference(const PoolParams& p, const std::vector<int64_t>& divisors, const T* x, T* y) {
  const ColumnGeometry& g = p.geometry;
  for (int64_t plane = 0; plane < p.planes; ++plane) {
    const T* xp = x + plane * g.target_count;
    T* yp = y + plane * g.column_count;
    for_each_window(p, [&](int64_t j, auto&& elements) {
      T sum = 0;
      elements([&](int64_t t) { sum += xp[t]; });
      const int64_t divisor = divisors[static_cast<size_t>(j)];
      yp[j] = divisor > 0 ? sum / static_cast<T>(divisor) : T(0);
    });
  }
}

// Per output position, how many window positions count: the product over dims of the positions
// inside [0, in) (or [-pad_begin, in + pad_end) with count_include_pad).
std::vector<int64_t> average_divisors(const PoolParams& p, const shape::WindowGeometry& w, bool include_pad) {
  const ColumnGeometry& g = p.geometry;
  std::vector<int64_t> divisors(static_cast<size_t>(g.column_count), 1);
  int64_t pitch = g.column_count;
  for (int64_t d = 0; d < g.rank; ++d) {
    const size_t du = static_cast<size_t>(d);
    const int64_t lo = include_pad ? -w.pads_begin[du] : 0;
    const int64_t hi = g.targets[du] + (include_pad ? w.pads_end[du] : 0);
    pitch /= g.columns[du];
    for (int64_t j = 0; j < g.column_count; ++j) {
      const int64_t o = (j / pitch) % g.columns[du];
      int64_t count = 0;
      for (int64_t i = 0; i < g.kernel[du]; ++i) {
        const int64_t t = o * g.strides[du] - g.pads[du] + i * g.dilations[du];
        count += t >= lo && t < hi;
      }
      divisors[static_cast<size_t>(j)] *= count;
    }
  }
  return divisors;
}

class AveragePoolKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, kFloatTypes);
    const shape::WindowGeometry window = prepare_pool(ctx, p_);
    dtype_ = ctx.input(0).dtype;
    divisors_ = average_divisors(p_, window, ctx.node.attr_int("count_include_pad", 0) != 0);
  }

  void eval(const EvalArgs& args) const override {
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      average_pool_reference<T>(p_, divisors_, static_cast<const T*>(args.inputs[0]), static_cast<T*>(args.outputs[0]));
    });
  }

 private:
  ir::DType dtype_ = ir::DType::Undefined;
  PoolParams p_;
  std::vector<int64_t> divisors_;
};

}  // namespace

std::unique_ptr<Kernel> make_max_pool() { return std::make_unique<MaxPoolKernel>(); }
std::unique_ptr<Kernel> make_average_pool() { return std::make_unique<AveragePoolKernel>(); }

}  // namespace tinyc::exec::kernels

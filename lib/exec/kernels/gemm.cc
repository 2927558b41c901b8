// Gemm (Y = alpha * op(A) * op(B) + beta * C, C broadcast to M x N) and MatMul (numpy matmul:
// 1-D operands promoted, batch dims broadcast), both on Eigen's GEMM over row-major maps.
#include <Eigen/Core>

#include "exec/kernels/broadcast.h"
#include "exec/kernels/factories.h"
#include "exec/shape/broadcast.h"

namespace tinyc::exec::kernels {

namespace {

template <class T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct GemmParams {
  int64_t m = 0, k = 0, n = 0;
  bool trans_a = false, trans_b = false;
  float alpha = 1, beta = 1;
  bool has_c = false;
  int64_t c_row_stride = 0, c_col_stride = 0;  // 0 along broadcast dims of C
};

// Accumulation: every output is a dot product of k terms in T, then scaled and biased.
template <class T>
void gemm_reference(const GemmParams& p, const T* a, const T* b, const T* c, T* y) {
  Eigen::Map<const RowMajor<T>> ma(a, p.trans_a ? p.k : p.m, p.trans_a ? p.m : p.k);
  Eigen::Map<const RowMajor<T>> mb(b, p.trans_b ? p.n : p.k, p.trans_b ? p.k : p.n);
  Eigen::Map<RowMajor<T>> out(y, p.m, p.n);
  if (p.trans_a && p.trans_b) out.noalias() = ma.transpose() * mb.transpose();
  else if (p.trans_a) out.noalias() = ma.transpose() * mb;
  else if (p.trans_b) out.noalias() = ma * mb.transpose();
  else out.noalias() = ma * mb;
  if (p.alpha != 1) out *= static_cast<T>(p.alpha);
  if (!p.has_c) return;
  const T beta = static_cast<T>(p.beta);
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) out(i, j) += beta * c[i * p.c_row_stride + j * p.c_col_stride];
}

class GemmKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, kFloatTypes);
    const Slot& a = ctx.input(0);
    const Slot& b = ctx.required_input(1, "B");
    if (a.rank() != 2 || b.rank() != 2 || b.dtype != a.dtype)
      ctx.fail("A and B must be matrices of one dtype, got " + ir::shape_to_string(a.shape) + " and " +
               ir::shape_to_string(b.shape));
    dtype_ = a.dtype;
    p_.trans_a = ctx.node.attr_int("transA", 0) != 0;
    p_.trans_b = ctx.node.attr_int("transB", 0) != 0;
    p_.alpha = ctx.node.attr_float("alpha", 1.0f);
    p_.beta = ctx.node.attr_float("beta", 1.0f);
    p_.m = a.shape[p_.trans_a ? 1 : 0];
    p_.k = a.shape[p_.trans_a ? 0 : 1];
    p_.n = b.shape[p_.trans_b ? 0 : 1];
    if (b.shape[p_.trans_b ? 1 : 0] != p_.k)
      ctx.fail("inner dims of A " + ir::shape_to_string(a.shape) + " and B " + ir::shape_to_string(b.shape) +
               " differ");
    if (ctx.output(0).shape != ir::Shape{p_.m, p_.n})
      throw InternalError("Gemm '" + ctx.node.name + "': output shape " + ir::shape_to_string(ctx.output(0).shape) +
                          " is not " + std::to_string(p_.m) + "x" + std::to_string(p_.n));
    const Slot& c = ctx.input(2);
    p_.has_c = c.present;
    if (!c.present) return;
    if (c.dtype != dtype_ || c.rank() > 2 || !shape::broadcasts_to(c.shape, {p_.m, p_.n}))
      ctx.fail("C " + ir::shape_to_string(c.shape) + " does not broadcast to " + std::to_string(p_.m) + "x" +
               std::to_string(p_.n));
    const int64_t rows = c.rank() == 2 ? c.shape[0] : 1;
    const int64_t cols = c.rank() >= 1 ? c.shape.back() : 1;
    p_.c_row_stride = rows == 1 ? 0 : cols;
    p_.c_col_stride = cols == 1 ? 0 : 1;
  }

  void eval(const EvalArgs& args) const override {
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      gemm_reference<T>(p_, static_cast<const T*>(args.inputs[0]), static_cast<const T*>(args.inputs[1]),
                        p_.has_c ? static_cast<const T*>(args.inputs[2]) : nullptr, static_cast<T*>(args.outputs[0]));
    });
  }

 private:
  ir::DType dtype_ = ir::DType::Undefined;
  GemmParams p_;
};

// Element offsets of each matrix of A and B, per output matrix (batch dims broadcast).
struct MatMulParams {
  int64_t m = 0, k = 0, n = 0;
  std::vector<int64_t> a_offsets, b_offsets;
};

// Accumulation: every output is a dot product of k terms in T.
template <class T>
void matmul_reference(const MatMulParams& p, const T* a, const T* b, T* y) {
  for (size_t i = 0; i < p.a_offsets.size(); ++i) {
    Eigen::Map<const RowMajor<T>> ma(a + p.a_offsets[i], p.m, p.k);
    Eigen::Map<const RowMajor<T>> mb(b + p.b_offsets[i], p.k, p.n);
    Eigen::Map<RowMajor<T>> out(y + static_cast<int64_t>(i) * p.m * p.n, p.m, p.n);
    out.noalias() = ma * mb;
  }
}

class MatMulKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, kFloatTypes);
    const Slot& a = ctx.input(0);
    const Slot& b = ctx.required_input(1, "B");
    if (a.rank() < 1 || b.rank() < 1 || b.dtype != a.dtype)
      ctx.fail("operands must be tensors of rank >= 1 and one dtype");
    dtype_ = a.dtype;
    // 1-D operands become a row (A) or a column (B) matrix.
    const ir::Shape sa = a.rank() == 1 ? ir::Shape{1, a.shape[0]} : a.shape;
    const ir::Shape sb = b.rank() == 1 ? ir::Shape{b.shape[0], 1} : b.shape;
    p_.m = sa[sa.size() - 2];
    p_.k = sa.back();
    p_.n = sb.back();
    if (sb[sb.size() - 2] != p_.k)
      ctx.fail("inner dims of " + ir::shape_to_string(a.shape) + " and " + ir::shape_to_string(b.shape) + " differ");
    const ir::Shape batch_a(sa.begin(), sa.end() - 2);
    const ir::Shape batch_b(sb.begin(), sb.end() - 2);
    const auto batch = shape::broadcast_shapes(batch_a, batch_b);
    if (!batch) ctx.fail("batch dims of " + ir::shape_to_string(a.shape) + " and " + ir::shape_to_string(b.shape) +
                         " do not broadcast");
    if (ir::num_elements(*batch) * p_.m * p_.n != ctx.output(0).count())
      throw InternalError("MatMul '" + ctx.node.name + "': output shape " + ir::shape_to_string(ctx.output(0).shape) +
                          " does not match its operands");
    const BroadcastPlan plan = plan_broadcast(ctx, *batch, batch_a, batch_b);
    const size_t last = static_cast<size_t>(plan.rank - 1);
    for_each_broadcast_row(plan, [&](int64_t, int64_t ia, int64_t ib) {
      for (int64_t i = 0; i < plan.dims[last]; ++i) {
        p_.a_offsets.push_back((ia + i * plan.stride_a[last]) * p_.m * p_.k);
        p_.b_offsets.push_back((ib + i * plan.stride_b[last]) * p_.k * p_.n);
      }
    });
  }

  void eval(const EvalArgs& args) const override {
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      matmul_reference<T>(p_, static_cast<const T*>(args.inputs[0]), static_cast<const T*>(args.inputs[1]),
                          static_cast<T*>(args.outputs[0]));
    });
  }

 private:
  ir::DType dtype_ = ir::DType::Undefined;
  MatMulParams p_;
};

}  // namespace

std::unique_ptr<Kernel> make_gemm() { return std::make_unique<GemmKernel>(); }
std::unique_ptr<Kernel> make_matmul() { return std::make_unique<MatMulKernel>(); }

}  // namespace tinyc::exec::kernels

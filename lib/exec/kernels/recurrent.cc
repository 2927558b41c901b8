// LSTM and GRU float kernels (the ONNX definitions with their default activations): each direction
// runs each batch row's steps in order, a gate's pre-activation being its row of W times x_t plus its
// row of R times h_(t-1) plus both biases; `clip` bounds the pre-activations. sequence_lens ends a row
// early: its later Y steps are 0 and Y_h / Y_c hold the state after its last step (a reverse
// direction starts from that last step).
#include <algorithm>
#include <cmath>

#include "exec/kernels/factories.h"
#include "exec/kernels/lstm_cell_extent.h"
#include "exec/shape/recurrent.h"
#include "ir/error.h"
#include "ir/value.h"

namespace tinyc::exec::kernels {

namespace {

enum Slot : size_t { kX, kW, kR, kB, kSequenceLens, kInitialH, kInitialC, kPeepholes };

template <class T>
T sigmoid(T v) {
  return T(1) / (T(1) + std::exp(-v));
}

// Where each element of the node's tensors lives, for one geometry.
struct RecurrentLayout {
  shape::RecurrentGeometry g;

  int64_t x(int64_t t, int64_t b) const { return (g.batch_first ? b * g.seq + t : t * g.batch + b) * g.input; }
  int64_t y(int64_t t, int64_t d, int64_t b) const {
    return (g.batch_first ? (b * g.seq + t) * g.directions + d : (t * g.directions + d) * g.batch + b) * g.hidden;
  }
  int64_t state(int64_t d, int64_t b) const {
    return (g.batch_first ? b * g.directions + d : d * g.batch + b) * g.hidden;
  }
  int64_t gate_rows() const { return g.gates * g.hidden; }
};

// The buffers of one evaluation; optional ones are nullptr.
template <class T>
struct RecurrentBuffers {
  const T* x;
  const T* w;
  const T* r;
  const T* b;
  const int32_t* sequence_lens;
  const T* initial_h;
  const T* initial_c;
  const T* p;
  T* y;
  T* y_h;
  T* y_c;
};

class RecurrentKernel final : public Kernel {
 public:
  // Reads the attributes and `g`, the geometry of the node's input shapes.
  void configure(const ir::Node& node, const shape::RecurrentGeometry& g) {
    layout_.g = g;
    clip_ = node.attr_float("clip", 0.0f);
    input_forget_ = layout_.g.lstm && node.attr_int("input_forget", 0) != 0;
    linear_before_reset_ = !layout_.g.lstm && node.attr_int("linear_before_reset", 0) != 0;
  }

  void prepare(const PrepareContext& ctx) override {
    std::vector<const ir::Shape*> shapes;
    for (size_t i = 0; i < ctx.inputs.size(); ++i) shapes.push_back(ctx.input(i).present ? &ctx.input(i).shape : nullptr);
    configure(ctx.node, shape::recurrent_geometry(ctx.node, shapes));
    ctx.require_dtype(kX, kFloatTypes);
    dtype_ = ctx.input(kX).dtype;
    for (size_t i : {kW, kR, kB, kInitialH, kInitialC, kPeepholes})
      if (ctx.input(i).present && ctx.input(i).dtype != dtype_)
        ctx.fail("input " + std::to_string(i) + " must have X's dtype " + std::string(ir::dtype_name(dtype_)));
    if (ctx.input(kSequenceLens).present) ctx.require_dtype(kSequenceLens, {ir::DType::Int32});
    for (size_t i = 0; i < ctx.outputs.size(); ++i)
      if (ctx.output(i).present) ctx.require_same_dtype(i, kX);
    if (ctx.node.has_attr("clip") && !(clip_ > 0.0f)) ctx.fail("clip must be positive");
  }

  // Axis 0 is time unless the layout is batch first.
  bool mixes_axis0() const override { return !layout_.g.batch_first; }

  // Gate pre-activations, h, c, and two rows of work (GRU's r and new h).
  size_t scratch_bytes() const override {
    return sizeof(double) * static_cast<size_t>(layout_.gate_rows() + 4 * layout_.g.hidden);
  }

  void eval(const EvalArgs& args) const override {
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      auto in = [&](size_t i) { return i < args.inputs.size() ? static_cast<const T*>(args.inputs[i]) : nullptr; };
      auto out = [&](size_t i) { return i < args.outputs.size() ? static_cast<T*>(args.outputs[i]) : nullptr; };
      const RecurrentBuffers<T> buffers{in(kX),
                                        in(kW),
                                        in(kR),
                                        in(kB),
                                        kSequenceLens < args.inputs.size() ? static_cast<const int32_t*>(args.inputs[kSequenceLens]) : nullptr,
                                        in(kInitialH),
                                        layout_.g.lstm ? in(kInitialC) : nullptr,
                                        layout_.g.lstm ? in(kPeepholes) : nullptr,
                                        out(0),
                                        out(1),
                                        layout_.g.lstm ? out(2) : nullptr};
      run(buffers, reinterpret_cast<T*>(args.scratch.data()));
    });
  }

  // Runs the float32 steps of every row in `x_rows` (whole X tensors one after another) with the
  // node's constant operands, returning the largest |c_t| seen.
  double largest_cell(const ir::Node& node, std::span<const float> x_rows) const {
    auto constant = [&](size_t i) -> const float* {
      if (i >= node.inputs().size() || !node.input(i)) return nullptr;
      if (!node.input(i)->is_constant() || node.input(i)->dtype != ir::DType::Float32)
        throw InputError("LSTM '" + node.name + "': input " + std::to_string(i) + " must be a float32 constant to size its cell state");
      return node.input(i)->constant().values<float>().data();
    };
    if (node.inputs().size() > kSequenceLens && node.input(kSequenceLens))
      throw InputError("LSTM '" + node.name + "': sizing the cell state takes no sequence_lens");
    const shape::RecurrentGeometry& g = layout_.g;
    const auto x_count = static_cast<size_t>(g.seq * g.batch * g.input);
    std::vector<float> scratch(static_cast<size_t>(layout_.gate_rows() + 4 * g.hidden));
    RecurrentBuffers<float> io{nullptr, constant(kW), constant(kR), constant(kB), nullptr, constant(kInitialH),
                               constant(kInitialC), constant(kPeepholes), nullptr, nullptr, nullptr};
    float extent = 0;
    for (size_t start = 0; start + x_count <= x_rows.size(); start += x_count) {
      io.x = x_rows.data() + start;
      run(io, scratch.data(), &extent);
    }
    return extent;
  }

 private:
  template <class T>
  T clipped(T v) const {
    return clip_ > 0.0f ? std::clamp(v, T(-clip_), T(clip_)) : v;
  }

  // `cell_extent`, when set, is raised to every |c_t| (LSTM).
  template <class T>
  void run(const RecurrentBuffers<T>& io, T* scratch, T* cell_extent = nullptr) const {
    const shape::RecurrentGeometry& g = layout_.g;
    const int64_t h_size = g.hidden;
    T* gates = scratch;
    T* h = gates + layout_.gate_rows();
    T* c = h + h_size;
    T* work = c + h_size;  // 2 x hidden
    if (io.y) std::fill_n(io.y, g.seq * g.directions * g.batch * h_size, T(0));
    for (int64_t d = 0; d < g.directions; ++d) {
      const bool backward = g.reverse || d == 1;
      for (int64_t b = 0; b < g.batch; ++b) {
        const int64_t steps = io.sequence_lens ? std::clamp<int64_t>(io.sequence_lens[b], 0, g.seq) : g.seq;
        for (int64_t j = 0; j < h_size; ++j) {
          h[j] = io.initial_h ? io.initial_h[layout_.state(d, b) + j] : T(0);
          c[j] = io.initial_c ? io.initial_c[layout_.state(d, b) + j] : T(0);
        }
        for (int64_t s = 0; s < steps; ++s) {
          const int64_t t = backward ? steps - 1 - s : s;
          if (g.lstm)
            lstm_step(io, d, io.x + layout_.x(t, b), gates, h, c, cell_extent);
          else
            gru_step(io, d, io.x + layout_.x(t, b), gates, h, work);
          if (io.y) std::copy_n(h, h_size, io.y + layout_.y(t, d, b));
        }
        if (io.y_h) std::copy_n(h, h_size, io.y_h + layout_.state(d, b));
        if (io.y_c) std::copy_n(c, h_size, io.y_c + layout_.state(d, b));
      }
    }
  }

  // gates[row] = Wb + Rb (when B is given) + W[d, row] . x, plus R[d, row] . h for rows < `recurrent_rows`.
  template <class T>
  void gate_inputs(const RecurrentBuffers<T>& io, int64_t d, const T* x, const T* h, int64_t recurrent_rows,
                   T* gates) const {
    const shape::RecurrentGeometry& g = layout_.g;
    const int64_t rows = layout_.gate_rows();
    for (int64_t row = 0; row < rows; ++row) {
      T acc = io.b ? io.b[d * 2 * rows + row] + (row < recurrent_rows ? io.b[d * 2 * rows + rows + row] : T(0)) : T(0);
      const T* w = io.w + (d * rows + row) * g.input;
      for (int64_t k = 0; k < g.input; ++k) acc += w[k] * x[k];
      if (row < recurrent_rows) {
        const T* r = io.r + (d * rows + row) * g.hidden;
        for (int64_t k = 0; k < g.hidden; ++k) acc += r[k] * h[k];
      }
      gates[row] = acc;
    }
  }

  // Gates i, o, f, c (ONNX order), peepholes P = [Pi, Po, Pf].
  template <class T>
  void lstm_step(const RecurrentBuffers<T>& io, int64_t d, const T* x, T* gates, T* h, T* c, T* cell_extent) const {
    const int64_t n = layout_.g.hidden;
    gate_inputs(io, d, x, h, layout_.gate_rows(), gates);
    const T* p = io.p ? io.p + d * 3 * n : nullptr;
    for (int64_t j = 0; j < n; ++j) {
      const T i = sigmoid(clipped(gates[j] + (p ? p[j] * c[j] : T(0))));
      const T f = input_forget_ ? T(1) - i : sigmoid(clipped(gates[2 * n + j] + (p ? p[2 * n + j] * c[j] : T(0))));
      const T candidate = std::tanh(clipped(gates[3 * n + j]));
      c[j] = f * c[j] + i * candidate;
      if (cell_extent) *cell_extent = std::max(*cell_extent, std::abs(c[j]));
      const T o = sigmoid(clipped(gates[n + j] + (p ? p[n + j] * c[j] : T(0))));
      h[j] = o * std::tanh(c[j]);
    }
  }

  // Gates z, r, h (ONNX order); the candidate reads r * h_(t-1) through Rh, or with
  // linear_before_reset r * (Rh h_(t-1) + Rbh).
  template <class T>
  void gru_step(const RecurrentBuffers<T>& io, int64_t d, const T* x, T* gates, T* h, T* work) const {
    const int64_t n = layout_.g.hidden;
    const int64_t rows = layout_.gate_rows();
    gate_inputs(io, d, x, h, 2 * n, gates);
    T* reset = work;
    T* next = work + n;
    for (int64_t j = 0; j < n; ++j) reset[j] = sigmoid(clipped(gates[n + j]));
    const T* rh = io.r + (d * rows + 2 * n) * n;
    const T* rbh = io.b ? io.b + d * 2 * rows + rows + 2 * n : nullptr;
    for (int64_t j = 0; j < n; ++j) {
      T recurrent = 0;
      for (int64_t k = 0; k < n; ++k) recurrent += rh[j * n + k] * (linear_before_reset_ ? h[k] : reset[k] * h[k]);
      const T bias = rbh ? rbh[j] : T(0);
      const T pre = gates[2 * n + j] + (linear_before_reset_ ? reset[j] * (recurrent + bias) : recurrent + bias);
      const T z = sigmoid(clipped(gates[j]));
      next[j] = (T(1) - z) * std::tanh(clipped(pre)) + z * h[j];
    }
    std::copy_n(next, n, h);
  }

  RecurrentLayout layout_;
  ir::DType dtype_ = ir::DType::Undefined;
  float clip_ = 0.0f;  // 0: no clip
  bool input_forget_ = false;
  bool linear_before_reset_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_recurrent() { return std::make_unique<RecurrentKernel>(); }

double lstm_cell_extent(const ir::Node& lstm, std::span<const float> x_rows) {
  if (lstm.op_type != "LSTM" || lstm.inputs().empty() || !lstm.input(kX) || !lstm.input(kX)->shape)
    throw InternalError("lstm_cell_extent needs an LSTM node with a known input shape");
  RecurrentKernel kernel;
  kernel.configure(lstm, shape::recurrent_geometry(lstm));
  return kernel.largest_cell(lstm, x_rows);
}

}  // namespace tinyc::exec::kernels

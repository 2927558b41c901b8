// Data-free ranges: per-channel normal statistics walked through the graph in topological order
// (rules in data_free.h), then each value's range read off its statistics.
#include "calib/data_free.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "calib/normal_stats.h"
#include "exec/evaluate.h"
#include "ir/constant_data.h"
#include "ir/error.h"

namespace tinyc::calib {

namespace {

using ir::constant_data;

constexpr double kInf = std::numeric_limits<double>::infinity();

int64_t channel_count(const ir::Value& v) { return v.shape && v.shape->size() >= 2 ? (*v.shape)[1] : 1; }

ChannelStats single(Normal n) { return {{n}}; }

// x with one entry per channel of `channels`, merging its channels when their count differs.
ChannelStats fit(const ChannelStats& x, int64_t channels) {
  if (x.channels.size() == 1 || static_cast<int64_t>(x.channels.size()) == channels) return x;
  return single(x.pooled());
}

// An interval, widened to contain 0 when it becomes a ValueRange.
struct Interval {
  double lo = 0;
  double hi = 0;
};

bool passes_values_through(const std::string& op) {
  return op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" || op == "GlobalMaxPool" || op == "Pad" ||
         op == "Identity" || op == "Dropout" || op == "Flatten" || op == "Reshape";
}

// A constant operand as statistics: one exact value per channel when it has one element per channel
// of `out`, else the spread of its values.
ChannelStats constant_stats(const ir::Tensor& t, const ir::Value& out) {
  const std::vector<double> v = t.to_double();
  if (v.size() == 1 || static_cast<int64_t>(v.size()) == channel_count(out)) {
    ChannelStats s;
    for (double x : v) s.channels.push_back({x, 0.0});
    return s;
  }
  ChannelStats spread;
  for (double x : v) spread.channels.push_back({x, 0.0});
  return single(spread.pooled());
}

// Walks the graph keeping statistics for every activation.
class Propagation {
 public:
  Propagation(const ir::Graph& g, const DataFreeOptions& o) : g_(g), options_(o), opset_(exec::model_opset(g)) {}

  void run() {
    if (!(options_.input_min <= options_.input_max) || !std::isfinite(options_.input_min) ||
        !std::isfinite(options_.input_max))
      throw InputError("data-free input range [" + std::to_string(options_.input_min) + ", " +
                       std::to_string(options_.input_max) + "] is not a finite interval");
    const double lo = options_.input_min, hi = options_.input_max;
    for (const ir::Value* in : g_.inputs()) {
      if (in->dtype != ir::DType::Float32) continue;
      stats_[in] = single({(lo + hi) / 2, (hi - lo) / std::sqrt(12.0)});
      intervals_[in] = {lo, hi};
    }
    for (const ir::Node* n : g_.topological_order()) visit(*n);
  }

  RangeMap ranges() const {
    RangeMap out;
    for (const auto& [v, r] : intervals_)
      out[v->name] = {static_cast<float>(std::min(r.lo, 0.0)), static_cast<float>(std::max(r.hi, 0.0)),
                      Method::DataFree, 0.0};
    return out;
  }

 private:
  bool constant_like(const ir::Value* v) const { return !v || constant_data(v) || constants_.count(v); }

  const ChannelStats& in(const ir::Node& n, size_t i) const {
    const auto it = stats_.find(n.input(i));
    if (it == stats_.end())
      throw InputError("data-free ranges: no statistics for input " + std::to_string(i) + " of " + n.op_type + " '" +
                       n.name + "'; calibrate with data instead");
    return it->second;
  }

  const ir::Tensor& weights(const ir::Node& n, size_t i) const {
    const ir::Tensor* t = constant_data(n.input(i));
    if (!t) throw InputError("data-free ranges: " + n.op_type + " '" + n.name + "' has non-constant weights");
    return *t;
  }

  void visit(const ir::Node& n) {
    if (std::all_of(n.inputs().begin(), n.inputs().end(), [&](const ir::Value* v) { return constant_like(v); })) {
      for (const ir::Value* out : n.outputs())
        if (out) constants_.insert(out);
      return;
    }
    const ir::Value* out = n.output(0);
    if (!out || out->dtype != ir::DType::Float32) return;
    stats_[out] = rule(n, *out);
    intervals_[out] = interval(n, stats_[out]);
  }

  // A clamp cuts its input's interval; ops that only move or pool values keep it; Concat joins its
  // inputs'; fixed-range functions give theirs; every other op is read off its statistics.
  Interval interval(const ir::Node& n, const ChannelStats& s) const {
    const std::string& op = n.op_type;
    if (op == "Relu" || op == "Clip") {
      const Interval x = interval_of(n, 0);
      const double a = op == "Relu" ? 0 : clip_bound(n, 1, "min", -kInf);
      const double b = op == "Relu" ? kInf : clip_bound(n, 2, "max", kInf);
      return {std::min(std::max(x.lo, a), b), std::min(std::max(x.hi, a), b)};
    }
    if (passes_values_through(op)) return interval_of(n, 0);
    if (op == "Concat") {
      Interval u{kInf, -kInf};
      for (size_t i = 0; i < n.inputs().size(); ++i) {
        u.lo = std::min(u.lo, interval_of(n, i).lo);
        u.hi = std::max(u.hi, interval_of(n, i).hi);
      }
      return u;
    }
    if (op == "Sigmoid" || op == "Softmax") return {0, 1};
    if (op == "Tanh") return {-1, 1};
    Interval r{kInf, -kInf};
    for (const Normal& c : s.channels) {
      r.lo = std::min(r.lo, c.mean - options_.sigmas * c.sd);
      r.hi = std::max(r.hi, c.mean + options_.sigmas * c.sd);
    }
    return r;
  }

  const Interval& interval_of(const ir::Node& n, size_t i) const {
    in(n, i);  // the same error when the input has no statistics
    return intervals_.at(n.input(i));
  }

  ChannelStats rule(const ir::Node& n, const ir::Value& out) const {
    const std::string& op = n.op_type;
    if (op == "BatchNormalization") {
      const std::vector<double> gamma = weights(n, 1).to_double(), beta = weights(n, 2).to_double();
      ChannelStats s;
      for (size_t c = 0; c < gamma.size(); ++c) s.channels.push_back({beta[c], std::fabs(gamma[c])});
      return s;
    }
    if (op == "Relu") return clamp(in(n, 0), 0, kInf);
    if (op == "Clip") return clamp(in(n, 0), clip_bound(n, 1, "min", -kInf), clip_bound(n, 2, "max", kInf));
    if (op == "Conv") return conv(n, fit(in(n, 0), channel_count(*n.input(0))));
    if (op == "Gemm" || op == "MatMul") return gemm(n, in(n, 0));
    if (op == "Add" || op == "Sub" || op == "Mul") return arithmetic(n, out);
    if (op == "Flatten" || op == "Reshape") return flatten(n, fit(in(n, 0), channel_count(*n.input(0))), out);
    if (op == "Concat") return concat(n);
    if (passes_values_through(op)) return in(n, 0);
    if (op == "Sigmoid" || op == "Softmax") return single({0.5, 0.5 / std::sqrt(3.0)});
    if (op == "Tanh") return single({0, 1 / std::sqrt(3.0)});
    throw InputError("data-free ranges: no statistics rule for " + op + " (node '" + n.name +
                     "'); calibrate with data instead");
  }

  double clip_bound(const ir::Node& n, size_t index, const std::string& attr, double open) const {
    if (opset_ < 11) return n.attr_float(attr, static_cast<float>(open));
    if (!n.input(index)) return open;
    const ir::Tensor* t = constant_data(n.input(index));
    if (!t || t->num_elements() != 1)
      throw InputError("data-free ranges: Clip '" + n.name + "' has a bound that is not a constant scalar");
    return t->to_double()[0];
  }

  static ChannelStats clamp(const ChannelStats& x, double a, double b) {
    ChannelStats s;
    for (const Normal& c : x.channels) s.channels.push_back(clipped(c, a, b));
    return s;
  }

  // Output channel o of W [M, C/group, taps...] sums input channels of its group over every tap.
  ChannelStats conv(const ir::Node& n, const ChannelStats& x) const {
    const ir::Tensor& w = weights(n, 1);
    const std::vector<double> wv = w.to_double();
    const int64_t m = w.shape()[0], per_group_in = w.shape()[1], group = n.attr_int("group", 1);
    const int64_t taps = static_cast<int64_t>(wv.size()) / (m * per_group_in), per_group_out = m / group;
    const std::vector<double> bias = n.input(2) ? weights(n, 2).to_double() : std::vector<double>(m, 0.0);
    ChannelStats s;
    for (int64_t o = 0; o < m; ++o) {
      double mean = bias[o], var = 0;
      for (int64_t j = 0; j < per_group_in; ++j) {
        const Normal& xc = x.at((o / per_group_out) * per_group_in + j);
        for (int64_t t = 0; t < taps; ++t) {
          const double wt = wv[(o * per_group_in + j) * taps + t];
          mean += wt * xc.mean;
          var += wt * wt * xc.sd * xc.sd;
        }
      }
      s.channels.push_back({mean, std::sqrt(var)});
    }
    return s;
  }

  // Column u of alpha * A B' + beta * C, the rows of A having feature statistics x.
  ChannelStats gemm(const ir::Node& n, const ChannelStats& features) const {
    const bool is_gemm = n.op_type == "Gemm";
    if (is_gemm && n.attr_int("transA", 0) != 0)
      throw InputError("data-free ranges: Gemm '" + n.name + "' with transA is not supported");
    const ir::Tensor& b = weights(n, 1);
    if (b.shape().size() != 2)
      throw InputError("data-free ranges: " + n.op_type + " '" + n.name + "' weights are not a matrix");
    const bool trans_b = is_gemm && n.attr_int("transB", 0) != 0;
    const int64_t k = b.shape()[trans_b ? 1 : 0], units = b.shape()[trans_b ? 0 : 1];
    const double alpha = is_gemm ? n.attr_float("alpha", 1.0f) : 1.0, beta = is_gemm ? n.attr_float("beta", 1.0f) : 1.0;
    const ChannelStats x = fit(features, k);
    const std::vector<double> bv = b.to_double();
    std::vector<double> bias(static_cast<size_t>(units), 0.0);
    if (is_gemm && n.input(2)) {
      const std::vector<double> c = weights(n, 2).to_double();
      if (c.size() != 1 && static_cast<int64_t>(c.size()) != units)
        throw InputError("data-free ranges: Gemm '" + n.name + "' bias varies along rows");
      for (int64_t u = 0; u < units; ++u) bias[u] = beta * c[c.size() == 1 ? 0 : u];
    }
    ChannelStats s;
    for (int64_t u = 0; u < units; ++u) {
      double mean = bias[u], var = 0;
      for (int64_t i = 0; i < k; ++i) {
        const double w = alpha * bv[trans_b ? u * k + i : i * units + u];
        mean += w * x.at(i).mean;
        var += w * w * x.at(i).sd * x.at(i).sd;
      }
      s.channels.push_back({mean, std::sqrt(var)});
    }
    return s;
  }

  ChannelStats operand(const ir::Node& n, size_t i, const ir::Value& out) const {
    if (const ir::Tensor* t = constant_data(n.input(i))) return constant_stats(*t, out);
    return in(n, i);
  }

  // Independent operands: means add (or multiply), variances add (or combine as for a product).
  ChannelStats arithmetic(const ir::Node& n, const ir::Value& out) const {
    const int64_t all = channel_count(out);
    const ChannelStats a = fit(operand(n, 0, out), all), b = fit(operand(n, 1, out), all);
    const int64_t channels = std::max(a.channels.size(), b.channels.size()) == 1 ? 1 : all;
    ChannelStats s;
    for (int64_t c = 0; c < channels; ++c) {
      const Normal& x = a.at(c);
      const Normal& y = b.at(c);
      if (n.op_type == "Mul") {
        const double var = x.sd * x.sd * y.sd * y.sd + x.sd * x.sd * y.mean * y.mean + y.sd * y.sd * x.mean * x.mean;
        s.channels.push_back({x.mean * y.mean, std::sqrt(var)});
      } else {
        const double sign = n.op_type == "Sub" ? -1 : 1;
        s.channels.push_back({x.mean + sign * y.mean, std::sqrt(x.sd * x.sd + y.sd * y.sd)});
      }
    }
    return s;
  }

  // [N, C, S...] -> [N, C*S] keeps channel c on features c*S .. c*S + S - 1; a reshape that keeps
  // dim 1 keeps the channels; anything else merges them.
  ChannelStats flatten(const ir::Node& n, const ChannelStats& x, const ir::Value& out) const {
    const ir::Value& input = *n.input(0);
    if (x.channels.size() == 1 || !input.shape || !out.shape) return x;
    const ir::Shape& is = *input.shape;
    const ir::Shape& os = *out.shape;
    if (os.size() >= 2 && is.size() >= 2 && os[1] == is[1] && os[0] == is[0]) return x;
    const bool axis_one = n.op_type == "Reshape" || n.attr_int("axis", 1) == 1;
    if (axis_one && os.size() == 2 && os[0] == is[0] && is.size() >= 2 && is[1] > 0 && os[1] % is[1] == 0) {
      const int64_t spatial = os[1] / is[1];
      ChannelStats s;
      for (int64_t f = 0; f < os[1]; ++f) s.channels.push_back(x.at(f / spatial));
      return s;
    }
    return single(x.pooled());
  }

  ChannelStats concat(const ir::Node& n) const {
    const bool channel_axis = n.attr_int("axis", 1) == 1;
    ChannelStats s;
    for (size_t i = 0; i < n.inputs().size(); ++i) {
      const int64_t channels = channel_count(*n.input(i));
      const ChannelStats x = fit(in(n, i), channels);
      for (int64_t c = 0; c < (channel_axis || x.channels.size() > 1 ? channels : 1); ++c)
        s.channels.push_back(x.at(c));
    }
    return channel_axis ? s : single(s.pooled());
  }

  const ir::Graph& g_;
  const DataFreeOptions& options_;
  int64_t opset_;
  std::unordered_map<const ir::Value*, ChannelStats> stats_;
  std::unordered_map<const ir::Value*, Interval> intervals_;
  std::unordered_set<const ir::Value*> constants_;
};

}  // namespace

RangeMap data_free_ranges(const ir::Graph& unfolded, const DataFreeOptions& options) {
  Propagation propagation(unfolded, options);
  propagation.run();
  RangeMap ranges = propagation.ranges();
  if (!options.synthesize_head) return ranges;
  for (auto& [name, range] : synthesize_head_ranges(unfolded, options.head))
    ranges[name] = {std::min(range.min, 0.0f), std::max(range.max, 0.0f), Method::DataFree, 0.0};
  return ranges;
}

}  // namespace tinyc::calib

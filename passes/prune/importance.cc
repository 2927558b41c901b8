// Channel scores: weight norms of the producing rows (L1, L2), or the calibration-data energy each
// channel feeds into the layers that read it (mean x^2 times the squared norm of its weight columns).
#include "passes/prune/importance.h"

#include <cmath>
#include <unordered_map>

#include "exec/capture.h"
#include "passes/prune/output_error.h"

namespace tinyc::passes {

std::vector<double> weight_sums(const ir::Node& n, bool by_output, double (*f)(double)) {
  const ir::Tensor& w = n.input(1)->constant();
  const ir::Shape& s = w.shape();
  const auto v = w.values<float>();
  const bool trans_b = n.op_type == "Gemm" && n.attr_int("transB", 0) != 0;
  int64_t outputs, inputs, kernel = 1;
  if (n.op_type == "Conv") {
    outputs = s[0];
    inputs = s[1];
    kernel = w.num_elements() / (s[0] * s[1]);
  } else {
    outputs = trans_b ? s[0] : s[1];
    inputs = trans_b ? s[1] : s[0];
  }
  std::vector<double> sums(static_cast<size_t>(by_output ? outputs : inputs), 0.0);
  for (int64_t i = 0; i < w.num_elements(); ++i) {
    int64_t o, c;
    if (n.op_type == "Conv" || trans_b) {
      o = i / (inputs * kernel);
      c = (i / kernel) % inputs;
    } else {
      c = i / outputs;
      o = i % outputs;
    }
    sums[static_cast<size_t>(by_output ? o : c)] += f(v[static_cast<size_t>(i)]);
  }
  return sums;
}

namespace {

double absolute(double x) { return std::fabs(x); }
double square(double x) { return x * x; }

// Mean of x^2 per column along axis 1 (averaged over every other axis).
std::vector<double> mean_square_per_channel(const ir::Tensor& x) {
  const ir::Shape& s = x.shape();
  const int64_t channels = s[1];
  int64_t inner = 1;
  for (size_t d = 2; d < s.size(); ++d) inner *= s[d];
  std::vector<double> m(static_cast<size_t>(channels), 0.0);
  const auto v = x.values<float>();
  for (size_t i = 0; i < v.size(); ++i)
    m[(i / static_cast<size_t>(inner)) % static_cast<size_t>(channels)] += static_cast<double>(v[i]) * v[i];
  for (double& e : m) e /= static_cast<double>(s[0] * inner);
  return m;
}

}  // namespace

std::vector<double> channel_scores(const ir::Graph& g, const ChannelGraph& channels, ChannelRanking ranking,
                                   const std::vector<ir::Tensor>& calibration_inputs,
                                   const exec::ExecutorOptions& options) {
  std::vector<double> score(static_cast<size_t>(channels.num_classes()), 0.0);
  const bool by_activation = ranking == ChannelRanking::Activation;
  std::vector<std::string> names;
  for (const ChannelSlice& s : channels.slices())
    if (by_activation && s.kind == ChannelSlice::Kind::ConsumerInputs)
      names.push_back(g.find_node(s.node)->input(0)->name);
  const std::vector<ir::Tensor> captured =
      names.empty() ? std::vector<ir::Tensor>{} : exec::capture_values(g, calibration_inputs, names, options);
  size_t next = 0;
  for (const ChannelSlice& s : channels.slices()) {
    const ir::Node& n = *g.find_node(s.node);
    if (by_activation && s.kind == ChannelSlice::Kind::ConsumerInputs) {
      const std::vector<double> energy = mean_square_per_channel(captured[next++]);
      const std::vector<double> column_norm = weight_sums(n, false, square);
      for (size_t j = 0; j < column_norm.size(); ++j)
        score[static_cast<size_t>(channels.class_of(s.channels.atoms[j / static_cast<size_t>(s.channels.repeat)]))] +=
            energy[j] * column_norm[j];
    } else if (!by_activation && s.kind == ChannelSlice::Kind::ProducerOutputs) {
      const std::vector<double> norm = weight_sums(n, true, ranking == ChannelRanking::L1 ? absolute : square);
      for (size_t j = 0; j < norm.size(); ++j) score[static_cast<size_t>(channels.class_of(s.channels.atoms[j]))] += norm[j];
    }
  }
  if (ranking != ChannelRanking::L1)
    for (double& x : score) x = std::sqrt(x);
  return score;
}

}  // namespace tinyc::passes

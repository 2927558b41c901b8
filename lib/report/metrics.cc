// Output metrics: running error sums, predicted classes, and anomaly AUC by ranks.
#include "report/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ir/error.h"

namespace tinyc::report {

namespace {

constexpr size_t kConfusionPairs = 10;

int64_t row_elements(const ir::Tensor& t, int64_t rows) {
  if (t.shape().empty() || t.shape()[0] != rows)
    throw InternalError("metrics: a tensor of shape " + ir::shape_to_string(t.shape()) + " for " +
                        std::to_string(rows) + " rows");
  return rows ? t.num_elements() / rows : 0;
}

double percent(int64_t part, int64_t whole) { return whole ? 100.0 * static_cast<double>(part) / whole : 0.0; }

}  // namespace

OutputTask output_task(int64_t input_row_elements, const ir::Shape& output_shape) {
  int64_t elements = 1, wide_dims = 0;
  for (size_t d = 1; d < output_shape.size(); ++d) {
    elements *= output_shape[d];
    wide_dims += output_shape[d] > 1;
  }
  if (elements == input_row_elements) return OutputTask::Reconstruction;
  if (elements == 1) return OutputTask::Regression;
  if (wide_dims > 1) return OutputTask::Dense;
  return elements >= 2 ? OutputTask::Classification : OutputTask::Other;
}

const char* task_name(OutputTask task) {
  switch (task) {
    case OutputTask::Classification: return "classification";
    case OutputTask::Reconstruction: return "reconstruction";
    case OutputTask::Regression: return "regression";
    case OutputTask::Dense: return "dense";
    case OutputTask::Other: break;
  }
  return "other";
}

std::optional<double> ClassificationMetrics::top1_delta_points() const {
  if (!top1_float_pct || !top1_compressed_pct) return std::nullopt;
  return *top1_compressed_pct - *top1_float_pct;
}

double Metrics::min_output_snr_db() const {
  double lowest = std::numeric_limits<double>::infinity();
  for (const OutputError& o : outputs) {
    if (std::isnan(o.snr_db)) return o.snr_db;  // an unmeasurable output makes the whole figure unmeasurable
    lowest = std::min(lowest, o.snr_db);
  }
  return lowest;
}

double snr_db(double signal_energy, double error_energy) {
  if (error_energy == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal_energy / error_energy);
}

std::optional<double> roc_auc(std::span<const double> positive_scores, std::span<const double> negative_scores) {
  if (positive_scores.empty() || negative_scores.empty()) return std::nullopt;
  std::vector<std::pair<double, bool>> ranked;  // (score, is positive)
  for (double s : positive_scores) ranked.emplace_back(s, true);
  for (double s : negative_scores) ranked.emplace_back(s, false);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Rank sum of the positives, tied scores sharing the mean of their 1-based ranks.
  double positive_rank_sum = 0;
  for (size_t begin = 0; begin < ranked.size();) {
    size_t end = begin;
    while (end < ranked.size() && ranked[end].first == ranked[begin].first) ++end;
    const double mean_rank = (static_cast<double>(begin + 1) + static_cast<double>(end)) / 2.0;
    for (size_t i = begin; i < end; ++i)
      if (ranked[i].second) positive_rank_sum += mean_rank;
    begin = end;
  }
  const double positives = static_cast<double>(positive_scores.size());
  const double negatives = static_cast<double>(negative_scores.size());
  return (positive_rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

int64_t argmax(std::span<const double> row) {
  size_t best = 0;
  for (size_t i = 1; i < row.size(); ++i)
    if (row[i] > row[best]) best = i;
  return static_cast<int64_t>(best);
}

MetricsAccumulator::MetricsAccumulator(std::vector<std::string> output_names, OutputTask task,
                                       std::vector<int64_t> normal_classes)
    : names_(std::move(output_names)), task_(task), normal_classes_(std::move(normal_classes)), sums_(names_.size()) {}

void MetricsAccumulator::add(const std::vector<ir::Tensor>& reference, const std::vector<ir::Tensor>& compressed,
                             const ir::Tensor& inputs, const std::vector<int64_t>* labels) {
  if (reference.size() != names_.size() || compressed.size() != names_.size())
    throw InternalError("metrics: expected " + std::to_string(names_.size()) + " outputs from each model");
  const int64_t rows = reference.empty() ? 0 : reference[0].shape().at(0);
  if (labels && static_cast<int64_t>(labels->size()) != rows)
    throw InternalError("metrics: " + std::to_string(labels->size()) + " labels for " + std::to_string(rows) + " rows");
  for (size_t i = 0; i < names_.size(); ++i) {
    const int64_t per_row = row_elements(reference[i], rows);
    if (row_elements(compressed[i], rows) != per_row)
      throw InputError("output '" + names_[i] + "' has " + std::to_string(per_row) +
                       " values per row in the float model but " + std::to_string(compressed[i].num_elements() / rows) +
                       " in the compressed model");
    ErrorSums& s = sums_[i];
    s.elements_per_row = per_row;
    const std::vector<double> r = reference[i].to_double(), x = compressed[i].to_double();
    for (size_t k = 0; k < r.size(); ++k) {
      const double err = r[k] - x[k];
      s.ref_sq += r[k] * r[k];
      s.out_sq += x[k] * x[k];
      s.dot += r[k] * x[k];
      s.err_sq += err * err;
      s.abs_err += std::abs(err);
      s.max_abs = std::max(s.max_abs, std::abs(err));
    }
    s.count += static_cast<int64_t>(r.size());
  }
  if (!names_.empty() && task_ == OutputTask::Classification) add_classes(reference[0], compressed[0], labels);
  if (!names_.empty() && task_ == OutputTask::Reconstruction && labels && !normal_classes_.empty())
    add_scores(reference[0], compressed[0], inputs, *labels);
  rows_ += rows;
}

void MetricsAccumulator::add_classes(const ir::Tensor& reference, const ir::Tensor& compressed,
                                     const std::vector<int64_t>* labels) {
  const int64_t rows = reference.shape()[0];
  if (rows == 0) return;
  classes_ = reference.num_elements() / rows;
  const std::vector<double> r = reference.to_double(), x = compressed.to_double();
  for (int64_t row = 0; row < rows; ++row) {
    const std::span<const double> r_row(r.data() + row * classes_, classes_), x_row(x.data() + row * classes_, classes_);
    const int64_t float_class = argmax(r_row), compressed_class = argmax(x_row);
    if (float_class == compressed_class)
      ++agree_;
    else
      ++disagreements_[{float_class, compressed_class}];
    if (!labels) continue;
    const int64_t label = (*labels)[row];
    if (label < 0 || label >= classes_)
      throw InputError("label " + std::to_string(label) + " of row " + std::to_string(rows_ + row) +
                       " is not one of the model's " + std::to_string(classes_) + " classes (0.." +
                       std::to_string(classes_ - 1) + ")");
    ++labelled_;
    float_correct_ += float_class == label;
    compressed_correct_ += compressed_class == label;
  }
}

void MetricsAccumulator::add_scores(const ir::Tensor& reference, const ir::Tensor& compressed,
                                    const ir::Tensor& inputs, const std::vector<int64_t>& labels) {
  const int64_t rows = reference.shape()[0];
  if (rows == 0) return;
  const int64_t per_row = reference.num_elements() / rows;
  if (inputs.num_elements() != reference.num_elements())
    throw InternalError("metrics: reconstruction output and input differ in size");
  const std::vector<double> r = reference.to_double(), x = compressed.to_double(), in = inputs.to_double();
  for (int64_t row = 0; row < rows; ++row) {
    double float_score = 0, compressed_score = 0;
    for (int64_t k = row * per_row; k < (row + 1) * per_row; ++k) {
      float_score += (r[k] - in[k]) * (r[k] - in[k]);
      compressed_score += (x[k] - in[k]) * (x[k] - in[k]);
    }
    const bool normal =
        std::find(normal_classes_.begin(), normal_classes_.end(), labels[row]) != normal_classes_.end();
    (normal ? float_normal_ : float_anomalous_).push_back(float_score / per_row);
    (normal ? compressed_normal_ : compressed_anomalous_).push_back(compressed_score / per_row);
  }
}

Metrics MetricsAccumulator::finish() const {
  Metrics m;
  m.rows = rows_;
  m.task = task_;
  for (size_t i = 0; i < names_.size(); ++i) {
    const ErrorSums& s = sums_[i];
    OutputError e;
    e.name = names_[i];
    e.elements_per_row = std::max<int64_t>(0, s.elements_per_row);
    e.snr_db = snr_db(s.ref_sq, s.err_sq);
    if (s.ref_sq == 0 && s.out_sq == 0)
      e.cosine = 1;
    else if (s.ref_sq == 0 || s.out_sq == 0)
      e.cosine = 0;
    else
      e.cosine = s.dot / std::sqrt(s.ref_sq * s.out_sq);
    if (s.count) {
      e.rmse = std::sqrt(s.err_sq / s.count);
      e.mae = s.abs_err / s.count;
    }
    e.max_abs_error = s.max_abs;
    m.outputs.push_back(e);
  }
  if (task_ == OutputTask::Classification && rows_ > 0) {
    ClassificationMetrics c;
    c.classes = classes_;
    c.agreement_pct = percent(agree_, rows_);
    c.disagreements = rows_ - agree_;
    for (const auto& [pair, count] : disagreements_) c.confusion.push_back({pair.first, pair.second, count});
    std::stable_sort(c.confusion.begin(), c.confusion.end(),
                     [](const ClassPair& a, const ClassPair& b) { return a.count > b.count; });
    if (c.confusion.size() > kConfusionPairs) c.confusion.resize(kConfusionPairs);
    if (labelled_) {
      c.top1_float_pct = percent(float_correct_, labelled_);
      c.top1_compressed_pct = percent(compressed_correct_, labelled_);
    }
    m.classification = c;
  }
  const std::optional<double> auc_float = roc_auc(float_anomalous_, float_normal_);
  const std::optional<double> auc_compressed = roc_auc(compressed_anomalous_, compressed_normal_);
  if (auc_float && auc_compressed) {
    AnomalyMetrics a;
    a.normal_classes = normal_classes_;
    a.anomaly_rows = static_cast<int64_t>(float_anomalous_.size());
    a.normal_rows = static_cast<int64_t>(float_normal_.size());
    a.auc_float = *auc_float;
    a.auc_compressed = *auc_compressed;
    m.anomaly = a;
  }
  return m;
}

Metrics compute_metrics(const std::vector<std::string>& output_names, OutputTask task,
                        const std::vector<ir::Tensor>& reference, const std::vector<ir::Tensor>& compressed,
                        const ir::Tensor& inputs, const std::vector<int64_t>* labels,
                        std::vector<int64_t> normal_classes) {
  MetricsAccumulator acc(output_names, task, std::move(normal_classes));
  acc.add(reference, compressed, inputs, labels);
  return acc.finish();
}

}  // namespace tinyc::report

// Output-level comparison of a compressed model against its float original: how close the outputs
// are (SNR, cosine, RMSE, MAE, max error), whether the predicted class stays the same, and, with
// labels, how much accuracy (or an autoencoder's anomaly AUC) moves.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ir/tensor.h"

namespace tinyc::report {

// How the report reads output 0. An output as large as the flattened input is a reconstruction
// (autoencoder: the anomaly score is the per-row mean squared difference to the input); one value
// per row is a regression; values spread over two or more dims (an image-to-image or detection
// map) are dense; any other output of two or more values per row holds class scores (argmax =
// predicted class).
enum class OutputTask { Classification, Reconstruction, Regression, Dense, Other };
OutputTask output_task(int64_t input_row_elements, const ir::Shape& output_shape);
const char* task_name(OutputTask task);

// How far one output of the compressed model is from the float output, over every row.
struct OutputError {
  std::string name;
  int64_t elements_per_row = 0;
  double snr_db = 0;  // 10·log10(Σref² / Σ(ref − x)²); +inf when identical
  double cosine = 1;  // Σref·x / √(Σref²·Σx²); 1 when both are all zero, 0 when only one is
  double rmse = 0;
  double mae = 0;
  double max_abs_error = 0;
};

// One kind of disagreement: rows the float model put in one class and the compressed model in another.
struct ClassPair {
  int64_t float_class = 0;
  int64_t compressed_class = 0;
  int64_t count = 0;
};

// Predicted-class comparison of a classifier (argmax of output 0, first maximum on ties).
struct ClassificationMetrics {
  int64_t classes = 0;
  double agreement_pct = 0;  // rows where both models predict the same class
  int64_t disagreements = 0;
  std::vector<ClassPair> confusion;  // the most frequent disagreements, at most 10, most frequent first
  // With labels: top-1 accuracy of each model in percent.
  std::optional<double> top1_float_pct;
  std::optional<double> top1_compressed_pct;
  // Compressed minus float, in percentage points (negative: the compressed model is worse).
  std::optional<double> top1_delta_points() const;
};

// Anomaly detection with an autoencoder: rows whose label is not a normal class are the positives;
// the score is the row's reconstruction error. AUC is the ROC area under either model's scores.
struct AnomalyMetrics {
  std::vector<int64_t> normal_classes;
  int64_t normal_rows = 0;
  int64_t anomaly_rows = 0;
  double auc_float = 0;
  double auc_compressed = 0;
};

// Everything the output comparison found.
struct Metrics {
  int64_t rows = 0;
  OutputTask task = OutputTask::Other;
  std::vector<OutputError> outputs;  // in graph-output order
  std::optional<ClassificationMetrics> classification;
  std::optional<AnomalyMetrics> anomaly;  // reconstruction with labels and normal classes
  // The lowest output SNR (the one the --min-snr gate reads).
  double min_output_snr_db() const;
};

// 10·log10(signal / error): +inf when error is 0, -inf when only the signal is 0.
double snr_db(double signal_energy, double error_energy);

// ROC AUC of a score that should be higher for positives than for negatives, as the Mann-Whitney
// statistic: the share of (positive, negative) pairs ranked correctly, ties counting half. Empty
// when either side has no rows.
std::optional<double> roc_auc(std::span<const double> positive_scores, std::span<const double> negative_scores);

// Index of the first maximum of `row` (the predicted class).
int64_t argmax(std::span<const double> row);

// Builds Metrics from chunks of rows, so a data set never has to be held at once: each add() takes
// the same rows' outputs from both models. Keeps per-row classes and anomaly scores (a few values
// per row) and running sums for everything else.
class MetricsAccumulator {
 public:
  // `normal_classes` matter only for a reconstruction output evaluated with labels.
  MetricsAccumulator(std::vector<std::string> output_names, OutputTask task, std::vector<int64_t> normal_classes = {});

  // reference[i] and compressed[i] are output i for the chunk's rows (float32, dim 0 = rows);
  // `inputs` are those rows of input 0 (read for reconstruction scores); `labels`, when given, one
  // per row. Throws InputError for a label outside the classifier's classes.
  void add(const std::vector<ir::Tensor>& reference, const std::vector<ir::Tensor>& compressed,
           const ir::Tensor& inputs, const std::vector<int64_t>* labels);

  Metrics finish() const;

 private:
  struct ErrorSums {
    int64_t elements_per_row = -1;
    int64_t count = 0;
    double ref_sq = 0, out_sq = 0, dot = 0, err_sq = 0, abs_err = 0, max_abs = 0;
  };

  void add_classes(const ir::Tensor& reference, const ir::Tensor& compressed, const std::vector<int64_t>* labels);
  void add_scores(const ir::Tensor& reference, const ir::Tensor& compressed, const ir::Tensor& inputs,
                  const std::vector<int64_t>& labels);

  std::vector<std::string> names_;
  OutputTask task_;
  std::vector<int64_t> normal_classes_;
  int64_t rows_ = 0;
  std::vector<ErrorSums> sums_;
  // Classification
  int64_t classes_ = 0;
  int64_t agree_ = 0, labelled_ = 0, float_correct_ = 0, compressed_correct_ = 0;
  std::map<std::pair<int64_t, int64_t>, int64_t> disagreements_;
  // Reconstruction with labels: anomaly scores of anomalous and of normal rows, per model
  std::vector<double> float_anomalous_, float_normal_, compressed_anomalous_, compressed_normal_;
};

// All rows at once: one add() and finish().
Metrics compute_metrics(const std::vector<std::string>& output_names, OutputTask task,
                        const std::vector<ir::Tensor>& reference, const std::vector<ir::Tensor>& compressed,
                        const ir::Tensor& inputs, const std::vector<int64_t>* labels,
                        std::vector<int64_t> normal_classes = {});

}  // namespace tinyc::report

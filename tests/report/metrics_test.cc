// Output metrics against hand-computed values: SNR of a known perturbation, cosine, errors, top-1,
// agreement and disagreement pairs, ROC AUC with ties, and chunked accumulation.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "ir/error.h"
#include "report/metrics.h"
#include "support/test_support.h"

using namespace tinyc;
using report::OutputTask;

namespace {

ir::Tensor rows_of(int64_t rows, int64_t cols, const std::vector<float>& values) {
  return ir::Tensor::from_vector<float>({rows, cols}, values);
}

// Rows whose argmax is `classes[i]` (score 1 there, 0 elsewhere).
ir::Tensor one_hot(const std::vector<int64_t>& classes, int64_t n) {
  std::vector<float> v(classes.size() * n, 0.0f);
  for (size_t i = 0; i < classes.size(); ++i) v[i * n + classes[i]] = 1.0f;
  return rows_of(static_cast<int64_t>(classes.size()), n, v);
}

}  // namespace

TEST_CASE("SNR, cosine and errors of a known perturbation") {
  const ir::Tensor ref = rows_of(2, 2, {1, 2, 3, 4});
  const ir::Tensor out = rows_of(2, 2, {1.1f, 1.9f, 3.1f, 3.9f});
  const report::Metrics m = report::compute_metrics({"y"}, OutputTask::Other, {ref}, {out}, ref, nullptr);
  REQUIRE(m.outputs.size() == 1);
  const report::OutputError& e = m.outputs[0];
  // Σref² = 30, Σerr² = 4 · 0.01 = 0.04: SNR = 10·log10(750).
  CHECK(e.snr_db == Approx(10 * std::log10(750.0)).epsilon(1e-5));
  CHECK(e.snr_db == Approx(28.7506).epsilon(1e-4));
  // Σref·x = 29.8, Σx² = 29.64.
  CHECK(e.cosine == Approx(29.8 / std::sqrt(30 * 29.64)).epsilon(1e-6));
  CHECK(e.rmse == Approx(0.1).epsilon(1e-5));
  CHECK(e.mae == Approx(0.1).epsilon(1e-5));
  CHECK(e.max_abs_error == Approx(0.1).epsilon(1e-5));
  CHECK(e.elements_per_row == 2);
  CHECK(m.rows == 2);
  CHECK_FALSE(m.classification);
}

TEST_CASE("identical outputs have infinite SNR and cosine 1") {
  const ir::Tensor ref = rows_of(1, 3, {0.5f, -2, 7});
  const report::Metrics m = report::compute_metrics({"y"}, OutputTask::Other, {ref}, {ref}, ref, nullptr);
  CHECK(m.outputs[0].snr_db == std::numeric_limits<double>::infinity());
  CHECK(m.outputs[0].cosine == 1.0);
  CHECK(m.outputs[0].max_abs_error == 0.0);
  CHECK(m.min_output_snr_db() == std::numeric_limits<double>::infinity());
}

TEST_CASE("snr_db edge cases") {
  CHECK(report::snr_db(100, 1) == Approx(20));
  CHECK(report::snr_db(1, 1) == Approx(0));
  CHECK(report::snr_db(0, 0) == std::numeric_limits<double>::infinity());
  CHECK(report::snr_db(0, 1) == -std::numeric_limits<double>::infinity());
}

TEST_CASE("ROC AUC by Mann-Whitney counts ties half") {
  // Pairs (positive, negative): (.9,.5)=1 (.9,.1)=1 (.5,.5)=½ (.5,.1)=1, twice for the two .5 positives
  // except the first: 1 + 1 + ½ + 1 + ½ + 1 = 5 of 6.
  CHECK(*report::roc_auc(std::vector<double>{0.9, 0.5, 0.5}, std::vector<double>{0.5, 0.1}) == Approx(5.0 / 6.0));
  CHECK(*report::roc_auc(std::vector<double>{2, 3}, std::vector<double>{0, 1}) == Approx(1.0));
  CHECK(*report::roc_auc(std::vector<double>{0, 1}, std::vector<double>{2, 3}) == Approx(0.0));
  CHECK(*report::roc_auc(std::vector<double>{1, 1}, std::vector<double>{1, 1, 1}) == Approx(0.5));
  CHECK_FALSE(report::roc_auc(std::vector<double>{}, std::vector<double>{1.0}));
  CHECK_FALSE(report::roc_auc(std::vector<double>{1.0}, std::vector<double>{}));
}

TEST_CASE("argmax takes the first maximum") {
  CHECK(report::argmax(std::vector<double>{0.5, 0.5, 0.1}) == 0);
  CHECK(report::argmax(std::vector<double>{-3, -1, -2}) == 1);
}

TEST_CASE("output task from the input size and the output shape") {
  CHECK(report::output_task(784, {1, 784}) == OutputTask::Reconstruction);
  CHECK(report::output_task(784, {1, 1, 28, 28}) == OutputTask::Reconstruction);
  CHECK(report::output_task(64, {1, 10}) == OutputTask::Classification);
  CHECK(report::output_task(64, {1, 10, 1, 1}) == OutputTask::Classification);
  CHECK(report::output_task(64, {1, 1}) == OutputTask::Regression);
  CHECK(report::output_task(64, {1}) == OutputTask::Regression);
  // A segmentation map: 21 classes per pixel is no 451,584-class classifier.
  CHECK(report::output_task(3 * 224 * 224, {1, 21, 224, 96}) == OutputTask::Dense);
  CHECK(report::output_task(64, {1, 0}) == OutputTask::Other);
  CHECK(std::string(report::task_name(OutputTask::Dense)) == "dense");
  CHECK(std::string(report::task_name(OutputTask::Regression)) == "regression");
}

TEST_CASE("top-1, agreement and the disagreement pairs of a small classifier") {
  // Float predicts 0 1 1 2 2, compressed 0 2 2 1 2, labels 0 1 2 2 2.
  const ir::Tensor ref = one_hot({0, 1, 1, 2, 2}, 3), out = one_hot({0, 2, 2, 1, 2}, 3);
  const std::vector<int64_t> labels{0, 1, 2, 2, 2};
  const report::Metrics m =
      report::compute_metrics({"y"}, OutputTask::Classification, {ref}, {out}, ref, &labels);
  REQUIRE(m.classification);
  const report::ClassificationMetrics& c = *m.classification;
  CHECK(c.classes == 3);
  CHECK(*c.top1_float_pct == Approx(80.0));
  CHECK(*c.top1_compressed_pct == Approx(60.0));
  CHECK(*c.top1_delta_points() == Approx(-20.0));
  CHECK(c.agreement_pct == Approx(40.0));
  CHECK(c.disagreements == 3);
  REQUIRE(c.confusion.size() == 2);
  CHECK(c.confusion[0].float_class == 1);
  CHECK(c.confusion[0].compressed_class == 2);
  CHECK(c.confusion[0].count == 2);
  CHECK(c.confusion[1].float_class == 2);
  CHECK(c.confusion[1].compressed_class == 1);
  CHECK(c.confusion[1].count == 1);
}

TEST_CASE("without labels only agreement is measured") {
  const ir::Tensor ref = one_hot({0, 1}, 2);
  const report::Metrics m = report::compute_metrics({"y"}, OutputTask::Classification, {ref}, {ref}, ref, nullptr);
  CHECK(m.classification->agreement_pct == Approx(100.0));
  CHECK_FALSE(m.classification->top1_float_pct);
  CHECK_FALSE(m.classification->top1_delta_points());
  CHECK(m.classification->confusion.empty());
}

TEST_CASE("at most ten disagreement pairs are kept, most frequent first") {
  std::vector<int64_t> float_classes, compressed_classes;
  for (int64_t k = 0; k < 12; ++k)
    for (int64_t repeat = 0; repeat <= k; ++repeat) {
      float_classes.push_back(k);
      compressed_classes.push_back((k + 1) % 12);
    }
  const report::Metrics m = report::compute_metrics({"y"}, OutputTask::Classification, {one_hot(float_classes, 12)},
                                                    {one_hot(compressed_classes, 12)}, one_hot(float_classes, 12),
                                                    nullptr);
  const auto& confusion = m.classification->confusion;
  REQUIRE(confusion.size() == 10);
  CHECK(confusion.front().float_class == 11);
  CHECK(confusion.front().count == 12);
  CHECK(confusion.back().float_class == 2);
  CHECK(m.classification->disagreements == static_cast<int64_t>(float_classes.size()));
}

TEST_CASE("a label outside the classes is an InputError") {
  const ir::Tensor ref = one_hot({0, 1}, 2);
  const std::vector<int64_t> labels{0, 2};
  const std::string msg = test::input_error_of(
      [&] { report::compute_metrics({"y"}, OutputTask::Classification, {ref}, {ref}, ref, &labels); });
  CHECK(msg.find("label 2 of row 1") != std::string::npos);
}

TEST_CASE("anomaly AUC of an autoencoder, float vs compressed") {
  // Inputs are 0, so each row's score is the mean of its squared outputs.
  const ir::Tensor inputs = rows_of(4, 2, std::vector<float>(8, 0.0f));
  const ir::Tensor ref = rows_of(4, 2, {0.1f, 0.1f, 0.3f, 0.3f, 0.2f, 0.2f, 0.4f, 0.4f});  // .01 .09 .04 .16
  const ir::Tensor out = rows_of(4, 2, {0.3f, 0.3f, 0.3f, 0.3f, 0.2f, 0.2f, 0.4f, 0.4f});  // .09 .09 .04 .16
  const std::vector<int64_t> labels{0, 5, 0, 6};  // rows 1 and 3 are anomalies
  const report::Metrics m =
      report::compute_metrics({"y"}, OutputTask::Reconstruction, {ref}, {out}, inputs, &labels, {0, 1});
  REQUIRE(m.anomaly);
  CHECK(m.anomaly->normal_rows == 2);
  CHECK(m.anomaly->anomaly_rows == 2);
  CHECK(m.anomaly->auc_float == Approx(1.0));
  // Anomalies {.09, .16} vs normals {.09, .04}: ½ + 1 + 1 + 1 of 4 pairs.
  CHECK(m.anomaly->auc_compressed == Approx(0.875));
  CHECK_FALSE(m.classification);
}

TEST_CASE("chunked accumulation equals one pass over all rows") {
  const ir::Tensor ref = rows_of(4, 3, {1, 2, 3, 3, 2, 1, 0, 5, 1, 2, 2, 9});
  const ir::Tensor out = rows_of(4, 3, {1, 2.5f, 3, 3, 2, 4, 0, 5, 1, 2, 2.5f, 1});
  const std::vector<int64_t> labels{2, 0, 1, 2};
  const report::Metrics whole =
      report::compute_metrics({"y"}, OutputTask::Classification, {ref}, {out}, ref, &labels);
  report::MetricsAccumulator acc({"y"}, OutputTask::Classification);
  const std::vector<int64_t> first{2, 0}, second{1, 2};
  acc.add({rows_of(2, 3, {1, 2, 3, 3, 2, 1})}, {rows_of(2, 3, {1, 2.5f, 3, 3, 2, 4})}, ref, &first);
  acc.add({rows_of(2, 3, {0, 5, 1, 2, 2, 9})}, {rows_of(2, 3, {0, 5, 1, 2, 2.5f, 1})}, ref, &second);
  const report::Metrics chunked = acc.finish();
  CHECK(chunked.rows == 4);
  CHECK(chunked.outputs[0].snr_db == Approx(whole.outputs[0].snr_db));
  CHECK(chunked.outputs[0].rmse == Approx(whole.outputs[0].rmse));
  CHECK(chunked.classification->agreement_pct == Approx(whole.classification->agreement_pct));
  CHECK(*chunked.classification->top1_compressed_pct == Approx(*whole.classification->top1_compressed_pct));
  // Float predicts 2 0 1 2 (all right), compressed 2 2 1 1.
  CHECK(*whole.classification->top1_float_pct == Approx(100.0));
  CHECK(*whole.classification->top1_compressed_pct == Approx(50.0));
  CHECK(whole.classification->agreement_pct == Approx(50.0));
}

// Gates: preconditions refused before the work, verdicts and their one-line messages.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "report/gates.h"
#include "support/test_support.h"

using namespace tinyc;
using report::OutputTask;

namespace {

report::EvaluationPlan plan(OutputTask task, std::vector<int64_t> labels = {}, std::vector<int64_t> normal = {}) {
  report::EvaluationPlan p;
  p.task = task;
  p.rows = 4;
  p.classes = task == OutputTask::Classification ? 10 : 0;
  p.labels = std::move(labels);
  p.normal_classes = std::move(normal);
  return p;
}

report::Evaluation classifier(double top1_float, double top1_compressed, double agreement, double snr) {
  report::Evaluation e;
  e.metrics.task = OutputTask::Classification;
  report::ClassificationMetrics c;
  c.top1_float_pct = top1_float;
  c.top1_compressed_pct = top1_compressed;
  c.agreement_pct = agreement;
  e.metrics.classification = c;
  report::OutputError out;
  out.snr_db = snr;
  e.metrics.outputs.push_back(out);
  return e;
}

}  // namespace

TEST_CASE("gates that cannot be measured are refused before the work") {
  report::GateLimits limits;
  limits.max_accuracy_drop_points = 0.3;
  CHECK(test::input_error_of([&] { report::check_gates_measurable(limits, std::nullopt); }).find("--eval") !=
        std::string::npos);
  const std::string no_labels =
      test::input_error_of([&] { report::check_gates_measurable(limits, plan(OutputTask::Classification)); });
  CHECK(no_labels.find("--max-accuracy-drop needs labels") != std::string::npos);
  CHECK_NOTHROW(report::check_gates_measurable(limits, plan(OutputTask::Classification, {1, 2, 3, 4})));

  // An autoencoder's accuracy is its anomaly AUC: labels, normal classes, and rows of both kinds.
  CHECK(test::input_error_of([&] { report::check_gates_measurable(limits, plan(OutputTask::Reconstruction, {0, 1})); })
            .find("--normal-classes") != std::string::npos);
  CHECK(test::input_error_of(
            [&] { report::check_gates_measurable(limits, plan(OutputTask::Reconstruction, {0, 0}, {0})); })
            .find("anomalous") != std::string::npos);
  CHECK_NOTHROW(report::check_gates_measurable(limits, plan(OutputTask::Reconstruction, {0, 5}, {0})));
  CHECK_FALSE(test::input_error_of([&] { report::check_gates_measurable(limits, plan(OutputTask::Other, {0})); })
                  .empty());

  report::GateLimits agreement;
  agreement.min_agreement_pct = 99;
  CHECK(test::input_error_of([&] { report::check_gates_measurable(agreement, plan(OutputTask::Reconstruction)); })
            .find("classifier") != std::string::npos);
  CHECK_NOTHROW(report::check_gates_measurable(agreement, plan(OutputTask::Classification)));
  agreement.min_agreement_pct = 101;
  CHECK_FALSE(test::input_error_of([&] { report::check_gates_measurable(agreement, plan(OutputTask::Classification)); })
                  .empty());

  report::GateLimits size;
  size.max_size_bytes = 1000;
  CHECK_NOTHROW(report::check_gates_measurable(size, std::nullopt));
  CHECK_FALSE(size.need_evaluation());
  size.max_size_bytes = -1;
  CHECK_FALSE(test::input_error_of([&] { report::check_gates_measurable(size, std::nullopt); }).empty());
}

TEST_CASE("a failed gate is one line naming the gate, the measured value and the limit") {
  report::GateLimits limits;
  limits.max_accuracy_drop_points = 0.3;
  limits.min_agreement_pct = 99;
  limits.min_snr_db = 30;
  limits.max_size_bytes = 40000;
  const report::Evaluation e = classifier(98.87, 98.02, 97.5, 25.04);
  const auto results = report::evaluate_gates(limits, &e, 45123);
  REQUIRE(results.size() == 4);
  CHECK(results[0].message == "gate --max-accuracy-drop failed: top-1 dropped 0.85 points (limit 0.30)");
  CHECK(results[0].measured == Approx(0.85));
  CHECK(results[0].limit == 0.3);
  CHECK_FALSE(results[0].passed);
  CHECK(results[1].message == "gate --min-agreement failed: top-1 agreement 97.50 % (limit 99.00 %)");
  CHECK(results[2].message == "gate --min-snr failed: output SNR 25.0 dB (limit 30.0 dB)");
  CHECK(results[3].message == "gate --max-size failed: output file 45,123 bytes (limit 40,000 bytes)");
  CHECK(results[3].unit == "bytes");
  const std::string failures = report::gate_failures(results);
  CHECK(std::count(failures.begin(), failures.end(), '\n') == 3);
  CHECK(failures.rfind("gate --max-accuracy-drop failed", 0) == 0);
}

TEST_CASE("gates within their limits pass") {
  report::GateLimits limits;
  limits.max_accuracy_drop_points = 0.3;
  limits.min_agreement_pct = 99;
  limits.min_snr_db = 30;
  limits.max_size_bytes = 40000;
  // Accuracy rising is a negative drop; an infinite SNR meets any limit; the size limit is inclusive.
  const report::Evaluation e = classifier(98.0, 98.5, 99.0, std::numeric_limits<double>::infinity());
  const auto results = report::evaluate_gates(limits, &e, 40000);
  for (const auto& r : results) CHECK(r.passed);
  CHECK(results[0].message == "gate --max-accuracy-drop passed: top-1 rose 0.50 points (limit 0.30)");
  CHECK(results[0].measured == Approx(-0.5));
  CHECK(report::gate_failures(results).empty());
}

TEST_CASE("the RAM gate compares TFLite Micro's arena with its limit, inclusively") {
  report::GateLimits limits;
  limits.max_ram_bytes = 20000;
  const auto pass = report::evaluate_gates(limits, nullptr, 0, 20000);
  REQUIRE(pass.size() == 1);
  CHECK(pass[0].passed);
  const auto fail = report::evaluate_gates(limits, nullptr, 0, 20001);
  CHECK_FALSE(fail[0].passed);
  CHECK(fail[0].message == "gate --max-ram failed: RAM (TFLite Micro arena, 32-bit MCU) 20,001 bytes (limit 20,000 bytes)");
  limits.max_ram_bytes = -1;
  CHECK(test::input_error_of([&] { report::check_gates_measurable(limits, std::nullopt); }).find("--max-ram") !=
        std::string::npos);
}

TEST_CASE("the accuracy gate of an autoencoder reads the anomaly AUC in points") {
  report::GateLimits limits;
  limits.max_accuracy_drop_points = 0.5;
  report::Evaluation e;
  e.metrics.task = OutputTask::Reconstruction;
  e.metrics.anomaly = report::AnomalyMetrics{{0, 1}, 10, 10, 0.9058, 0.8950};
  const auto results = report::evaluate_gates(limits, &e, 0);
  CHECK(results[0].message == "gate --max-accuracy-drop failed: anomaly AUC dropped 1.08 points (limit 0.50)");
}

TEST_CASE("a measurement that is not a number fails its gate, whatever the limit") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  report::GateLimits limits;
  limits.min_snr_db = 1000;
  limits.min_agreement_pct = 0;
  limits.max_accuracy_drop_points = 100;
  report::Evaluation e = classifier(nan, 90, nan, nan);
  report::OutputError healthy;
  healthy.snr_db = 50;
  e.metrics.outputs.push_back(healthy);  // the other output's SNR does not hide the NaN
  CHECK(std::isnan(e.metrics.min_output_snr_db()));
  const std::vector<report::GateResult> results = report::evaluate_gates(limits, &e, 100, std::nullopt);
  REQUIRE(results.size() == 3);
  for (const report::GateResult& r : results) {
    INFO(r.message);
    CHECK_FALSE(r.passed);
    CHECK(r.message.find("not a number") != std::string::npos);
  }
}

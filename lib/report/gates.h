// CI gates: limits a compressed model must meet (--max-accuracy-drop, --min-agreement, --min-snr,
// --max-size, --max-ram). Each evaluated gate records its limit, the measured value and pass/fail; a failure
// reads as one line naming the gate, the measured value and the limit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report/evaluate_models.h"

namespace tinyc::report {

// The limits the user set; an unset limit is not evaluated.
struct GateLimits {
  std::optional<double> max_accuracy_drop_points;  // top-1 float − compressed (AUC × 100 for an autoencoder)
  std::optional<double> min_agreement_pct;         // predicted class unchanged, % of rows
  std::optional<double> min_snr_db;                // lowest output SNR
  std::optional<int64_t> max_size_bytes;           // size of the written output model file
  std::optional<int64_t> max_ram_bytes;            // TFLite Micro's arena for the written .tflite on a 32-bit MCU

  // True when some gate needs the evaluation (every gate except --max-size and --max-ram).
  bool need_evaluation() const;
};

// One evaluated gate.
struct GateResult {
  std::string gate;  // the option, e.g. "--min-snr"
  double limit = 0;
  double measured = 0;
  std::string unit;  // "points", "%", "dB", "bytes"
  bool passed = true;
  std::string message;  // one line, on pass and on failure
};

// Before the long work: throws InputError for a gate that cannot be measured, e.g. --max-accuracy-drop
// without labels, --min-agreement on a model that does not output class scores, or any evaluation
// gate without eval data (`plan` is empty then).
void check_gates_measurable(const GateLimits& limits, const std::optional<EvaluationPlan>& plan);

// Evaluates every set limit. `evaluation` may be empty only when no gate needs it;
// `output_file_bytes` is the size of the written model, `ram_bytes` the RAM it needs (set when
// --max-ram is: a .tflite was written).
std::vector<GateResult> evaluate_gates(const GateLimits& limits, const Evaluation* evaluation,
                                       int64_t output_file_bytes, std::optional<int64_t> ram_bytes = std::nullopt);

// The failure lines of `results`, one per failed gate ("" when all passed).
std::string gate_failures(const std::vector<GateResult>& results);

}  // namespace tinyc::report

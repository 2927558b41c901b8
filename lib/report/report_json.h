// The accuracy report as JSON, for CI and scripts. The schema (every field, its unit, an example)
// is documented in docs/report.md; bump kReportSchemaVersion when a field changes meaning.
#pragma once

#include <nlohmann/json.hpp>

#include "report/accuracy_report.h"

namespace tinyc::report {

inline constexpr int kReportSchemaVersion = 1;

// Fields in the documented order. Non-finite numbers (an SNR of identical values) are written as the
// strings "inf", "-inf", "nan".
nlohmann::ordered_json report_to_json(const AccuracyReport& report);

// A value, or null when absent.
template <class T>
nlohmann::ordered_json optional_value(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

// A number as the report writes it: non-finite values as the strings "inf", "-inf", "nan".
nlohmann::ordered_json number(double v);

// The report's "target" object: the board, its budgets, what the model uses and whether it fits.
nlohmann::ordered_json target_to_json(const TargetFit& fit);

}  // namespace tinyc::report

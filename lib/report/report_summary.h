// The few lines `compress` prints on stdout after an evaluation: accuracy, output error, the layer
// that hurts, gates. The JSON and Markdown reports hold the rest.
#pragma once

#include <string>

#include "report/accuracy_report.h"

namespace tinyc::report {

// At most five lines, each ending in '\n'; empty when there is neither an evaluation nor a gate.
std::string report_summary(const AccuracyReport& report);

}  // namespace tinyc::report

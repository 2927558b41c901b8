// The accuracy report as a Markdown page for people: headline numbers, gates, sizes, the per-layer
// table (lowest SNR first, the layer that adds the most error marked), disagreements, passes.
#pragma once

#include <string>

#include "report/accuracy_report.h"

namespace tinyc::report {

std::string report_to_markdown(const AccuracyReport& report);

}  // namespace tinyc::report

// `tinyc fit`'s table as JSON (for scripts and CI), Markdown (for people and pull requests), a
// terminal summary, and an SVG plot of accuracy against flash. docs/fit.md documents the fields.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/fit_table.h"

namespace tinyc::report {

inline constexpr int kFitSchemaVersion = 1;

nlohmann::ordered_json fit_to_json(const FitTable& table);

// `plot_file`, when not empty, is the SVG's file name, linked beside the table.
std::string fit_to_markdown(const FitTable& table, const std::string& plot_file = "");

// The table in fixed-width columns and the verdict, for stdout.
std::string fit_summary(const FitTable& table);

// Accuracy (top-1, AUC, agreement or SNR, as measured) against flash bytes: every measured point
// numbered as in the table, the Pareto front, the chosen point, the flash budget and the float
// model's accuracy. Self-contained SVG 1.1.
std::string fit_to_svg(const FitTable& table);

}  // namespace tinyc::report

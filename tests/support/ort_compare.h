// ONNX Runtime as the independent reference for tests: runs tests/ort/ort_compare.js (node) on two
// ONNX files and the same inputs, so format and pass tests can check a rewritten model computes the same.
#pragma once

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace tinyc::test {

// Runs `node tests/ort/ort_compare.js <args...>` and returns what it did. Fails the test (never
// skips it) when ONNX Runtime or node is not installed.
CommandResult run_ort_compare(const std::vector<std::filesystem::path>& args);

// Compares models `a` and `b` on the first `rows` rows of the float32 .npy `inputs`; requires the
// script to succeed and returns its summary {"rows", "max_abs_diff", "identical", "argmax_agreement"}.
nlohmann::json ort_compare(const std::filesystem::path& a, const std::filesystem::path& b,
                           const std::filesystem::path& inputs, int rows);

}  // namespace tinyc::test

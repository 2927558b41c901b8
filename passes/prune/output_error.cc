// Cutting calibration rows and measuring how far a model's outputs moved.
#include "passes/prune/output_error.h"

#include <algorithm>
#include <cmath>

#include "ir/tensor_rows.h"

namespace tinyc::passes {

std::vector<ir::Tensor> first_rows(const std::vector<ir::Tensor>& inputs, int64_t rows) {
  std::vector<ir::Tensor> cut;
  for (const ir::Tensor& t : inputs)
    cut.push_back(rows <= 0 || rows >= t.shape()[0] ? t : ir::slice_rows(t, 0, rows));
  return cut;
}

namespace {

double arg_max_agreement(const ir::Tensor& a, const ir::Tensor& b) {
  const ir::Shape& s = a.shape();
  if (s.size() != 2 || s[1] < 2) return 1.0;
  const auto va = a.values<float>(), vb = b.values<float>();
  const auto k = static_cast<size_t>(s[1]);
  int64_t same = 0;
  for (size_t r = 0; r < static_cast<size_t>(s[0]); ++r) {
    const auto ra = va.subspan(r * k, k), rb = vb.subspan(r * k, k);
    same += std::max_element(ra.begin(), ra.end()) - ra.begin() == std::max_element(rb.begin(), rb.end()) - rb.begin();
  }
  return static_cast<double>(same) / static_cast<double>(s[0]);
}

}  // namespace

OutputError compare_outputs(const std::vector<ir::Tensor>& reference, const std::vector<ir::Tensor>& other) {
  double signal = 0, noise = 0;
  OutputError e;
  for (size_t i = 0; i < reference.size(); ++i) {
    const auto a = reference[i].values<float>(), b = other[i].values<float>();
    for (size_t j = 0; j < a.size(); ++j) {
      signal += static_cast<double>(a[j]) * a[j];
      noise += (static_cast<double>(a[j]) - b[j]) * (static_cast<double>(a[j]) - b[j]);
    }
    e.agreement = std::min(e.agreement, arg_max_agreement(reference[i], other[i]));
  }
  e.relative = signal > 0 ? noise / signal : (noise > 0 ? 1.0 : 0.0);
  e.snr_db = e.relative > 0 ? std::min(200.0, -10 * std::log10(e.relative)) : 200.0;
  return e;
}

}  // namespace tinyc::passes

// Method names, for pass options, logs and the report.
#include "calib/range.h"

#include <array>
#include <string>

#include "ir/error.h"

namespace tinyc::calib {

namespace {

constexpr std::array<Method, 5> kSelectable = {Method::MinMax, Method::Percentile, Method::Entropy, Method::Mse,
                                               Method::Auto};

}  // namespace

std::string_view method_name(Method m) {
  switch (m) {
    case Method::MinMax: return "minmax";
    case Method::Percentile: return "percentile";
    case Method::Entropy: return "entropy";
    case Method::Mse: return "mse";
    case Method::Auto: return "auto";
    case Method::DataFree: return "data_free";
  }
  return "?";
}

Method parse_method(std::string_view text) {
  std::string accepted;
  for (Method m : kSelectable) {
    if (method_name(m) == text) return m;
    accepted += (accepted.empty() ? "" : ", ") + std::string(method_name(m));
  }
  throw InputError("unknown calibration method '" + std::string(text) + "'; use one of " + accepted);
}

}  // namespace tinyc::calib

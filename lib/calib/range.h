// What calibration hands to quantization: one float range per activation, with the method that
// chose it, keyed by value name.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tinyc::calib {

// How an activation's range is chosen. MinMax keeps everything observed; Percentile, Entropy and Mse
// clip outliers (see range_search.h); Auto picks per value whichever of the four measures the least
// quantization error; DataFree marks ranges estimated from BatchNorm statistics (data_free.h).
enum class Method { MinMax, Percentile, Entropy, Mse, Auto, DataFree };

// "minmax", "percentile", "entropy", "mse", "auto", "data_free".
std::string_view method_name(Method m);
// One of the calibration methods a user may ask for ("minmax", "percentile", "entropy", "mse",
// "auto"); InputError listing them otherwise.
Method parse_method(std::string_view text);

// The float interval an int8 activation must cover; quantization widens it to contain 0
// (exec::int8_reference::choose_asymmetric_params). `mse` is the quantization error of the range measured
// on the calibration histogram (mean squared error per element), 0 when it was not measured.
struct ValueRange {
  float min = 0;
  float max = 0;
  Method method = Method::MinMax;  // the method that chose it; never Auto
  double mse = 0;
};

// Ranges by value name.
using RangeMap = std::map<std::string, ValueRange>;

}  // namespace tinyc::calib

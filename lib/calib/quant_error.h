// The quantization error of a candidate range on a histogram: the one error measure the range
// searches minimize and `auto` compares methods with.
#pragma once

#include "calib/histogram.h"

namespace tinyc::calib {

// Mean squared error per value of quantizing the histogram's values to int8 with the parameters
// exec::int8_reference::choose_asymmetric_params picks for [min, max]: values inside the grid round to the
// nearest grid point, values beyond it clip to its end. Values are taken as uniform within each bin
// and the squared error is integrated exactly over each bin (a sawtooth inside the grid, a parabola
// outside), so the measure is exact for that model at any bin width; exact zeros cost nothing.
double quantization_mse(const Histogram& h, float min, float max);

}  // namespace tinyc::calib

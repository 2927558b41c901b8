// Choosing an activation's clipping range from its calibration histogram: min/max, percentile,
// entropy (KL divergence) and MSE searches, and `auto`, which keeps whichever errs least.
#pragma once

#include "calib/histogram.h"
#include "calib/range.h"

namespace tinyc::calib {

// Options of the searches that take any.
struct SearchOptions {
  double percentile = 99.99;  // Percentile: keep this share (in %) of the values, clipping each tail
};

// Every value observed: [observed min, observed max].
ValueRange minmax_range(const Histogram& h);

// [q(1 - p), q(p)] for p = percentile / 100, q the quantile interpolated inside bins (so each tail
// loses at most 1 - p of the values). InputError unless 50 < percentile <= 100.
ValueRange percentile_range(const Histogram& h, double percentile);

// TensorRT-style entropy calibration extended to asymmetric ranges: among the clipping ranges of the
// shrinking path (see range_search.cc), the one with the least KL(P || Q), P the clipped
// distribution (outliers folded into the end bins), Q the kept bins merged into the 255 steps of the
// int8 grid. It clips at most 1 % of the values.
ValueRange entropy_range(const Histogram& h);

// Among the clipping ranges of the shrinking path, the one with the least quantization_mse().
ValueRange mse_range(const Histogram& h);

// The range `method` chooses; Auto computes MinMax, Percentile, Entropy and Mse and keeps the one
// with the least quantization_mse() on this histogram (the first of that order on a tie). Every
// returned range carries its measured mse. InternalError for DataFree, which needs no histogram.
ValueRange choose_range(const Histogram& h, Method method, const SearchOptions& options = {});

}  // namespace tinyc::calib

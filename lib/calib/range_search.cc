// The range searches. Entropy and MSE share one candidate path: starting from the full histogram,
// each step drops one end bin, choosing the end that leaves less mass clipped on its side (on a
// tie, the end farther from 0), never moving an end past 0; the path visits B - minimum candidates
// of O(B) cost each. So both tails lose about the same share of values, as with a percentile, and
// a sparse tail recedes faster than a dense one, which a single symmetric threshold could not do
// for asymmetric activations.
#include "calib/range_search.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "calib/quant_error.h"
#include "ir/error.h"

namespace tinyc::calib {

namespace {

// Steps of the int8 grid, as groups of bins in the entropy search.
constexpr int kLevels = 255;
// The MSE search stops when fewer bins than this remain (a range of 1/64 of the observed one).
constexpr int kMseMinimumBins = 32;
// The entropy search clips at most this share of the values. KL(P || Q) only compares shapes inside
// the kept range, so a range that keeps a single spike of mass would look perfect to it (e.g. data
// in [2, 5] clipped to [0, 2]); bounding the clipped mass rules such ranges out.
constexpr double kEntropyMaxClipped = 0.01;

ValueRange make_range(const Histogram& h, double lo, double hi, Method method) {
  ValueRange r;
  r.min = static_cast<float>(std::min(lo, 0.0));
  r.max = static_cast<float>(std::max(hi, 0.0));
  r.method = method;
  r.mse = quantization_mse(h, r.min, r.max);
  return r;
}

// Calls visit(l, h) for each candidate [edge(l), edge(h)] of the path, the full range first, while
// at least `minimum_bins` bins remain and at most `max_clipped` of all values are clipped.
void walk_clipping_path(const Histogram& hist, int minimum_bins, double max_clipped,
                        const std::function<void(int, int)>& visit) {
  const std::vector<double>& counts = hist.counts();
  const int zero = hist.zero_edge();
  int l = 0, h = hist.bins();
  double below = 0, above = 0;  // mass clipped on each side
  visit(l, h);
  while (h - l > minimum_bins) {
    const bool can_raise = l < zero;
    const bool can_lower = h > zero;
    if (!can_raise && !can_lower) break;
    bool raise = can_raise;
    if (can_raise && can_lower) {
      const double left = below + counts[static_cast<size_t>(l)], right = above + counts[static_cast<size_t>(h - 1)];
      raise = left < right || (left == right && zero - l > h - zero);
    }
    const double dropped = counts[static_cast<size_t>(raise ? l : h - 1)];
    if (below + above + dropped > max_clipped * hist.total()) break;
    if (raise)
      below += counts[static_cast<size_t>(l++)];
    else
      above += counts[static_cast<size_t>(--h)];
    visit(l, h);
  }
}

// The value below which `fraction` of all values lie (zeros sit at edge zero_edge()).
double quantile(const Histogram& h, double fraction) {
  const double target = fraction * h.total();
  double below = 0;
  for (int i = 0; i <= h.bins(); ++i) {
    if (i == h.zero_edge()) {
      below += h.zeros();
      if (below >= target) return 0;
    }
    if (i == h.bins()) break;
    const double c = h.counts()[static_cast<size_t>(i)];
    if (c > 0 && below + c >= target) return h.edge(i) + (target - below) / c * h.bin_width();
    below += c;
  }
  return h.edge(h.bins());
}

// KL(P || Q) over bins [l, h): P is the clipped distribution, the values beyond either end folded
// into the end bins; Q is the kept bins' own counts merged into kLevels groups and spread evenly over
// the bins where P is non-zero, so Q does not know about the folded outliers and clipping much mass
// costs divergence. Where Q is 0 but P is not (an empty end bin that took outliers), Q gets a floor
// of 1e-4 of an even share, which keeps the divergence finite and large.
double clipped_kl_divergence(const std::vector<double>& prefix, const std::vector<double>& counts, int l, int h) {
  const int k = h - l;
  std::vector<double> p(counts.begin() + l, counts.begin() + h);
  p.front() += prefix[static_cast<size_t>(l)];
  p.back() += prefix.back() - prefix[static_cast<size_t>(h)];
  std::vector<double> q(static_cast<size_t>(k), 0.0);
  for (int j = 0; j < kLevels; ++j) {
    const int begin = static_cast<int>(static_cast<int64_t>(j) * k / kLevels);
    const int end = static_cast<int>(static_cast<int64_t>(j + 1) * k / kLevels);
    double mass = 0;
    int occupied = 0;
    for (int i = begin; i < end; ++i) {
      mass += counts[static_cast<size_t>(l + i)];
      occupied += p[static_cast<size_t>(i)] > 0;
    }
    for (int i = begin; i < end; ++i)
      if (p[static_cast<size_t>(i)] > 0) q[static_cast<size_t>(i)] = mass / occupied;
  }
  double p_total = 0, q_total = 0;
  for (int i = 0; i < k; ++i) {
    p_total += p[static_cast<size_t>(i)];
    q_total += q[static_cast<size_t>(i)];
  }
  if (p_total == 0) return 0;
  if (q_total == 0) return INFINITY;
  const double q_floor = 1e-4 * q_total / k;
  double kl = 0;
  for (int i = 0; i < k; ++i) {
    const double pi = p[static_cast<size_t>(i)] / p_total;
    if (pi > 0) kl += pi * std::log(pi / (std::max(q[static_cast<size_t>(i)], q_floor) / q_total));
  }
  return kl;
}

}  // namespace

ValueRange minmax_range(const Histogram& h) {
  return make_range(h, h.observed_min(), h.observed_max(), Method::MinMax);
}

ValueRange percentile_range(const Histogram& h, double percentile) {
  if (!(percentile > 50 && percentile <= 100))
    throw InputError("percentile must be in (50, 100], got " + std::to_string(percentile));
  const double p = percentile / 100.0;
  const double lo = std::max(quantile(h, 1 - p), static_cast<double>(h.observed_min()));
  const double hi = std::min(quantile(h, p), static_cast<double>(h.observed_max()));
  return make_range(h, lo, hi, Method::Percentile);
}

ValueRange entropy_range(const Histogram& h) {
  if (h.bins() <= kLevels) return make_range(h, h.observed_min(), h.observed_max(), Method::Entropy);
  std::vector<double> prefix(1, 0.0);
  for (double c : h.counts()) prefix.push_back(prefix.back() + c);
  int best_l = 0, best_h = h.bins();
  double best = INFINITY;
  walk_clipping_path(h, kLevels, kEntropyMaxClipped, [&](int l, int hi) {
    const double kl = clipped_kl_divergence(prefix, h.counts(), l, hi);
    if (kl < best) {
      best = kl;
      best_l = l;
      best_h = hi;
    }
  });
  return make_range(h, std::max(h.edge(best_l), static_cast<double>(h.observed_min())),
                    std::min(h.edge(best_h), static_cast<double>(h.observed_max())), Method::Entropy);
}

ValueRange mse_range(const Histogram& h) {
  ValueRange best = minmax_range(h);
  walk_clipping_path(h, kMseMinimumBins, 1.0, [&](int l, int hi) {
    const ValueRange r = make_range(h, std::max(h.edge(l), static_cast<double>(h.observed_min())),
                                    std::min(h.edge(hi), static_cast<double>(h.observed_max())), Method::Mse);
    if (r.mse < best.mse) best = r;
  });
  best.method = Method::Mse;
  return best;
}

ValueRange choose_range(const Histogram& h, Method method, const SearchOptions& options) {
  switch (method) {
    case Method::MinMax: return minmax_range(h);
    case Method::Percentile: return percentile_range(h, options.percentile);
    case Method::Entropy: return entropy_range(h);
    case Method::Mse: return mse_range(h);
    case Method::Auto: {
      ValueRange best = minmax_range(h);
      for (Method m : {Method::Percentile, Method::Entropy, Method::Mse}) {
        const ValueRange r = choose_range(h, m, options);
        if (r.mse < best.mse) best = r;
      }
      return best;
    }
    case Method::DataFree: break;
  }
  throw InternalError("choose_range: " + std::string(method_name(method)) + " does not search a histogram");
}

}  // namespace tinyc::calib

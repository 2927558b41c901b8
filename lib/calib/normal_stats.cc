// Moments of a clipped normal. For X = mean + sd*Z, alpha = (a - mean)/sd, beta = (b - mean)/sd:
//   E[clamp(X)]   = a*Phi(alpha) + b*(1 - Phi(beta)) + mean*(Phi(beta) - Phi(alpha)) + sd*(phi(alpha) - phi(beta))
//   E[clamp(X)^2] = a^2*Phi(alpha) + b^2*(1 - Phi(beta)) + (mean^2 + sd^2)*(Phi(beta) - Phi(alpha))
//                   + sd*((mean + a)*phi(alpha) - (mean + b)*phi(beta))
// where terms with an infinite bound vanish.
#include "calib/normal_stats.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tinyc::calib {

namespace {

double cdf(double t) { return 0.5 * std::erfc(-t / std::sqrt(2.0)); }
double pdf(double t) { return std::isfinite(t) ? std::exp(-0.5 * t * t) / std::sqrt(2.0 * std::numbers::pi) : 0.0; }

}  // namespace

Normal ChannelStats::pooled() const {
  double mean = 0, second = 0;
  for (const Normal& n : channels) {
    mean += n.mean;
    second += n.sd * n.sd + n.mean * n.mean;
  }
  const double count = static_cast<double>(channels.size());
  mean /= count;
  return {mean, std::sqrt(std::max(0.0, second / count - mean * mean))};
}

Normal clipped(Normal x, double a, double b) {
  if (x.sd <= 0) return {std::clamp(x.mean, a, b), 0.0};
  const double alpha = (a - x.mean) / x.sd, beta = (b - x.mean) / x.sd;
  const double below = cdf(alpha), above = 1 - cdf(beta), inside = cdf(beta) - cdf(alpha);
  const double fa = pdf(alpha), fb = pdf(beta);
  const bool low = std::isfinite(a), high = std::isfinite(b);
  const double m1 = (low ? a * below : 0) + (high ? b * above : 0) + x.mean * inside + x.sd * (fa - fb);
  const double m2 = (low ? a * a * below : 0) + (high ? b * b * above : 0) + (x.mean * x.mean + x.sd * x.sd) * inside +
                    x.sd * ((low ? (x.mean + a) * fa : 0) - (high ? (x.mean + b) * fb : 0));
  return {m1, std::sqrt(std::max(0.0, m2 - m1 * m1))};
}

}  // namespace tinyc::calib

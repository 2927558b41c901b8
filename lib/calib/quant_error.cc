// Exact integrals of the squared int8 quantization error over uniform bins.
//
// With grid step s and grid points k*s (0 is a grid point), the rounding error e(x) = x - s*round(x/s)
// is a sawtooth in [-s/2, s/2); one period contributes s^3/12 to the integral of e^2. So
// H(x) = k*s^3/12 + (r^3 + s^3/8)/3, with k = floor(x/s + 1/2) and r = x - k*s, is an antiderivative
// of e(x)^2, and the error over [u, v] inside the grid is H(v) - H(u). Beyond the grid end g every
// value clips to g: the integral of (x - g)^2 over [u, v] is ((v - g)^3 - (u - g)^3) / 3.
#include "calib/quant_error.h"

#include <algorithm>
#include <cmath>

#include "exec/int8_reference/quant_math.h"

namespace tinyc::calib {

namespace {

struct Grid {
  double step;
  double lo;  // the lowest and highest representable values
  double hi;
};

double sawtooth_antiderivative(double x, double s) {
  const double k = std::floor(x / s + 0.5);
  const double r = x - k * s;
  return k * s * s * s / 12.0 + (r * r * r + s * s * s / 8.0) / 3.0;
}

double clip_integral(double u, double v, double g) {
  return ((v - g) * (v - g) * (v - g) - (u - g) * (u - g) * (u - g)) / 3.0;
}

// Integral of the squared error over [u, v] (u < v).
double error_integral(double u, double v, const Grid& grid) {
  double total = 0;
  if (u < grid.lo) {
    const double end = std::min(v, grid.lo);
    total += clip_integral(u, end, grid.lo);
    u = end;
  }
  if (v > grid.hi) {
    const double start = std::max(u, grid.hi);
    total += clip_integral(start, v, grid.hi);
    v = start;
  }
  if (v > u) total += sawtooth_antiderivative(v, grid.step) - sawtooth_antiderivative(u, grid.step);
  return total;
}

}  // namespace

double quantization_mse(const Histogram& h, float min, float max) {
  if (h.total() == 0) return 0;
  const exec::int8_reference::AffineParams p = exec::int8_reference::choose_asymmetric_params(min, max);
  const Grid grid{p.scale, p.scale * static_cast<double>(exec::int8_reference::kInt8Min - p.zero_point),
                  p.scale * static_cast<double>(exec::int8_reference::kInt8Max - p.zero_point)};
  const double width = h.bin_width();
  double sum = 0;
  for (int i = 0; i < h.bins(); ++i) {
    const double count = h.counts()[static_cast<size_t>(i)];
    // A histogram of zero width was built for an all-zero tensor: its values cost nothing.
    if (count == 0 || width == 0) continue;
    sum += count * error_integral(h.edge(i), h.edge(i + 1), grid) / width;
  }
  return sum / h.total();
}

}  // namespace tinyc::calib

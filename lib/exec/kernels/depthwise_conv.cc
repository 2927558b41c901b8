// Depthwise Conv as direct loops: every output plane starts at its bias, then each kernel tap
// (kh, kw) adds w[kh, kw] * x[oh * sh + kh * dh - ph, ow * sw + kw * dw - pw] over the output
// rectangle whose input lies inside the image (ranges clamped in prepare, so padding costs nothing
// and the inner loop over the output row has no branches).
#include "exec/kernels/depthwise_conv.h"

#include <Eigen/Core>
#include <algorithm>
#include <utility>

namespace tinyc::exec::kernels {

namespace {

// y[i] += w * x[i * stride] for i < n. Rows are short (4 to 28 elements in the corpus) and -O2 does
// not vectorize loops of run-time length, so stride 1 runs in fixed-size Eigen packets of 8 and 4.
template <class T>
void accumulate_row(T* y, const T* x, T w, int64_t n, int64_t stride) {
  int64_t i = 0;
  if (stride == 1) {
    using Eight = Eigen::Array<T, 8, 1>;
    using Four = Eigen::Array<T, 4, 1>;
    for (; i + 8 <= n; i += 8) Eigen::Map<Eight>(y + i) += w * Eigen::Map<const Eight>(x + i);
    for (; i + 4 <= n; i += 4) Eigen::Map<Four>(y + i) += w * Eigen::Map<const Four>(x + i);
  }
  for (; i < n; ++i) y[i] += w * x[i * stride];
}

}  // namespace

std::optional<DepthwisePlan> plan_depthwise(const ColumnGeometry& g, int64_t batch, int64_t channels, int64_t groups,
                                            int64_t group_in, int64_t group_out) {
  std::optional<PlaneWindow> window = plane_window(g);
  if (groups != channels || group_in != 1 || !window) return std::nullopt;
  return DepthwisePlan{batch * channels, channels, group_out, std::move(*window)};
}

template <class T>
void depthwise_conv(const DepthwisePlan& p, const T* x, const T* w, const T* bias, T* y) {
  const PlaneWindow& g = p.window;
  const int64_t in_plane = g.in_h * g.in_w;
  const int64_t out_plane = g.out_h * g.out_w;
  const int64_t taps = g.kernel_h * g.kernel_w;
  for (int64_t plane = 0; plane < p.planes; ++plane) {
    const T* xp = x + plane * in_plane;
    for (int64_t m = 0; m < p.multiplier; ++m) {
      const int64_t oc = (plane % p.channels) * p.multiplier + m;
      T* yp = y + (plane * p.multiplier + m) * out_plane;
      std::fill(yp, yp + out_plane, bias ? bias[oc] : T(0));
      const T* wk = w + oc * taps;
      for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
        const InsideRange& rows = g.rows[static_cast<size_t>(kh)];
        for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
          const InsideRange& cols = g.cols[static_cast<size_t>(kw)];
          if (cols.begin == cols.end) continue;
          const T weight = wk[kh * g.kernel_w + kw];
          const int64_t first = cols.input_offset + cols.begin * g.stride_w;  // input column of cols.begin
          for (int64_t oh = rows.begin; oh < rows.end; ++oh) {
            const T* xrow = xp + (rows.input_offset + oh * g.stride_h) * g.in_w;
            accumulate_row(yp + oh * g.out_w + cols.begin, xrow + first, weight, cols.end - cols.begin, g.stride_w);
          }
        }
      }
    }
  }
}

template void depthwise_conv<float>(const DepthwisePlan&, const float*, const float*, const float*, float*);
template void depthwise_conv<double>(const DepthwisePlan&, const double*, const double*, const double*, double*);

}  // namespace tinyc::exec::kernels

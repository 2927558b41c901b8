// Padded-plane layout of 2-D windows: geometry, the padded (phase-split) copy and the compaction.
#include "exec/kernels/padded_plane.h"

#include <algorithm>

namespace tinyc::exec::kernels {

PaddedPlane padded_plane(const PlaneWindow& g) {
  PaddedPlane p;
  p.in_h = g.in_h;
  p.in_w = g.in_w;
  p.out_h = g.out_h;
  p.out_w = g.out_w;
  p.pad_top = g.pad_h;
  p.pad_left = g.pad_w;
  p.stride_h = g.stride_h;
  p.stride_w = g.stride_w;
  p.height = g.out_h + (g.kernel_h - 1) * g.dilation_h / g.stride_h;
  p.width = g.out_w + (g.kernel_w - 1) * g.dilation_w / g.stride_w;
  std::vector<std::array<int64_t, 2>> tap_phases;
  std::vector<int64_t> tap_offsets;
  for (int64_t kh = 0; kh < g.kernel_h; ++kh)
    for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
      const int64_t h = kh * g.dilation_h, w = kw * g.dilation_w;
      tap_phases.push_back({h % g.stride_h, w % g.stride_w});
      tap_offsets.push_back(h / g.stride_h * p.width + w / g.stride_w);
      if (std::find(p.phases.begin(), p.phases.end(), tap_phases.back()) == p.phases.end())
        p.phases.push_back(tap_phases.back());
    }
  p.wide_count = g.out_h * p.width;
  p.wide_size = (p.wide_count + kPaddedBlock - 1) / kPaddedBlock * kPaddedBlock;
  p.plane_size = std::max(p.height * p.width, p.wide_size + *std::max_element(tap_offsets.begin(), tap_offsets.end()));
  for (const auto& [row_phase, col_phase] : p.phases)
    p.copies.push_back({inside_range(p.height, p.in_h, p.stride_h, row_phase - p.pad_top),
                        inside_range(p.width, p.in_w, p.stride_w, col_phase - p.pad_left)});
  for (size_t t = 0; t < tap_offsets.size(); ++t) {
    const int64_t phase = std::find(p.phases.begin(), p.phases.end(), tap_phases[t]) - p.phases.begin();
    p.taps.push_back(phase * p.plane_size + tap_offsets[t]);
  }
  return p;
}

template <class T>
void clear_padded(const PaddedPlane& p, T* padded) {
  std::fill(padded, padded + p.size(), T(0));
}

template <class T>
void pad_plane(const PaddedPlane& p, const T* x, T* padded) {
  copy_into_padded(p, x, padded, std::identity{});
}

template <class T>
void compact_plane(const PaddedPlane& p, const T* wide, T* y) {
  for (int64_t oh = 0; oh < p.out_h; ++oh) std::copy_n(wide + oh * p.width, p.out_w, y + oh * p.out_w);
}

template void clear_padded<float>(const PaddedPlane&, float*);
template void clear_padded<double>(const PaddedPlane&, double*);
template void pad_plane<float>(const PaddedPlane&, const float*, float*);
template void pad_plane<double>(const PaddedPlane&, const double*, double*);
template void compact_plane<float>(const PaddedPlane&, const float*, float*);
template void compact_plane<double>(const PaddedPlane&, const double*, double*);
template void compact_plane<int8_t>(const PaddedPlane&, const int8_t*, int8_t*);

}  // namespace tinyc::exec::kernels

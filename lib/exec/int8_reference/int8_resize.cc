// TFLite Micro's integer bilinear resize, plane by plane.
#include "exec/int8_reference/int8_resize.h"

#include <algorithm>
#include <vector>

namespace tinyc::exec::int8_reference {

namespace {

constexpr int32_t kOne = 1 << 10;  // 1.0 in the coordinates' fixed point

// The scale in/out (or (in - 1)/(out - 1) with align_corners) with 10 fraction bits, rounded.
int32_t scale_10(int32_t in, int32_t out, bool align_corners) {
  if (align_corners && out > 1) return (kOne * (in - 1) + (out - 1) / 2) / (out - 1);
  return (kOne * in + out / 2) / out;
}

// One output coordinate: its input position (10 fraction bits) and the two rows or columns around it.
struct Position {
  int32_t scaled = 0;
  int32_t lower = 0;
  int32_t upper = 0;
};

std::vector<Position> positions(int32_t in, int32_t out, bool align_corners, bool half_pixel_centers) {
  const int32_t scale = scale_10(in, out, align_corners);
  std::vector<Position> result;
  for (int32_t i = 0; i < out; ++i) {
    Position p;
    p.scaled = half_pixel_centers ? i * scale + scale / 2 - (1 << 9) : i * scale;
    p.lower = std::max(p.scaled / kOne, 0);
    p.upper = std::min((p.scaled + kOne - 1) / kOne, in - 1);
    result.push_back(p);
  }
  return result;
}

}  // namespace

void resize_bilinear_int8(const ResizeBilinearParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  const std::vector<Position> rows = positions(p.in_h, p.out_h, p.align_corners, p.half_pixel_centers);
  const std::vector<Position> cols = positions(p.in_w, p.out_w, p.align_corners, p.half_pixel_centers);
  const int8_t* x = input.data();
  int8_t* y = output.data();
  for (int64_t plane = 0; plane < p.planes; ++plane, x += static_cast<int64_t>(p.in_h) * p.in_w) {
    for (const Position& r : rows) {
      const int64_t dy = r.scaled - kOne * r.lower;  // the upper row's weight
      for (const Position& c : cols) {
        const int64_t dx = c.scaled - kOne * c.lower;
        const int64_t sum = x[r.lower * p.in_w + c.lower] * (kOne - dy) * (kOne - dx) +
                            x[r.upper * p.in_w + c.lower] * dy * (kOne - dx) +
                            x[r.lower * p.in_w + c.upper] * (kOne - dy) * dx + x[r.upper * p.in_w + c.upper] * dy * dx;
        const int64_t round = sum > 0 ? (1 << 19) : -(1 << 19);
        *y++ = static_cast<int8_t>((sum + round) / (1 << 20));
      }
    }
  }
}

}  // namespace tinyc::exec::int8_reference

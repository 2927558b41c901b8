// int8 bilinear resize as TensorFlow Lite Micro's RESIZE_BILINEAR computes it on int8 data
// (reference_ops::ResizeBilinearInteger): input and output share their quantization parameters,
// coordinates are fixed point with 10 fraction bits, and the four weighted neighbours are summed
// in 64 bits and rounded half away from zero.
#pragma once

#include <cstdint>
#include <span>

namespace tinyc::exec::int8_reference {

// planes = N * C planes of in_h x in_w resized to out_h x out_w, with TFLite's options.
struct ResizeBilinearParams {
  int64_t planes = 0;
  int32_t in_h = 1, in_w = 1, out_h = 1, out_w = 1;
  bool align_corners = false;
  bool half_pixel_centers = false;

  int64_t input_count() const { return planes * in_h * in_w; }
  int64_t output_count() const { return planes * out_h * out_w; }
};

// NCHW input and output.
void resize_bilinear_int8(const ResizeBilinearParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference

// Dequantization of per-tensor and per-channel integer tensors.
#include "ir/dequantize.h"

#include <algorithm>
#include <string>

#include "ir/error.h"

namespace tinyc::ir {

std::vector<float> dequantize(const Tensor& t, const QuantParams& params) {
  if (!is_integer(t.dtype()))
    throw InternalError("dequantize: " + std::string(dtype_name(t.dtype())) + " is not an integer type");
  const size_t channels = params.scale.size();
  if (channels == 0 || params.zero_point.size() != channels)
    throw InternalError("dequantize: " + std::to_string(channels) + " scales and " +
                        std::to_string(params.zero_point.size()) + " zero points");
  // Elements of one channel run in blocks of `inner` (the dims after the axis); per-tensor is one block.
  int64_t inner = t.num_elements();
  if (params.per_channel()) {
    const Shape& shape = t.shape();
    if (params.axis < 0 || params.axis >= static_cast<int64_t>(shape.size()) ||
        shape[params.axis] != static_cast<int64_t>(channels))
      throw InternalError("dequantize: " + std::to_string(channels) + " channels on axis " +
                          std::to_string(params.axis) + " of shape " + shape_to_string(shape));
    inner = num_elements(Shape(shape.begin() + params.axis + 1, shape.end()));
  }
  const std::vector<int64_t> q = t.to_int64();
  std::vector<float> real(q.size());
  // Block by block (channel c = block index mod channels), so no element pays for a division.
  const size_t block = inner > 0 ? static_cast<size_t>(inner) : q.size();
  for (size_t first = 0, c = 0; first < q.size(); first += block, c = (c + 1) % channels) {
    const double scale = params.scale[c];
    const int64_t zero_point = params.zero_point[c];
    const size_t end = std::min(q.size(), first + block);
    // In double, so an int32 value (a bias) is not rounded to float before the scale applies.
    for (size_t i = first; i < end; ++i) real[i] = static_cast<float>(scale * static_cast<double>(q[i] - zero_point));
  }
  return real;
}

}  // namespace tinyc::ir

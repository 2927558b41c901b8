// NCHW -> NHWC re-layouts: every one is a transpose of a (possibly reshaped) constant.
#include "formats/tflite/layout.h"

#include <cstring>
#include <string>
#include <vector>

#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

constexpr size_t kMaxRank = 8;

void require_rank(const ir::Tensor& t, size_t rank, const char* what) {
  if (t.shape().size() != rank)
    throw InternalError(std::string(what) + ": expected rank " + std::to_string(rank) + ", got " +
                        ir::shape_to_string(t.shape()));
}

}  // namespace

ir::Shape nhwc_shape(const ir::Shape& nchw) {
  if (nchw.size() != 4) throw InternalError("nhwc_shape: not rank 4: " + ir::shape_to_string(nchw));
  return {nchw[0], nchw[2], nchw[3], nchw[1]};
}

bool layouts_share_order(const ir::Shape& nchw) {
  return nchw.size() == 4 && (nchw[1] == 1 || nchw[2] * nchw[3] == 1);
}

ir::Tensor transpose(const ir::Tensor& t, std::span<const int> perm) {
  const ir::Shape& in = t.shape();
  const size_t rank = in.size();
  if (perm.size() != rank || rank > kMaxRank) throw InternalError("transpose: bad permutation for " + ir::shape_to_string(in));
  ir::Shape out_shape(rank);
  std::vector<int64_t> in_strides(rank, 1);
  for (size_t d = rank; d-- > 1;) in_strides[d - 1] = in_strides[d] * in[d];
  std::vector<int64_t> strides(rank);  // input stride of each output dim
  for (size_t k = 0; k < rank; ++k) {
    out_shape[k] = in[static_cast<size_t>(perm[k])];
    strides[k] = in_strides[static_cast<size_t>(perm[k])];
  }
  ir::Tensor out(t.dtype(), out_shape);
  const size_t elem = ir::dtype_size(t.dtype());
  const uint8_t* src = t.bytes().data();
  uint8_t* dst = out.mutable_bytes().data();
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (int64_t i = 0; i < out.num_elements(); ++i) {
    std::memcpy(dst + static_cast<size_t>(i) * elem, src + static_cast<size_t>(offset) * elem, elem);
    for (size_t d = rank; d-- > 0;) {
      offset += strides[d];
      if (++index[d] < out_shape[d]) break;
      offset -= strides[d] * out_shape[d];
      index[d] = 0;
    }
  }
  return out;
}

ir::Tensor reshaped(const ir::Tensor& t, const ir::Shape& shape) {
  ir::Tensor out(t.dtype(), shape);
  if (out.byte_size() != t.byte_size())
    throw InternalError("reshaped: " + ir::shape_to_string(t.shape()) + " does not fit " + ir::shape_to_string(shape));
  if (t.byte_size() != 0) std::memcpy(out.mutable_bytes().data(), t.bytes().data(), t.byte_size());
  return out;
}

ir::Tensor constant_to_nhwc(const ir::Tensor& t) {
  if (t.shape().size() > 4) throw InternalError("constant_to_nhwc: rank above 4: " + ir::shape_to_string(t.shape()));
  ir::Shape four(4 - t.shape().size(), 1);
  four.insert(four.end(), t.shape().begin(), t.shape().end());
  return transpose(reshaped(t, four), kNhwcFromNchw);
}

ir::Tensor conv_weights_to_ohwi(const ir::Tensor& oihw) {
  require_rank(oihw, 4, "conv_weights_to_ohwi");
  return transpose(oihw, kNhwcFromNchw);
}

ir::Tensor depthwise_weights_to_1hwc(const ir::Tensor& oihw) {
  require_rank(oihw, 4, "depthwise_weights_to_1hwc");
  static constexpr std::array<int, 4> kToOneHwc = {1, 2, 3, 0};
  return transpose(oihw, kToOneHwc);
}

ir::Tensor fc_columns_chw_to_hwc(const ir::Tensor& weights, std::array<int64_t, 3> chw) {
  require_rank(weights, 2, "fc_columns_chw_to_hwc");
  const int64_t units = weights.shape()[0];
  const ir::Tensor hwc = transpose(reshaped(weights, {units, chw[0], chw[1], chw[2]}), kNhwcFromNchw);
  return reshaped(hwc, weights.shape());
}

}  // namespace tinyc::tflite_format

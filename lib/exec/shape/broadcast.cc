// Broadcasting as the ONNX spec defines it (numpy rules, right-aligned dims; the legacy forms of opsets 1-6).
#include "exec/shape/broadcast.h"

#include <algorithm>
#include <string>

#include "exec/shape/shape_rule.h"

namespace tinyc::exec::shape {

std::optional<ir::Shape> broadcast_shapes(const ir::Shape& a, const ir::Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  ir::Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Dims counted from the right; a missing dim acts as 1.
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

bool broadcasts_to(const ir::Shape& from, const ir::Shape& to) {
  auto out = broadcast_shapes(from, to);
  return out && *out == to;
}

ir::Shape legacy_operand_shape(const ir::Node& node, int64_t opset, const ir::Shape& a, const ir::Shape& b) {
  if (opset >= 7 || node.attr_int("broadcast", 0) == 0) return b;
  const int64_t rank_a = static_cast<int64_t>(a.size());
  const int64_t rank_b = static_cast<int64_t>(b.size());
  const int64_t axis = node.has_attr("axis") ? normalize_axis(node, node.attr_int("axis", 0), rank_a) : rank_a - rank_b;
  if (axis < 0 || axis + rank_b > rank_a)
    throw node_error(node, "B of shape " + ir::shape_to_string(b) + " does not fit into A of shape " +
                               ir::shape_to_string(a) + " at axis " + std::to_string(axis));
  ir::Shape padded = b;
  padded.resize(static_cast<size_t>(rank_a - axis), 1);
  return padded;
}

ir::Shape prelu_slope_shape(int64_t opset, const ir::Shape& x, const ir::Shape& slope) {
  if (opset >= 7 || slope.size() != 1 || x.size() < 2 || slope[0] != x[1] || slope[0] == 1) return slope;
  ir::Shape per_channel(x.size() - 1, 1);
  per_channel[0] = slope[0];
  return per_channel;
}

}  // namespace tinyc::exec::shape

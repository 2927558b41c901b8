// Copies resolved window geometry into the fixed-size form eval() walks.
#include "exec/kernels/columns.h"

namespace tinyc::exec::kernels {

std::vector<int64_t> spatial_dims(const ir::Shape& shape) {
  return shape.size() > 2 ? std::vector<int64_t>(shape.begin() + 2, shape.end()) : std::vector<int64_t>{};
}

ColumnGeometry make_column_geometry(const PrepareContext& ctx, const shape::WindowGeometry& window,
                                    const std::vector<int64_t>& columns, const std::vector<int64_t>& targets) {
  const size_t rank = columns.size();
  if (rank == 0 || rank > kMaxRank)
    ctx.fail("needs 1 to " + std::to_string(kMaxRank) + " spatial dims, got " + std::to_string(rank));
  if (targets.size() != rank || window.kernel.size() != rank)
    throw InternalError("window geometry of node '" + ctx.node.name + "' has mismatched ranks");
  ColumnGeometry g;
  g.rank = static_cast<int64_t>(rank);
  for (size_t d = 0; d < rank; ++d) {
    g.columns[d] = columns[d];
    g.targets[d] = targets[d];
    g.kernel[d] = window.kernel[d];
    g.strides[d] = window.strides[d];
    g.dilations[d] = window.dilations[d];
    g.pads[d] = window.pads_begin[d];
    g.column_count *= columns[d];
    g.target_count *= targets[d];
    g.kernel_count *= window.kernel[d];
  }
  return g;
}

}  // namespace tinyc::exec::kernels

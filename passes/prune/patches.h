// A Conv or Gemm seen as a matrix product, for least-squares work on pruned layers: the rows of its
// input patches (one per output position) times its weights as a matrix [outputs, inputs + 1] with
// the bias in the last column.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <vector>

#include "ir/graph.h"

namespace tinyc::passes {

// Where a layer's input patches come from: one input row (Gemm) or a window of a 2-D image (Conv),
// over the input channels of one group (all of them for group 1).
struct PatchGeometry {
  bool conv = false;
  int64_t groups = 1, kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1, pt = 0, pl = 0, out_h = 1, out_w = 1;
};

// The geometry of a Conv over 2-D images (explicit pads, any group) or a Gemm with alpha = beta = 1
// and transA = 0; nullopt for other layers.
std::optional<PatchGeometry> patch_geometry(const ir::Node& n);

// One output position of one input row.
struct Sample {
  int64_t row, y, x;
};

// Up to 12,000 output positions spread evenly over `rows` input rows (seeded, so runs repeat), in
// row order.
std::vector<Sample> draw_samples(const PatchGeometry& p, int64_t rows);

// One patch per sample over the input channels of `group` (x's channels split evenly into `groups`),
// plus a trailing 1 for the bias; columns in the weight's (c, ky, kx) order.
Eigen::MatrixXd gather_patches(const PatchGeometry& p, const ir::Tensor& x, const std::vector<Sample>& samples,
                               int64_t groups, int64_t group);

// The layer's weights as [outputs, inputs per group + 1], the bias in the last column; and back.
Eigen::MatrixXd weight_matrix(const ir::Node& n);
void write_weights(ir::Graph& g, ir::Node* n, const Eigen::MatrixXd& w);

}  // namespace tinyc::passes

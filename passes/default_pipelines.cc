// Default pipeline texts. The order matters:
//  - fold_constants first turns Constant nodes and shape computations into constants, which every
//    later matcher requires (Clip bounds, Pad amounts, Reshape targets, BN parameters);
//  - remove_identity drops Dropout/Identity/no-op Pad so producers and consumers become adjacent;
//  - decompose_hard_sigmoid before the affine folds, so its Mul and Add can merge into a Conv and
//    its Clip become the Conv's fused activation;
//  - matmul_add_to_gemm before the folds, so a MatMul + bias Add (as exporters write a Linear layer)
//    is one Gemm when fold_batchnorm looks for the producer of a following BN, and fold_affine then
//    meets scales and shifts after a node with a bias slot;
//  - fold_batchnorm before fold_affine, so a Mul/Add after a folded BN finds the Conv/Gemm adjacent;
//  - div_to_mul after fold_affine (which folds a Div into a Conv exactly), for the Divs left;
//  - fold_pad, merge_transpose_reshape on the simplified graph;
//  - fuse_activation after the affine folds: a fused clamp sits between a producer and any later
//    Mul/Add, so those could no longer be absorbed;
//  - lift_1d after the activations are fused, so a 1-D Conv and its Relu become one 2-D layer;
//  - eliminate_dead last collects the constants and nodes the rewrites left unreferenced;
//  - fuse_gelu right after the clean-up, before any fold can split its chain;
//  - decompose_for_int8, bias_correction, then quantize_int8 after all of them, so they measure and
//    quantize the final float graph (the decomposition only where int8 follows).
#include "passes/default_pipelines.h"

namespace tinyc::passes {

std::string default_folding_pipeline() {
  return "fold_constants,remove_identity,fuse_gelu,decompose_hard_sigmoid,matmul_add_to_gemm,fold_batchnorm,fold_affine,div_to_mul,fold_pad,"
         "merge_transpose_reshape,fuse_activation,lift_1d,eliminate_dead";
}

namespace {

// "weight_scales=S", then ",weight_bits=B" when B is not 8.
std::string weight_options(const WeightChoice& w) {
  return "weight_scales=" + w.scales + (w.bits == "8" ? "" : ",weight_bits=" + w.bits);
}

}  // namespace

std::string quantization_steps(std::string_view calib_method, const WeightChoice& weights) {
  const std::string quantize = "quantize_int8(calib=" + std::string(calib_method) + "," + weight_options(weights);
  if (weights.rounding == "optimal") return "decompose_for_int8," + quantize + ",rounding=optimal)";
  return "decompose_for_int8,bias_correction(" + weight_options(weights) + ")," + quantize + ")";
}

std::string data_free_quantization_steps(const WeightChoice& weights) {
  return "decompose_for_int8,quantize_int8(" + weight_options(weights) + ")";
}

std::string default_int8_pipeline(std::string_view calib_method) {
  return default_folding_pipeline() + "," + quantization_steps(calib_method);
}

std::string default_data_free_int8_pipeline() { return default_folding_pipeline() + "," + data_free_quantization_steps(); }

}  // namespace tinyc::passes

// The pipelines `tinyc compress` runs when the user gives no --passes, as pipeline text.
#pragma once

#include <string>
#include <string_view>

namespace tinyc::passes {

// Float-preserving graph folding: constants, identities, BatchNorm and affine folding, Pad folding,
// layout merging and activation fusion, then dead-code removal. The result computes the same
// function as the input (up to float rounding) with fewer nodes.
std::string default_folding_pipeline();

// The folding pipeline, bias_correction, then quantize_int8 calibrating with `calib_method` (auto:
// per tensor the method with the least measured error); quantize_int8 needs calibration rows or
// data-free ranges in the PassContext, bias_correction the calibration rows. Bias correction
// raised top-1 agreement with the float model on every corpus classifier (e.g. digits_mlp 99.62 ->
// 100 %, fmnist_resnet8 99.35 -> 99.65 %). equalize_cross_layer is not in it: it lowered the
// output SNR of the corpus models.
std::string default_int8_pipeline(std::string_view calib_method = "auto");
// How the quantization steps put weights on the grid, as their option words.
struct WeightChoice {
  std::string scales = "per_channel";  // parse_weight_scales words
  std::string bits = "8";              // 8, 4 or auto
  std::string rounding = "nearest";    // nearest or optimal
};

// Its steps after folding (pruning runs before them). Rounded to nearest:
// "decompose_for_int8,bias_correction(weight_scales=S),quantize_int8(calib=M,weight_scales=S)", with
// weight_bits on both when not 8. Rounded optimally, no bias_correction (the rounding compensates the
// biases itself): "decompose_for_int8,quantize_int8(calib=M,weight_scales=S,weight_bits=B,rounding=optimal)".
std::string quantization_steps(std::string_view calib_method = "auto", const WeightChoice& weights = {});

// Without calibration rows (--data-free): the folding pipeline, then quantize_int8 on the ranges the
// PassContext holds.
std::string default_data_free_int8_pipeline();
// Its steps after folding, with `weights` as for quantization_steps (rounded to nearest).
std::string data_free_quantization_steps(const WeightChoice& weights = {});

}  // namespace tinyc::passes

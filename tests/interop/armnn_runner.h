// Running an emitted .tflite file through Arm NN (the armnn_check tool) and through tinyc's int8
// executor on the same rows, and comparing their int8 outputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace tinyc::interop_test {

// How two runtimes' int8 outputs agree.
struct Agreement {
  double top1 = 0;         // rows whose largest output sits at the same index
  int max_lsb = 0;         // largest |difference| of one output
  double mean_lsb = 0;     // mean |difference|
  double equal_share = 0;  // outputs that are bit-equal
};

// Emits `g` (--io-type int8, --full-quant-params) into `dir`, runs `rows` (float, NCHW, dim 0 = rows) through tinyc's
// executor and through Arm NN, and compares the int8 outputs (tinyc's in NHWC order when rank 4).
// Fails the test when armnn_check fails.
Agreement run_both(const ir::Graph& g, const ir::Tensor& rows, const std::filesystem::path& dir,
                   const std::string& name);

// "top-1 100 %, max |diff| 1 LSB, mean 0.02 LSB, bit-equal 98.1 %"
std::string describe(const Agreement& a);

}  // namespace tinyc::interop_test

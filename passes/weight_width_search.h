// weight_bits=auto: which layers take 4-bit weights. Each layer's output error at 4 bits is
// measured on the calibration rows (layer_weights.h); layers are ranked by that error per byte
// they would save, and in that order each goes to 4 bits if the whole int8 model, with it and the
// layers already taken, still meets the bar on the calibration rows: for a classifier, top-1
// agreement with the float model of at least 99 %; for a reconstruction (an output the size of the
// input, as an anomaly-detecting autoencoder's), a quantization error at least 10 dB below the
// float model's own reconstruction error, which its anomaly score measures; else an output SNR at
// most 3 dB below the all-8-bit model's. One int8 run over the calibration rows per layer, plus one. A layer's own
// error does not tell how much the model's outputs move (that depends on the layers after it), so
// each is measured whole rather than a prefix bisected. With a file size limit (--max-size) the
// limit replaces the bar; a RAM limit (--max-ram) holds in both cases.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/graph.h"
#include "passes/layer_weights.h"

namespace tinyc::passes {

// One weighted layer's width and the reason for it, for logs and the report.
struct LayerWidth {
  std::string layer;
  std::string op;
  int bits = 8;
  std::optional<double> error_at_4;  // relative output error on the calibration rows, when measured
  std::optional<double> error_at_8;
  std::string why;
};

// What quantize_int8 did with the weights.
struct WeightWidths {
  std::string requested = "8";  // 8, 4 or auto
  std::string rounding = "nearest";
  std::vector<LayerWidth> layers;  // in graph order
  // auto: what the chosen widths measured, e.g. "top-1 agreement 99.4 % with the float model".
  std::string criterion;
  int64_t int8_runs = 0;  // auto: whole-model runs the search made (one per candidate layer, plus one)
};

// The int8 graph quantized with the given per-layer widths (layers not listed: 8).
using QuantizeWithWidths = std::function<std::unique_ptr<ir::Graph>(const std::map<std::string, int>&)>;

// What the file the caller writes for a quantized graph costs on the device.
struct FileCost {
  int64_t bytes = 0;      // flash
  int64_t ram_bytes = 0;  // the runtime's arena (4-bit filters are unpacked into it)
};

// Limits of the written file (--max-size, --max-ram) that the widths must meet.
struct DeviceBudget {
  std::optional<int64_t> max_bytes;
  std::optional<int64_t> max_ram_bytes;
  std::function<FileCost(const ir::Graph&)> cost;  // of a quantized graph
};

// The widths of `table`'s layers for weight_bits=auto, `float_graph` being the graph quantize_int8
// was given and `rows` its calibration rows (one tensor per graph input); fills `report`. With a
// RAM limit, a layer whose 4-bit filter would push the arena over it stays 8-bit. With a size
// limit, the fewest layers (in rank order) at 4 bits that make the file fit (all that RAM allows
// when nothing fits), and the bar's measure of the result in `report`.
// `progress` (when set) is called after each whole-model run with (runs done, runs at most).
std::map<std::string, int> choose_weight_widths(const ir::Graph& float_graph, const WeightTable& table,
                                                const std::vector<ir::Tensor>& rows,
                                                const exec::ExecutorOptions& executor,
                                                const QuantizeWithWidths& quantize,
                                                const std::optional<DeviceBudget>& budget, WeightWidths& report,
                                                const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace tinyc::passes

// Quantization options of `compress`: checking them, reading calibration data, describing the result.
#include "quantize_options.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "calib/data_free.h"
#include "calib/input_synthesis.h"
#include "io/dataset.h"
#include "ir/error.h"
#include "ir/tensor_rows.h"
#include "model_loading.h"
#include "progress.h"
#include "passes/default_pipelines.h"

namespace tinyc::cli {

namespace {

// Fewer calibration rows than this get a warning.
constexpr int64_t kFewCalibrationRows = 32;

// The options that only mean something together with --int8.
void require_int8(const QuantizeOptions& opt) {
  const char* stray = !opt.calib.empty()         ? "--calib"
                      : opt.data_free            ? "--data-free"
                      : opt.calib_samples != 0   ? "--calib-samples"
                      : opt.calib_select != 0    ? "--calib-select"
                      : opt.calib_method != "auto" ? "--calib-method"
                      : opt.weight_scales != "per_channel" ? "--weight-scales"
                      : opt.weight_bits != "8"   ? "--weight-bits"
                      : !opt.rounding.empty()    ? "--rounding"
                                                 : nullptr;
  if (stray) throw InputError(std::string(stray) + " only applies to int8 quantization: add --int8");
}

// Ranges measured on a handful of rows, or on rows that are all one value, clip real inputs: say so.
void warn_if_unrepresentative(const ir::Tensor& rows, const std::string& source) {
  const int64_t count = rows.shape()[0];
  if (count < kFewCalibrationRows)
    spdlog::warn("--calib {}: only {} row{}; activation ranges measured on so few rows clip real inputs (give a few "
                 "hundred typical rows)",
                 source, count, count == 1 ? "" : "s");
  if (rows.dtype() != ir::DType::Float32) return;
  const auto v = rows.values<float>();
  if (!v.empty() && std::all_of(v.begin(), v.end(), [&](float x) { return x == v.front(); }))
    spdlog::warn("--calib {}: every value is {}; ranges measured on constant rows say nothing about real inputs",
                 source, v.front());
}

// The calibration rows: the whole --calib pool, its first --calib-samples rows, or the
// --calib-select rows chosen on `g` (then recorded in `selection`).
ir::Tensor read_calibration_rows(const QuantizeOptions& opt, const ir::Graph& g, const exec::ExecutorOptions& executor,
                                 std::optional<calib::RowSelection>& selection) {
  if (g.inputs().size() != 1)
    throw InputError("--calib: the model has " + std::to_string(g.inputs().size()) +
                     " inputs; calibration data can feed only a model with one input");
  ir::Tensor rows = model_input_rows(*g.inputs()[0], io::read_dataset(opt.calib), opt.calib, opt.file_layout_rows);
  const int64_t available = rows.shape()[0];
  if (opt.calib_samples > available)
    spdlog::warn("--calib-samples {}: {} holds only {} rows; using all of them", opt.calib_samples, opt.calib,
                 available);
  if (opt.calib_samples > 0 && opt.calib_samples < available) rows = ir::slice_rows(rows, 0, opt.calib_samples);
  if (opt.calib_select > 0) {
    selection = calib::select_rows(g, rows, opt.calib_select, executor);
    rows = calib::take_rows(rows, selection->rows);
    spdlog::info("--calib-select: calibrating on {} of the {} rows of {}, chosen to cover the activations at '{}'",
                 selection->rows.size(), available, opt.calib, selection->feature);
  }
  warn_if_unrepresentative(rows, opt.calib);
  return rows;
}

// --input-range, when given, into the input range of a data-free estimate or a row synthesis.
template <class Options>
void apply_input_range(const QuantizeOptions& opt, Options& options) {
  if (opt.input_range.empty()) return;
  options.input_min = opt.input_range[0];
  options.input_max = opt.input_range[1];
}

}  // namespace

const char* const kDataFreeCaveat =
    "activation ranges were estimated from the model's BatchNorm statistics and synthesized rows (--data-free), "
    "not measured on data: on tinyc's seven test models this cost at most 0.3 points of top-1 against the float "
    "model, but a model unlike them may lose more; give --calib FILE.npy to measure ranges on typical inputs (or "
    "--input-range MIN,MAX when the inputs are not in [0, 1])";

const char* const kSynthesizedRowsCaveat =
    "pruning chose its layer ratios and refits on rows synthesized from the model's BatchNorm statistics "
    "(--data-free), not on data, and --int8 calibrated on the same rows: expect a larger accuracy loss than with "
    "data (docs/pruning.md lists what it cost on tinyc's test models); give --calib FILE.npy with a few hundred "
    "typical input rows for the better model";

bool imply_data_free(QuantizeOptions& opt, bool pruning) {
  if (!(opt.int8 || pruning) || opt.data_free || !opt.calib.empty() || opt.calib_samples != 0 ||
      opt.calib_select != 0 || opt.calib_method != "auto")
    return false;
  opt.data_free = true;
  spdlog::warn(pruning ? "pruning without --calib: pruning without data, on rows synthesized from the model (as "
                         "--data-free)"
                       : "--int8 without --calib: quantizing without data, as --data-free");
  return true;
}

void add_quantize_options(CLI::App& cmd, QuantizeOptions& opt) {
  cmd.add_flag("--int8", opt.int8,
               "Quantize to int8 (TFLite int8 scheme) with ranges measured on --calib rows; without --calib, as "
               "--data-free");
  cmd.add_option("--calib", opt.calib,
                 "Calibration rows for --int8 and --prune: one .npy (rows along dim 0) or a folder of .npy files");
  cmd.add_option("--calib-samples", opt.calib_samples, "Use only the first N calibration rows (default: all)")
      ->check(CLI::PositiveNumber);
  cmd.add_option("--calib-select", opt.calib_select,
                 "Calibrate on N rows chosen from the --calib pool to cover the float model's activations, balanced "
                 "over its predicted classes (the report lists them)")
      ->check(CLI::PositiveNumber);
  cmd.add_option("--calib-method", opt.calib_method,
                 "How activation ranges are chosen: auto picks per tensor the method with the least measured error")
      ->check(CLI::IsMember({"auto", "minmax", "percentile", "entropy", "mse"}))
      ->capture_default_str();
  cmd.add_option("--weight-scales", opt.weight_scales,
                 "Weight scales: per_channel (most accurate), per_tensor, or fc_per_tensor (per channel for Conv, per "
                 "tensor for fully connected layers, as the TF converter: TFLM keeps 8 B per output channel less)")
      ->check(CLI::IsMember({"per_channel", "per_tensor", "fc_per_tensor"}))
      ->capture_default_str();
  cmd.add_option("--weight-bits", opt.weight_bits,
                 "Weight width: 8; 4 (Conv, Gemm and MatMul weights packed two per byte as TFLite INT4; TFLM "
                 "unpacks each layer's filter into its arena while the layer runs); or auto (per layer: 4 bits for "
                 "the layers that lose least by it, as many as keep top-1 agreement >= 99 % with the float model on "
                 "the calibration rows; for non-classifiers an output SNR within 3 dB of all-8-bit)")
      ->check(CLI::IsMember({"8", "4", "auto"}))
      ->capture_default_str();
  cmd.add_option("--rounding", opt.rounding,
                 "Weight rounding: nearest, or optimal (scales searched and weights rounded for the least layer "
                 "output error on the calibration rows, biases compensated). Default: nearest at 8 bits, optimal "
                 "at 4 bits with calibration rows")
      ->check(CLI::IsMember({"nearest", "optimal"}));
  cmd.add_option("--input-range", opt.input_range,
                 "With --data-free: the range MIN,MAX of the model's input values (default 0,1)")
      ->expected(2)
      ->delimiter(',');
  cmd.add_flag("--data-free", opt.data_free,
               "No calibration data: int8 ranges estimated from the model's BatchNorm statistics and rows "
               "synthesized for its classifier head; with --prune, pruning and calibration on rows synthesized "
               "from those statistics (less accurate than --calib)");
}

PreparedCalibration prepare_quantization(const QuantizeOptions& opt, const ir::Graph& float_graph, bool pruning,
                                         const exec::ExecutorOptions& executor) {
  PreparedCalibration prepared;
  passes::PassContext& context = prepared.context;
  context.executor = executor;
  if (pruning && opt.calib.empty() && !opt.data_free)
    throw InputError("--prune chooses layer ratios and refits on calibration data: give --calib FILE.npy, or "
                     "--data-free to synthesize rows from the model");
  if (!opt.input_range.empty() && !(std::isfinite(opt.input_range[0]) && std::isfinite(opt.input_range[1]) &&
                                    opt.input_range[0] < opt.input_range[1]))
    throw InputError("--input-range " + fmt::format("{},{}", opt.input_range[0], opt.input_range[1]) +
                     ": give MIN,MAX with MIN < MAX, both finite");
  if (!opt.input_range.empty() && !opt.data_free)
    throw InputError("--input-range describes the inputs --data-free assumes: add --data-free, or leave it out with "
                     "--calib");
  if (opt.calib_samples != 0 && opt.calib_select != 0)
    throw InputError("--calib-samples and --calib-select both choose calibration rows: give one of them");
  if (opt.data_free && pruning) {
    if (!opt.calib.empty() || opt.calib_samples != 0 || opt.calib_select != 0 || opt.calib_method != "auto")
      throw InputError("--data-free synthesizes its calibration rows: leave out --calib, --calib-samples, "
                       "--calib-select and --calib-method");
    calib::InputSynthesisOptions options;
    options.threads = executor.threads;
    apply_input_range(opt, options);
    spdlog::info("synthesizing {} calibration rows from the model's BatchNorm statistics", options.rows);
    const auto start = std::chrono::steady_clock::now();
    ProgressLine progress("synthesizing rows", calib::synthesis_steps(options), "steps");
    options.on_step = [&](int64_t done) { progress.update(done); };
    context.calibration_inputs.push_back(calib::synthesize_input_rows(float_graph, options));
    prepared.synthesized_rows = options.rows;
    prepared.data_free_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    spdlog::info("synthesized {} rows in {:.1f} s", options.rows, prepared.data_free_seconds);
    return prepared;
  }
  if (!opt.int8) {
    if (!pruning) require_int8(opt);
    if (opt.data_free || opt.calib_method != "auto")
      throw InputError("--data-free and --calib-method only apply to int8 quantization: add --int8");
    if (pruning)
      context.calibration_inputs.push_back(read_calibration_rows(opt, float_graph, executor, prepared.selection));
    return prepared;
  }
  if (opt.data_free && !opt.calib.empty())
    throw InputError("--data-free and --calib exclude each other: give calibration data, or none with --data-free");
  if (opt.data_free) {
    if (opt.calib_samples != 0 || opt.calib_select != 0 || opt.calib_method != "auto")
      throw InputError("--calib-samples, --calib-select and --calib-method need --calib; --data-free calibrates nothing");
    calib::DataFreeOptions options;
    apply_input_range(opt, options);
    spdlog::info("estimating activation ranges without data (BatchNorm statistics, synthesized head rows)");
    const auto start = std::chrono::steady_clock::now();
    context.activation_ranges = calib::data_free_ranges(float_graph, options);
    prepared.data_free_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return prepared;
  }
  if (opt.calib.empty())
    throw InputError(
        "--int8 needs calibration data: give --calib FILE.npy (a few hundred typical input rows), or --data-free "
        "to estimate ranges from BatchNorm statistics");
  context.calibration_inputs.push_back(read_calibration_rows(opt, float_graph, executor, prepared.selection));
  return prepared;
}

std::string quantization_steps(const QuantizeOptions& opt, bool pruning) {
  if (!opt.int8) return "";
  const bool rows = !opt.data_free || pruning;
  passes::WeightChoice weights{opt.weight_scales, opt.weight_bits, opt.rounding};
  if (weights.rounding.empty()) weights.rounding = opt.weight_bits != "8" && rows ? "optimal" : "nearest";
  if (!rows && (weights.rounding == "optimal" || weights.bits == "auto"))
    throw InputError(std::string(weights.bits == "auto" ? "--weight-bits auto" : "--rounding optimal") +
                     " measures each layer's output error on calibration rows, which --data-free without --prune has "
                     "none of: give --calib" + (weights.bits == "auto" ? "" : ", or --rounding nearest"));
  if (weights.bits == "auto" && weights.rounding == "nearest")
    throw InputError("--weight-bits auto ranks layers by their error with optimal rounding: leave out --rounding nearest");
  return rows ? passes::quantization_steps(opt.calib_method, weights) : passes::data_free_quantization_steps(weights);
}

}  // namespace tinyc::cli

// Where and how `compress` writes its result: --output, --format, and the TFLite options
// (--io-type, --keep-names, --full-quant-params, --no-memory-plan, --emit-c). Kept apart so compress_command.cc only sequences the steps.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <string>

#include "ir/graph.h"
#include "passes/weight_width_search.h"

namespace tinyc::cli {

// What the user asked to be written.
struct OutputOptions {
  std::string output;  // empty: derived from the model name and the format
  std::string format;  // tflite, onnx-qdq or onnx; empty: tflite with --int8, else onnx
  std::string io_type;  // int8 or float32; empty: the model's own (float32 for a float-interface .tflite), else int8
  bool keep_names = false;
  bool full_quant_params = false;
  bool no_memory_plan = false;
  std::string emit_c;  // also write the .tflite bytes as a C header here
};

void add_output_options(CLI::App& cmd, OutputOptions& opt);

// The chosen format and file, checked against --int8 before any pass runs: InputError for a
// combination that cannot be written (a float model as .tflite, an int8 model as float ONNX, TFLite
// options with another format, a missing output folder).
struct OutputPlan {
  std::string format;
  std::filesystem::path path;
  std::string io_type;  // --io-type, else `model_io_type`
};
OutputPlan plan_output(const OutputOptions& opt, const std::string& model, bool int8,
                       const std::string& model_io_type = "int8");

// The .tflite bytes write_output would write for `g` (format tflite).
std::string tflite_blob(const ir::Graph& g, const OutputOptions& opt, const OutputPlan& plan);

// The flash (its size) and RAM (TFLM's arena on a 32-bit MCU) of a .tflite blob.
passes::FileCost blob_cost(const std::string& blob);

// blob_cost of tflite_blob.
passes::FileCost tflite_cost(const ir::Graph& g, const OutputOptions& opt, const OutputPlan& plan);

// Writes `g` as planned (atomically), and the C header with --emit-c. Returns the TFLite blob's
// bytes when a .tflite file was written.
std::optional<std::string> write_output(const ir::Graph& g, const OutputOptions& opt, const OutputPlan& plan);

}  // namespace tinyc::cli

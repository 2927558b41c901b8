// Output options of `compress`: choosing the format and file, writing the model.
#include "output_options.h"

#include <spdlog/spdlog.h>

#include "formats/onnx/export.h"
#include "formats/onnx/export_qdq.h"
#include "formats/tflite/blob_memory.h"
#include "formats/tflite/c_array.h"
#include "formats/tflite/emit.h"
#include "io/atomic_file.h"
#include "ir/error.h"
#include "output_folder.h"

namespace tinyc::cli {

namespace {

std::string default_extension(const std::string& format) {
  if (format == "tflite") return ".tflite";
  if (format == "onnx-qdq") return ".qdq.onnx";
  return ".tinyc.onnx";
}

}  // namespace

void add_output_options(CLI::App& cmd, OutputOptions& opt) {
  cmd.add_option("-o,--output", opt.output,
                 "Output file (default, in the current folder: <model stem>.tflite with --int8, <model stem>.qdq.onnx "
                 "with --format onnx-qdq, else <model stem>.tinyc.onnx)");
  cmd.add_option("--format", opt.format,
                 "Output format: tflite (int8 FlatBuffer for TFLite Micro; default with --int8), onnx-qdq (int8 as "
                 "ONNX QuantizeLinear/DequantizeLinear, for ONNX Runtime), onnx (float; default otherwise)")
      ->check(CLI::IsMember({"tflite", "onnx-qdq", "onnx"}));
  cmd.add_option("--io-type", opt.io_type,
                 "TFLite: element type of the model's inputs and outputs (float32 adds QUANTIZE/DEQUANTIZE at the "
                 "edges); default int8, or for a .tflite model its own")
      ->check(CLI::IsMember({"int8", "float32"}));
  cmd.add_flag("--keep-names", opt.keep_names,
               "TFLite: keep every tensor's name (by default only the inputs and outputs are named, to save flash)");
  cmd.add_flag("--full-quant-params", opt.full_quant_params,
               "TFLite: also write the biases' per-channel scales and one zero point per channel, as the TFLite "
               "converter does; TFLite Micro reads neither, other TFLite consumers (Arm NN) need both");
  cmd.add_flag("--no-memory-plan", opt.no_memory_plan,
               "TFLite: leave out tinyc's arena plan (OfflineMemoryAllocation metadata); TFLite Micro then plans the "
               "arena itself");
  cmd.add_option("--emit-c", opt.emit_c, "TFLite: also write the model as a C array header (16-byte aligned) here");
}

OutputPlan plan_output(const OutputOptions& opt, const std::string& model, bool int8, const std::string& model_io_type) {
  OutputPlan plan{opt.format.empty() ? (int8 ? "tflite" : "onnx") : opt.format, {},
                  opt.io_type.empty() ? model_io_type : opt.io_type};
  if ((plan.format == "tflite" || plan.format == "onnx-qdq") && !int8)
    throw InputError("--format " + plan.format + " writes int8 models: add --int8 (with --calib or --data-free)");
  if (plan.format == "onnx" && int8)
    throw InputError("--format onnx writes float models; an --int8 model is written as --format tflite or onnx-qdq");
  if (plan.format != "tflite") {
    const bool tflite_only =
        !opt.io_type.empty() || opt.keep_names || opt.full_quant_params || opt.no_memory_plan || !opt.emit_c.empty();
    if (tflite_only)
      throw InputError("--io-type, --keep-names, --full-quant-params, --no-memory-plan and --emit-c apply to --format tflite only");
  }
  plan.path = opt.output.empty() ? std::filesystem::path(std::filesystem::path(model).stem().string() +
                                                         default_extension(plan.format))
                                 : std::filesystem::path(opt.output);
  check_output_folder(plan.path, "--output");
  if (!opt.emit_c.empty()) check_output_folder(opt.emit_c, "--emit-c");
  return plan;
}

namespace {

tflite_format::EmitOptions emit_options(const OutputOptions& opt, const OutputPlan& plan) {
  tflite_format::EmitOptions emit;
  emit.io_type = tflite_format::parse_io_type(plan.io_type);
  emit.keep_names = opt.keep_names;
  emit.full_quant_params = opt.full_quant_params;
  emit.memory_plan = !opt.no_memory_plan;
  return emit;
}

}  // namespace

std::string tflite_blob(const ir::Graph& g, const OutputOptions& opt, const OutputPlan& plan) {
  return tflite_format::emit_tflite_bytes(g, emit_options(opt, plan));
}

passes::FileCost blob_cost(const std::string& blob) {
  return {static_cast<int64_t>(blob.size()), static_cast<int64_t>(tflite_format::blob_memory(blob).ram_bytes())};
}

passes::FileCost tflite_cost(const ir::Graph& g, const OutputOptions& opt, const OutputPlan& plan) {
  return blob_cost(tflite_blob(g, opt, plan));
}

std::optional<std::string> write_output(const ir::Graph& g, const OutputOptions& opt, const OutputPlan& plan) {
  if (plan.format == "onnx") {
    onnx_format::export_model_file(g, plan.path);
    return std::nullopt;
  }
  if (plan.format == "onnx-qdq") {
    onnx_format::export_qdq_model_file(g, plan.path);
    return std::nullopt;
  }
  std::string blob = tflite_blob(g, opt, plan);
  io::write_file_atomically(plan.path, blob);
  if (!opt.emit_c.empty()) {
    tflite_format::write_c_array_file(opt.emit_c, blob, plan.path.filename().string());
    spdlog::info("wrote {} ({} bytes as a C array)", opt.emit_c, blob.size());
  }
  return blob;
}

}  // namespace tinyc::cli

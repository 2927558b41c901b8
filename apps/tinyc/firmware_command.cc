// `tinyc firmware model.tflite --rows rows.npy --kit DIR`: the proof on a device. Builds a TFLite
// Micro firmware image for a Cortex-M4F around the model (the kit's reference or CMSIS-NN kernels,
// the arena sized to tinyc's RAM estimate), runs rows on QEMU's mps2-an386, requires every output
// to equal `tinyc run` bit for bit, and reports the image's real flash and RAM next to tinyc's
// estimates (and, with --target, against the board).
#include <algorithm>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "exec/executor.h"
#include "firmware_kit.h"
#include "formats/tflite/blob_memory.h"
#include "formats/tflite/c_array.h"
#include "formats/tflite/import.h"
#include "formats/tflite/run_rows.h"
#include "io/atomic_file.h"
#include "io/file_bytes.h"
#include "io/json_text.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "model_loading.h"
#include "output_folder.h"
#include "report/report_json.h"
#include "report/targets.h"
#include "report/text_format.h"
#include "report_options.h"

namespace tinyc::cli {

namespace {

namespace fs = std::filesystem;
using report::grouped;

struct FirmwareOptions {
  std::string model;
  std::string rows;
  int64_t count = 5;
  std::string kit;
  std::string kernels = "reference";
  int64_t arena = 0;  // 0: tinyc's estimate
  std::string target;
  std::string target_file;
  std::string json;
  std::string keep;  // keep the build here; empty: a temporary folder
  int timeout = 300;
};

// A folder for the build: --keep's (made), else a fresh temporary one removed at the end.
class WorkDir {
 public:
  explicit WorkDir(const std::string& keep) {
    if (!keep.empty()) {
      check_output_folder(fs::path(keep) / "model_data.h", "--keep");
      path_ = keep;
      return;
    }
    std::string pattern = (fs::temp_directory_path() / "tinyc-firmware-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw InternalError("cannot make a temporary folder: " + std::string(std::strerror(errno)));
    path_ = pattern;
    temporary_ = true;
  }
  ~WorkDir() {
    std::error_code ec;
    if (temporary_) fs::remove_all(path_, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  bool temporary_ = false;
};

// "row 3, value 7: the firmware printed 12, tinyc computes 13"; empty when every value is equal.
std::string first_difference(const ir::Tensor& expected, const std::vector<std::vector<std::string>>& printed) {
  const int64_t rows = expected.shape()[0];
  const int64_t per_row = rows ? expected.num_elements() / rows : 0;
  if (static_cast<int64_t>(printed.size()) < rows)
    return "the firmware printed " + std::to_string(printed.size()) + " of " + std::to_string(rows) + " rows";
  for (int64_t r = 0; r < rows; ++r) {
    const std::vector<std::string>& got = printed[static_cast<size_t>(r)];
    if (static_cast<int64_t>(got.size()) != per_row)
      return "row " + std::to_string(r) + ": the firmware printed " + std::to_string(got.size()) + " values, the model has " +
             std::to_string(per_row);
    for (int64_t i = 0; i < per_row; ++i) {
      const size_t at = static_cast<size_t>(r * per_row + i);
      std::string want;
      bool equal = false;
      if (expected.dtype() == ir::DType::Float32) {
        const float w = expected.values<float>()[at];
        const float g = std::strtof(got[static_cast<size_t>(i)].c_str(), nullptr);
        equal = std::memcmp(&w, &g, sizeof w) == 0 || (std::isnan(w) && std::isnan(g));
        want = report::significant(w, 9);
      } else {
        want = std::to_string(expected.to_int64()[at]);
        equal = got[static_cast<size_t>(i)] == want;
      }
      if (!equal)
        return "row " + std::to_string(r) + ", value " + std::to_string(i) + ": the firmware printed " +
               got[static_cast<size_t>(i)] + ", tinyc run computes " + want;
    }
  }
  return "";
}

// A model whose TFLite form has variable tensors: an LSTM's hidden and cell states.
bool keeps_state(const ir::Graph& g) {
  const std::vector<ir::Node*> nodes = g.nodes();
  return std::any_of(nodes.begin(), nodes.end(), [](const ir::Node* n) { return n->op_type == "LSTM"; });
}

// tinyc's outputs for `rows` (the model's input rows), as `tinyc run` writes them.
ir::Tensor expected_outputs(const ir::Graph& g, const ir::Tensor& rows) {
  const std::vector<ir::Tensor> out = exec::Executor(g).run({rows});
  return tflite_format::tflite_output_rows(*g.outputs()[0], out[0], false);
}

void run_firmware_check(const FirmwareOptions& opt) {
  if (!tflite_format::is_tflite_file(opt.model))
    throw InputError("tinyc firmware runs a .tflite file; '" + opt.model + "' is not one (write one with tinyc compress "
                     "--int8)");
  if (opt.count < 1) throw InputError("--count must be at least 1");
  const std::optional<report::TargetFit> target = resolve_target(opt.target, opt.target_file);
  if (!opt.json.empty()) check_output_folder(opt.json, "--json");
  const FirmwareKit kit = open_firmware_kit(opt.kit, opt.kernels);
  const std::string blob = io::read_file_bytes(opt.model, "model file");
  const tflite_format::BlobMemory memory = tflite_format::blob_memory(blob);
  const auto graph = import_tflite_model(opt.model, {}, false);
  if (graph->inputs().size() != 1 || graph->outputs().size() != 1)
    throw InputError("the firmware kit runs a model with one input and one output; '" + opt.model + "' has " +
                     std::to_string(graph->inputs().size()) + " and " + std::to_string(graph->outputs().size()));
  ir::Tensor rows = model_input_rows(*graph->inputs()[0], io::read_npy(opt.rows), opt.rows, true);
  rows = ir::slice_rows(rows, 0, std::min(opt.count, rows.shape()[0]));
  if (keeps_state(*graph) && rows.shape()[0] > 1) {
    spdlog::warn("the model keeps an LSTM's state from one invocation to the next and the firmware runs its rows "
                 "without resetting it (an application calls MicroInterpreter::Reset() before each sequence); "
                 "only the first row runs");
    rows = ir::slice_rows(rows, 0, 1);
  }
  const int64_t row_count = rows.shape()[0];
  const ir::Tensor expected = expected_outputs(*graph, rows);

  WorkDir work(opt.keep);
  tflite_format::write_c_array_file(work.path() / "model_data.h", blob, fs::path(opt.model).filename().string());
  io::write_npy(work.path() / "rows.npy", rows);
  const auto estimate = static_cast<int64_t>(memory.ram_bytes());
  const int64_t arena = opt.arena > 0 ? opt.arena : (estimate + 15) / 16 * 16;  // TFLM aligns the arena to 16 B
  spdlog::info("building the firmware ({} kernels, {} B arena) and running {} rows on QEMU", opt.kernels, arena,
               row_count);
  const FirmwareImage image = build_firmware(kit, work.path() / "model_data.h", work.path() / "rows.npy", row_count, arena,
                                             work.path());
  const FirmwareRun run = run_firmware(kit, image, work.path(), opt.timeout);

  const int64_t flash = image.text + image.data, ram = image.data + image.bss + kit.stack_bytes;
  const auto blob_bytes = static_cast<int64_t>(blob.size());
  const std::string difference = run.exit_code == 0 ? first_difference(expected, run.rows) : "";
  std::vector<std::string> failures;
  if (run.exit_code != 0)
    failures.push_back("the firmware failed on QEMU (exit " + std::to_string(run.exit_code) + ")" +
                       (run.error.empty() ? "" : ": " + run.error) +
                       (opt.arena == 0 && run.error.find("AllocateTensors") != std::string::npos
                            ? " (an arena of " + grouped(arena) + " B, tinyc's estimate, is too small: a bug in the "
                                                                  "estimate; run again with a larger --arena)"
                            : ""));
  if (!difference.empty()) failures.push_back("outputs differ from tinyc run: " + difference);
  std::optional<report::TargetFit> fit = target;
  if (fit) {
    fit->flash_used = flash;
    fit->ram_used = ram;
    if (flash > fit->profile.flash_bytes)
      failures.push_back("the image needs " + grouped(flash) + " B of flash; " + fit->profile.name + " has " +
                         grouped(fit->profile.flash_bytes) + " B");
    if (ram > fit->profile.ram_bytes)
      failures.push_back("the image needs " + grouped(ram) + " B of RAM; " + fit->profile.name + " has " +
                         grouped(fit->profile.ram_bytes) + " B");
  }

  std::cout << "firmware: " << opt.model << " on a Cortex-M4F (QEMU mps2-an386), TFLite Micro " << opt.kernels
            << " kernels, " << row_count << " rows\n"
            << "  flash " << grouped(flash) << " B (text " << grouped(image.text) << " + data " << grouped(image.data)
            << "): the model " << grouped(blob_bytes) << " B, TFLM, the C runtime and the test rows "
            << grouped(flash - blob_bytes) << " B (tinyc's reserve for the runtime: "
            << grouped(report::kRuntimeFlashReserve) << " B)\n"
            << "  RAM " << grouped(ram) << " B (data + bss " << grouped(image.data + image.bss) << ", the arena "
            << grouped(arena) << " of it, + stack " << grouped(kit.stack_bytes) << "): tinyc's estimate "
            << grouped(estimate) << " B arena + " << grouped(report::kRuntimeRamReserve) << " B reserve = "
            << grouped(estimate + report::kRuntimeRamReserve) << " B\n";
  if (run.arena_used_bytes)
    std::cout << "  TFLM arena_used_bytes " << grouped(*run.arena_used_bytes) << " (tinyc's estimate " << grouped(estimate)
              << ")\n";
  if (run.exit_code == 0 && difference.empty())
    std::cout << "  outputs: " << row_count << " rows equal tinyc run, bit for bit\n";
  if (fit)
    std::cout << "  " << fit->profile.name << ": flash " << grouped(flash) << " of " << grouped(fit->profile.flash_bytes)
              << " B, RAM " << grouped(ram) << " of " << grouped(fit->profile.ram_bytes) << " B: "
              << (flash <= fit->profile.flash_bytes && ram <= fit->profile.ram_bytes ? "fits" : "does not fit") << "\n";

  if (!opt.json.empty()) {
    nlohmann::ordered_json j = {
        {"model", opt.model},
        {"kernels", opt.kernels},
        {"board", "QEMU mps2-an386 (Cortex-M4F)"},
        {"rows", row_count},
        {"image",
         {{"text_bytes", image.text}, {"data_bytes", image.data}, {"bss_bytes", image.bss}, {"stack_bytes", kit.stack_bytes},
          {"arena_bytes", arena}, {"flash_bytes", flash}, {"ram_bytes", ram}}},
        {"estimate",
         {{"blob_bytes", blob_bytes}, {"arena_bytes", estimate}, {"runtime_flash_reserve", report::kRuntimeFlashReserve},
          {"runtime_ram_reserve", report::kRuntimeRamReserve}}},
        {"tflm_arena_used_bytes", report::optional_value(run.arena_used_bytes)},
        {"outputs_equal", run.exit_code == 0 && difference.empty()},
        {"failures", failures},
        {"target", fit ? report::target_to_json(*fit) : nlohmann::ordered_json(nullptr)},
        {"passed", failures.empty()}};
    io::write_file_atomically(opt.json, io::json_text(j) + "\n");
  }
  if (!failures.empty()) {
    std::string lines;
    for (const std::string& f : failures) lines += (lines.empty() ? "" : "\n") + f;
    throw GateFailed(lines);
  }
}

}  // namespace

void add_firmware_command(CLI::App& app) {
  auto opt = std::make_shared<FirmwareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "firmware",
      "Build a TFLite Micro firmware for a Cortex-M4F around a .tflite, run rows on QEMU, require the outputs of "
      "tinyc run, and report the image's real flash and RAM");
  cmd->footer(
      "Needs a firmware kit (--kit: TFLM cross-compiled for a Cortex-M4F with a firmware template, such as\n"
      "tools/tflm-cortex-m4) and arm-none-eabi-g++, qemu-system-arm, make and python3 on PATH.\n"
      "Exit 0 when the outputs equal tinyc run's bit for bit (and, with --target, the image fits the board);\n"
      "3 when they differ, the firmware fails, or the image does not fit; 2 for bad input or a missing tool.");
  cmd->add_option("model", opt->model, "The .tflite file (one input, one output)")->required();
  cmd->add_option("--rows", opt->rows, "Input rows (.npy, rows along dim 0), as tinyc run takes them")->required();
  cmd->add_option("--count", opt->count, "Rows to run on the device (the first N)")->capture_default_str();
  cmd->add_option("--kit", opt->kit, "The firmware kit's folder")->required();
  cmd->add_option("--kernels", opt->kernels, "TFLM's reference kernels or the kit's CMSIS-NN ones")
      ->check(CLI::IsMember({"reference", "cmsis_nn"}))
      ->capture_default_str();
  cmd->add_option("--arena", opt->arena, "Arena bytes (default: tinyc's RAM estimate for the file, rounded up to 16)");
  cmd->add_option("--target", opt->target, "Also check the image against this board's flash and RAM (tinyc targets)");
  cmd->add_option("--target-file", opt->target_file, "As --target, for a board described in JSON");
  cmd->add_option("--json", opt->json, "Write the measurements as JSON here");
  cmd->add_option("--keep", opt->keep, "Build in this folder and keep it (the header, the image, the logs)");
  cmd->add_option("--timeout", opt->timeout, "Seconds QEMU may run")->capture_default_str();
  cmd->callback([opt] { run_firmware_check(*opt); });
}

}  // namespace tinyc::cli

// MCU target profiles: how much flash and RAM a board gives the model once the runtime has taken
// its share, and whether a compressed model fits. `--target NAME` turns the profile into the
// --max-size and --max-ram gates; `tinyc targets` lists the built-in profiles.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tinyc::report {

// One board or core as the model sees it.
struct TargetProfile {
  std::string name;    // what --target takes, e.g. "stm32f446re"
  std::string board;   // the part or board, e.g. "STM32F446RE (Nucleo-F446RE)"
  std::string core;    // e.g. "Cortex-M4F"
  int64_t flash_bytes = 0;
  int64_t ram_bytes = 0;  // the largest contiguous SRAM block (the arena must be one block)
  bool dsp = false;       // DSP/SIMD instructions CMSIS-NN's optimized kernels use (M4, M7, M33 with DSP, M55)
  std::string source;     // where the numbers come from
  // What the runtime takes first; kRuntimeFlashReserve / kRuntimeRamReserve unless a target file
  // says otherwise (a leaner firmware, a runtime measured for the board).
  std::optional<int64_t> runtime_flash_bytes;
  std::optional<int64_t> runtime_ram_bytes;
};

// What TFLite Micro and a minimal firmware take before the model: flash for their code, RAM for
// their data and the stack. Measured with ../shared/tools/tflm-cortex-m4 (TFLM reference kernels,
// the firmware template) on the corpus models: image text + data minus the blob is 62,344-105,592 B,
// data + bss minus the arena 19,388-19,532 B (16 KiB of it the stack).
inline constexpr int64_t kRuntimeFlashReserve = 108 * 1024;
inline constexpr int64_t kRuntimeRamReserve = 20 * 1024;

// The built-in profiles, in the order `tinyc targets` lists them.
const std::vector<TargetProfile>& builtin_targets();

// The built-in profile `name`; InputError listing the known names otherwise.
const TargetProfile& find_target(const std::string& name);

// A profile from a JSON file: {"name", "core", "flash_bytes", "ram_bytes"} required; "board", "dsp",
// "source", "runtime_flash_bytes", "runtime_ram_bytes" optional. InputError naming the file and the
// missing or malformed field.
TargetProfile read_target_file(const std::filesystem::path& path);

// A compressed model against a target: budgets after the runtime reserve, and the model's use.
struct TargetFit {
  TargetProfile profile;
  int64_t runtime_flash = 0;  // the reserve taken first
  int64_t runtime_ram = 0;
  int64_t flash_budget = 0;  // flash_bytes - runtime_flash
  int64_t ram_budget = 0;    // ram_bytes - runtime_ram
  std::optional<int64_t> flash_used;  // the .tflite file
  std::optional<int64_t> ram_used;    // TFLM's arena on a 32-bit MCU
  bool fits() const;
};

TargetFit budget_of(const TargetProfile& profile);

}  // namespace tinyc::report

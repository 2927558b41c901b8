// A TFLite Micro firmware kit for a Cortex-M4F (../shared/tools/tflm-cortex-m4 is one): builds a
// bare-metal image around a model's C array and rows, and runs it on QEMU's mps2-an386. The kit's
// interface is its Makefile (MODEL_H, ROWS_H, OUT, ARENA_SIZE, VARIANT; prints arm-none-eabi-size),
// run.sh (QEMU with semihosting), make_rows_h.py and fw/mps2_an386.ld (the stack size).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tinyc::cli {

// A kit folder checked to be complete, with the host tools it needs on PATH.
struct FirmwareKit {
  std::filesystem::path dir;
  std::string variant = "reference";  // or cmsis_nn (the kit's CMSIS-NN library)
  int64_t stack_bytes = 0;            // what its linker script reserves
};

// InputError naming what is missing: the folder, one of its files, the CMSIS-NN library of
// `variant` cmsis_nn, or a program (arm-none-eabi-g++, qemu-system-arm, make, python3).
FirmwareKit open_firmware_kit(const std::filesystem::path& dir, const std::string& variant);

// A built image's sections (arm-none-eabi-size).
struct FirmwareImage {
  int64_t text = 0, data = 0, bss = 0;
  int64_t arena_bytes = 0;  // the static arena in bss
  std::filesystem::path elf;
};

// Builds the image for `model_h` (a C array) and `rows_npy` (the first `rows` rows are embedded)
// with an arena of `arena_bytes`, in `work`. InputError with the build's last lines when it fails.
FirmwareImage build_firmware(const FirmwareKit& kit, const std::filesystem::path& model_h,
                             const std::filesystem::path& rows_npy, int64_t rows, int64_t arena_bytes,
                             const std::filesystem::path& work);

// What the image printed on QEMU.
struct FirmwareRun {
  int exit_code = -1;  // 0: every row ran; 124: timed out
  std::optional<int64_t> arena_used_bytes;  // TFLM's arena_used_bytes() after AllocateTensors
  std::vector<std::vector<std::string>> rows;  // each row's output values as printed
  std::string error;  // the first error line, when any
};

FirmwareRun run_firmware(const FirmwareKit& kit, const FirmwareImage& image, const std::filesystem::path& work,
                         int timeout_seconds);

}  // namespace tinyc::cli

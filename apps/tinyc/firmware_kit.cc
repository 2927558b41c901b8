// Driving the firmware kit: its Makefile, run.sh and rows script, and reading what they print.
#include "firmware_kit.h"

#include <fstream>
#include <regex>
#include <sstream>

#include "io/file_bytes.h"
#include "ir/error.h"
#include "subprocess.h"

namespace tinyc::cli {

namespace {

namespace fs = std::filesystem;

// The last `n` lines of `text`, for an error message.
std::string last_lines(const std::string& text, size_t n) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  std::string out;
  for (size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) out += (out.empty() ? "" : " | ") + lines[i];
  return out;
}

int64_t linker_stack_bytes(const fs::path& script) {
  const std::string text = io::read_file_bytes(script, "the kit's linker script");
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(R"(__stack_size\s*=[^;]*?(0x[0-9a-fA-F]+|[0-9]+)\s*;)")))
    throw InputError("firmware kit: no __stack_size in " + script.string());
  return std::stoll(m[1].str(), nullptr, 0);
}

}  // namespace

FirmwareKit open_firmware_kit(const fs::path& dir, const std::string& variant) {
  if (!fs::is_directory(dir))
    throw InputError("--kit " + dir.string() + ": no such folder (a TFLite Micro Cortex-M4 firmware kit, e.g. "
                     "tools/tflm-cortex-m4)");
  for (const char* file : {"Makefile", "run.sh", "make_rows_h.py", "fw/mps2_an386.ld"})
    if (!fs::exists(dir / file)) throw InputError("--kit " + dir.string() + ": its " + file + " is missing");
  if (variant == "cmsis_nn" && !fs::exists(dir / "lib/libtflm_cortex_m4_cmsis_nn.a"))
    throw InputError("--kernels cmsis_nn: the kit " + dir.string() + " has no CMSIS-NN library (lib/libtflm_cortex_m4_cmsis_nn.a)");
  for (const char* program : {"arm-none-eabi-g++", "qemu-system-arm", "make", "python3"})
    if (!on_path(program))
      throw InputError(std::string("the firmware check needs ") + program +
                       " (Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi "
                       "libstdc++-arm-none-eabi-newlib qemu-system-arm make python3)");
  return {dir, variant, linker_stack_bytes(dir / "fw/mps2_an386.ld")};
}

FirmwareImage build_firmware(const FirmwareKit& kit, const fs::path& model_h, const fs::path& rows_npy, int64_t rows,
                             int64_t arena_bytes, const fs::path& work) {
  const fs::path rows_h = work / "rows.h";
  const ProcessResult made_rows = run_process(
      {"python3", (kit.dir / "make_rows_h.py").string(), rows_npy.string(), rows_h.string(), "--rows", std::to_string(rows)},
      {}, work / "rows.log");
  if (made_rows.exit_code != 0) throw InputError("firmware kit: the rows header failed: " + last_lines(made_rows.output, 2));
  FirmwareImage image;
  image.arena_bytes = arena_bytes;
  image.elf = work / "fw/fw.elf";
  const ProcessResult made = run_process({"make", "-s", "-C", kit.dir.string(), "MODEL_H=" + fs::absolute(model_h).string(),
                                          "ROWS_H=" + fs::absolute(rows_h).string(), "OUT=" + fs::absolute(work / "fw").string(),
                                          "ARENA_SIZE=" + std::to_string(arena_bytes), "VARIANT=" + kit.variant},
                                         {}, work / "make.log");
  if (made.exit_code != 0) throw InputError("firmware kit: the image did not build: " + last_lines(made.output, 3));
  // The last line is arm-none-eabi-size's: text data bss dec hex filename.
  std::istringstream size(last_lines(made.output, 1));
  if (!(size >> image.text >> image.data >> image.bss))
    throw InputError("firmware kit: no arm-none-eabi-size line after the build: " + last_lines(made.output, 1));
  return image;
}

FirmwareRun run_firmware(const FirmwareKit& kit, const FirmwareImage& image, const fs::path& work, int timeout_seconds) {
  const ProcessResult ran = run_process({(kit.dir / "run.sh").string(), image.elf.string()},
                                        {{"TIMEOUT", std::to_string(timeout_seconds)}}, work / "qemu.log");
  FirmwareRun run;
  run.exit_code = ran.exit_code;
  std::istringstream lines(ran.output);
  const std::regex row(R"(^row (\d+):(.*)$)");
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (line.rfind("arena_used_bytes ", 0) == 0) {
      run.arena_used_bytes = std::stoll(line.substr(17));
    } else if (std::regex_match(line, m, row)) {
      std::istringstream values(m[2].str());
      std::vector<std::string> printed;
      for (std::string v; values >> v;) printed.push_back(v);
      if (std::stoul(m[1].str()) == run.rows.size()) run.rows.push_back(std::move(printed));
    } else if (run.error.empty() && (line.rfind("error:", 0) == 0 || line.rfind("fatal:", 0) == 0)) {
      run.error = line;
    }
  }
  if (ran.exit_code == 124 && run.error.empty()) run.error = "timed out after " + std::to_string(timeout_seconds) + " s";
  return run;
}

}  // namespace tinyc::cli

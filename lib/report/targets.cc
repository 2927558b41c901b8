// The built-in target table and the target-file reader. Flash and RAM are the parts' datasheet
// figures; where a part's SRAM is split into blocks that are not contiguous, ram_bytes is the
// largest block, since TFLM's arena is one array.
#include "report/targets.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "ir/error.h"

namespace tinyc::report {

namespace {

constexpr int64_t kKiB = 1024;

}  // namespace

const std::vector<TargetProfile>& builtin_targets() {
  static const std::vector<TargetProfile> targets = {
      {"stm32g031k8", "STM32G031K8", "Cortex-M0+", 64 * kKiB, 8 * kKiB, false, "ST STM32G031x4/x6/x8 datasheet", {}, {}},
      {"stm32f103c8", "STM32F103C8 (\"Blue Pill\")", "Cortex-M3", 64 * kKiB, 20 * kKiB, false,
       "ST STM32F103x8/xB datasheet", {}, {}},
      {"rp2040", "Raspberry Pi Pico (RP2040)", "Cortex-M0+", 2048 * kKiB, 264 * kKiB, false,
       "RP2040 datasheet (264 KiB SRAM); Pico datasheet (2 MiB QSPI flash)", {}, {}},
      {"stm32f446re", "STM32F446RE (Nucleo-F446RE)", "Cortex-M4F", 512 * kKiB, 128 * kKiB, true,
       "ST STM32F446xC/xE datasheet", {}, {}},
      {"nrf52840", "Nordic nRF52840", "Cortex-M4F", 1024 * kKiB, 256 * kKiB, true,
       "Nordic nRF52840 Product Specification", {}, {}},
      {"stm32h743zi", "STM32H743ZI (Nucleo-H743ZI)", "Cortex-M7", 2048 * kKiB, 512 * kKiB, true,
       "ST STM32H742xI/G STM32H743xI/G datasheet (AXI SRAM, the largest SRAM block)", {}, {}},
      {"stm32u585ai", "STM32U585AI (B-U585I-IOT02A)", "Cortex-M33", 2048 * kKiB, 768 * kKiB, true,
       "ST STM32U585xx datasheet (SRAM1-3, contiguous)", {}, {}},
      {"nrf5340", "Nordic nRF5340 (application core)", "Cortex-M33", 1024 * kKiB, 512 * kKiB, true,
       "Nordic nRF5340 Product Specification", {}, {}},
  };
  return targets;
}

const TargetProfile& find_target(const std::string& name) {
  std::string known;
  for (const TargetProfile& t : builtin_targets()) {
    if (t.name == name) return t;
    known += (known.empty() ? "" : ", ") + t.name;
  }
  throw InputError("--target '" + name + "' is not a known target; known: " + known +
                   " (or describe the board with --target-file profile.json)");
}

TargetProfile read_target_file(const std::filesystem::path& path) {
  const std::string what = "--target-file " + path.string();
  std::ifstream in(path);
  if (!in) throw InputError(what + ": cannot open the file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    throw InputError(what + ": not valid JSON");
  }
  if (!j.is_object()) throw InputError(what + ": expected a JSON object with name, core, flash_bytes and ram_bytes");
  const auto text = [&](const char* key, bool required) -> std::string {
    if (!j.contains(key)) {
      if (required) throw InputError(what + ": the field '" + std::string(key) + "' is missing");
      return "";
    }
    if (!j[key].is_string()) throw InputError(what + ": the field '" + std::string(key) + "' must be a string");
    return j[key].get<std::string>();
  };
  const auto bytes = [&](const char* key, int64_t least) -> int64_t {
    if (!j.contains(key)) throw InputError(what + ": the field '" + std::string(key) + "' is missing");
    if (!j[key].is_number_integer() || j[key].get<int64_t>() < least)
      throw InputError(what + ": the field '" + std::string(key) + "' must be a whole number of bytes, at least " +
                       std::to_string(least));
    return j[key].get<int64_t>();
  };
  TargetProfile t;
  t.name = text("name", true);
  t.core = text("core", true);
  t.flash_bytes = bytes("flash_bytes", 1);
  t.ram_bytes = bytes("ram_bytes", 1);
  if (j.contains("runtime_flash_bytes")) t.runtime_flash_bytes = bytes("runtime_flash_bytes", 0);
  if (j.contains("runtime_ram_bytes")) t.runtime_ram_bytes = bytes("runtime_ram_bytes", 0);
  t.board = text("board", false);
  t.source = text("source", false);
  if (t.source.empty()) t.source = path.filename().string();
  if (j.contains("dsp")) {
    if (!j["dsp"].is_boolean()) throw InputError(what + ": the field 'dsp' must be true or false");
    t.dsp = j["dsp"].get<bool>();
  }
  return t;
}

bool TargetFit::fits() const {
  return flash_used && ram_used && *flash_used <= flash_budget && *ram_used <= ram_budget;
}

TargetFit budget_of(const TargetProfile& profile) {
  TargetFit fit;
  fit.profile = profile;
  fit.runtime_flash = profile.runtime_flash_bytes.value_or(kRuntimeFlashReserve);
  fit.runtime_ram = profile.runtime_ram_bytes.value_or(kRuntimeRamReserve);
  fit.flash_budget = profile.flash_bytes - fit.runtime_flash;
  fit.ram_budget = profile.ram_bytes - fit.runtime_ram;
  return fit;
}

}  // namespace tinyc::report

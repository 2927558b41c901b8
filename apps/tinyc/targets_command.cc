// `tinyc targets`: the built-in board profiles --target takes, with what the model may use of each.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "report/targets.h"

namespace tinyc::cli {

namespace {

void print_table() {
  std::cout << "Flash and RAM for the model: the part's, less " << report::kRuntimeFlashReserve << " B of flash and "
            << report::kRuntimeRamReserve << " B of RAM for TFLite Micro and the firmware.\n\n";
  std::printf("%-13s %-11s %10s %10s %13s %11s %-4s  %s\n", "name", "core", "flash_B", "ram_B", "model_flash_B",
              "model_ram_B", "dsp", "board (source)");
  for (const report::TargetProfile& t : report::builtin_targets()) {
    const report::TargetFit fit = report::budget_of(t);
    std::printf("%-13s %-11s %10lld %10lld %13lld %11lld %-4s  %s (%s)\n", t.name.c_str(), t.core.c_str(),
                static_cast<long long>(t.flash_bytes), static_cast<long long>(t.ram_bytes),
                static_cast<long long>(fit.flash_budget), static_cast<long long>(fit.ram_budget), t.dsp ? "yes" : "no",
                t.board.c_str(), t.source.c_str());
  }
  std::fflush(stdout);
}

void print_json() {
  nlohmann::json list = nlohmann::json::array();
  for (const report::TargetProfile& t : report::builtin_targets()) {
    const report::TargetFit fit = report::budget_of(t);
    list.push_back({{"name", t.name},
                    {"board", t.board},
                    {"core", t.core},
                    {"flash_bytes", t.flash_bytes},
                    {"ram_bytes", t.ram_bytes},
                    {"dsp", t.dsp},
                    {"flash_budget_bytes", fit.flash_budget},
                    {"ram_budget_bytes", fit.ram_budget},
                    {"source", t.source}});
  }
  std::cout << nlohmann::json{{"runtime_reserve",
                               {{"flash_bytes", report::kRuntimeFlashReserve}, {"ram_bytes", report::kRuntimeRamReserve}}},
                              {"targets", list}}
                   .dump(2)
            << "\n";
}

}  // namespace

void add_targets_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("targets", "List the board profiles --target takes, with their flash and RAM");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print the list as JSON");
  cmd->callback([json] { *json ? print_json() : print_table(); });
}

}  // namespace tinyc::cli

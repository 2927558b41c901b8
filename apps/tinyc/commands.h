// Each subcommand registers itself on the CLI11 app; main() only dispatches and maps errors.
#pragma once

#include <CLI/CLI.hpp>

namespace tinyc::cli {

void add_inspect_command(CLI::App& app);
void add_passes_command(CLI::App& app);
void add_compress_command(CLI::App& app);
void add_ops_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_analyze_command(CLI::App& app);
void add_targets_command(CLI::App& app);
void add_fit_command(CLI::App& app);
void add_firmware_command(CLI::App& app);

}  // namespace tinyc::cli

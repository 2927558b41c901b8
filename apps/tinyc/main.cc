// tinyc entry point: registers subcommands, runs one, maps failures to documented exit codes.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <sstream>
#include <string>

#include "commands.h"
#include "interrupt.h"
#include "exec/isa.h"
#include "ir/error.h"
#include "ir/version.h"
#include "logging.h"

namespace {

// Freed memory stays in the process for the next allocation: graphs run over and over (row
// synthesis, sensitivity curves) would otherwise map fresh pages, and fault on each, every run.
void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  using tinyc::ExitCode;
  keep_freed_memory();
  tinyc::cli::exit_cleanly_on_interrupt();
  CLI::App app{
      "tinyc compresses ONNX models for microcontrollers: folding, pruning, int8 quantization,\n"
      "TFLite-compatible output, and an accuracy-delta report.\n"
      "Exit codes: 0 ok, 1 usage error, 2 bad input, 3 a CI gate failed, 4 internal error,\n"
      "130/143 interrupted by SIGINT/SIGTERM (no file is left half-written).",
      "tinyc"};
  app.set_version_flag("--version", std::string("tinyc ") + tinyc::kVersion + " (int8 kernels: " +
                                        tinyc::exec::isa_name(tinyc::exec::detected_isa()) + ")");
  app.require_subcommand(1);
  int verbosity = 0;
  app.add_flag_callback("-v,--verbose", [&] { verbosity = 1; }, "Log every step (pass summaries, notices)");
  app.add_flag_callback("-q,--quiet", [&] { verbosity = -1; }, "Only warnings and errors on stderr");
  app.parse_complete_callback([&] { tinyc::cli::setup_logging(verbosity); });
  tinyc::cli::add_inspect_command(app);
  tinyc::cli::add_run_command(app);
  tinyc::cli::add_compress_command(app);
  tinyc::cli::add_passes_command(app);
  tinyc::cli::add_ops_command(app);
  tinyc::cli::add_analyze_command(app);
  tinyc::cli::add_targets_command(app);
  tinyc::cli::add_fit_command(app);
  tinyc::cli::add_firmware_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "tinyc: error: " << e.what() << " (see tinyc --help, or tinyc <command> --help)\n";
    // A value an option cannot take is bad input; a malformed command line is a usage error.
    const bool bad_value =
        dynamic_cast<const CLI::ValidationError*>(&e) || dynamic_cast<const CLI::ConversionError*>(&e);
    return static_cast<int>(bad_value ? ExitCode::BadInput : ExitCode::Usage);
  } catch (const tinyc::GateFailed& e) {
    // One line per failed gate; the outputs and the report are already written.
    std::istringstream lines(e.what());
    for (std::string line; std::getline(lines, line);) std::cerr << "tinyc: error: " << line << "\n";
    return static_cast<int>(ExitCode::GateFailed);
  } catch (const tinyc::InputError& e) {
    std::cerr << "tinyc: error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::BadInput);
  } catch (const std::exception& e) {
    std::cerr << "tinyc: internal error: " << e.what() << "\n"
              << "tinyc: this is a bug in tinyc; please report it with the model and command line\n";
    return static_cast<int>(ExitCode::Internal);
  }
  return 0;
}

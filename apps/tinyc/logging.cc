// spdlog set-up: one stderr logger with a "tinyc: level:" prefix.
#include "logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace tinyc::cli {

void setup_logging(int verbosity) {
  auto logger = spdlog::stderr_logger_st("tinyc");
  logger->set_pattern("tinyc: %l: %v");
  logger->set_level(verbosity < 0 ? spdlog::level::warn : verbosity == 0 ? spdlog::level::info : spdlog::level::debug);
  spdlog::set_default_logger(logger);
}

}  // namespace tinyc::cli

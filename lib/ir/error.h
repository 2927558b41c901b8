// The project's error types; each maps to one documented CLI exit code (docs/cli.md).
#pragma once

#include <stdexcept>
#include <string>

namespace tinyc {

// Exit codes of the CLI contract.
enum class ExitCode : int { Ok = 0, Usage = 1, BadInput = 2, GateFailed = 3, Internal = 4 };

// A problem with what the user gave us (model, data, option value): exit 2.
// The message is one line naming the problem and what to do.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& msg) : std::runtime_error(msg) {}
};

// A CI gate (--max-accuracy-drop, --min-snr, ...) was not met: exit 3. Outputs and the report are
// already written; the message holds one line per failed gate.
class GateFailed : public std::runtime_error {
 public:
  explicit GateFailed(const std::string& msg) : std::runtime_error(msg) {}
};

// A broken invariant inside tinyc itself: exit 4.
class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& msg) : std::logic_error(msg) {}
};

}  // namespace tinyc

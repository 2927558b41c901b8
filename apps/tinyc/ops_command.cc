// `tinyc ops`: lists the ONNX op types tinyc can import, infer and execute.
#include <iostream>

#include "commands.h"
#include "exec/shape_inference.h"

namespace tinyc::cli {

void add_ops_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("ops", "List the supported ONNX operators (default domain)");
  cmd->callback([] {
    for (const std::string& op : exec::supported_ops()) std::cout << op << "\n";
  });
}

}  // namespace tinyc::cli

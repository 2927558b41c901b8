// `tinyc passes`: lists every registered pass with its one-line description and options.
#include <iostream>

#include "commands.h"
#include "passes/registry.h"

namespace tinyc::cli {

void add_passes_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("passes", "List the graph passes usable in --passes pipelines");
  cmd->callback([] {
    for (const passes::PassInfo& p : passes::registered_passes()) {
      std::cout << p.name << "\n    " << p.description << "\n";
      for (const passes::OptionDoc& o : p.options)
        std::cout << "    " << o.name << "=" << o.default_value << "  " << o.help << "\n";
    }
    std::cout << "\nPipeline syntax: --passes \"fold_constants,fold_batchnorm,prune(ratio=0.5)\"\n";
  });
}

}  // namespace tinyc::cli

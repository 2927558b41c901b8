// The pass registry: every pass appears once in pass_list.def, which drives the factory,
// `tinyc passes` and pipeline parsing.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "passes/pass.h"

namespace tinyc::passes {

// Everything known about a pass without running it.
struct PassInfo {
  std::string name;         // snake_case; file name, pipeline token and test name
  std::string description;  // one line
  std::vector<OptionDoc> options;
  bool repeat_until_fixed_point = false;  // the manager re-runs it while it changes the graph
  std::unique_ptr<Pass> (*create)(const PassOptions&) = nullptr;
};

const std::vector<PassInfo>& registered_passes();
// nullptr when no pass has that name.
const PassInfo* find_pass(std::string_view name);

}  // namespace tinyc::passes

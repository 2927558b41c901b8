// Builds the registry from the single list in pass_list.def.
#include "passes/registry.h"

namespace tinyc::passes {

#define TINYC_PASS(name) PassInfo name##_pass_info();
#include "passes/pass_list.def"
#undef TINYC_PASS

const std::vector<PassInfo>& registered_passes() {
  static const std::vector<PassInfo> passes = {
#define TINYC_PASS(name) name##_pass_info(),
#include "passes/pass_list.def"
#undef TINYC_PASS
  };
  return passes;
}

const PassInfo* find_pass(std::string_view name) {
  for (const PassInfo& p : registered_passes())
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace tinyc::passes

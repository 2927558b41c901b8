// PassResult bookkeeping.
#include "passes/pass.h"

namespace tinyc::passes {

void PassResult::absorb(const PassResult& later) {
  changed = changed || later.changed;
  rewrites += later.rewrites;
  bytes_saved += later.bytes_saved;
  declined = later.declined;
}

}  // namespace tinyc::passes

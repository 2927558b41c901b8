// CPU feature detection for the fast kernels.
#include "exec/isa.h"

namespace tinyc::exec {

namespace {

bool cpu_runs(Isa isa) {
  switch (isa) {
    case Isa::portable:
      return true;
    case Isa::avx2:
#if TINYC_X86_KERNELS
      return __builtin_cpu_supports("avx2");
#else
      return false;
#endif
    case Isa::avx512:
#if TINYC_X86_KERNELS
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
#else
      return false;
#endif
  }
  return false;
}

}  // namespace

Isa detected_isa() {
  static const Isa best = runnable_isas().back();
  return best;
}

std::vector<Isa> runnable_isas() {
  std::vector<Isa> isas;
  for (Isa isa : {Isa::portable, Isa::avx2, Isa::avx512})
    if (cpu_runs(isa)) isas.push_back(isa);
  return isas;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::portable:
      return "portable";
    case Isa::avx2:
      return "avx2";
    case Isa::avx512:
      return "avx512";
  }
  return "unknown";
}

}  // namespace tinyc::exec

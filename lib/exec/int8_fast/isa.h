// Which instruction set the fast int8 kernels run on. One binary serves every machine of its
// architecture: the portable kernels are compiled for the baseline, the wider ones are chosen at
// run time when the CPU reports them, and every choice computes the same bytes.
#pragma once

#include <vector>

namespace tinyc::exec::int8_fast {

// The instruction sets the kernels have code for, narrowest first.
enum class Isa {
  portable,  // plain C++ the compiler vectorizes for the build's baseline (SSE2, NEON)
  avx2,      // x86-64 AVX2 intrinsics
};

// The widest instruction set this CPU runs.
Isa detected_isa();

// Every instruction set this CPU runs, narrowest first: tests compare each with the reference.
std::vector<Isa> runnable_isas();

const char* isa_name(Isa isa);

}  // namespace tinyc::exec::int8_fast

// Which instruction set the fast kernels (int8_fast/, the float Conv product) run on. One binary
// serves every machine of its architecture: the portable kernels are compiled for the baseline, the
// wider ones are chosen at run time when the CPU reports them, and every choice computes the same
// bytes.
#pragma once

#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#define TINYC_X86_KERNELS 1
// Function attributes that compile one function for a wider instruction set than the build's.
#define TINYC_AVX2 __attribute__((target("avx2")))
#if defined(__clang__)
#define TINYC_AVX512 __attribute__((target("avx2,avx512f,avx512bw,avx512vnni")))
#else
// GCC drops the build's -ffp-contract=off in a function with this target (whose FMA it then uses).
#define TINYC_AVX512 __attribute__((target("avx2,avx512f,avx512bw,avx512vnni"), optimize("fp-contract=off")))
#endif
#endif

namespace tinyc::exec {

// The instruction sets the kernels have code for, narrowest first.
enum class Isa {
  portable,  // plain C++ the compiler vectorizes for the build's baseline (SSE2, NEON)
  avx2,      // x86-64 AVX2 intrinsics
  avx512,    // x86-64 AVX-512 (F, BW) with VNNI's int16 multiply-accumulate; AVX2 where it has no body
};

// True when `isa` runs AVX2 code (every x86 set above the baseline does).
inline bool has_avx2(Isa isa) { return isa == Isa::avx2 || isa == Isa::avx512; }

// The widest instruction set this CPU runs.
Isa detected_isa();

// Every instruction set this CPU runs, narrowest first: tests compare each with the reference.
std::vector<Isa> runnable_isas();

const char* isa_name(Isa isa);

}  // namespace tinyc::exec

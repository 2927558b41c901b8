// Fixed-width vectors for float kernels compiled once per instruction set (exec/isa.h): GCC vector
// extensions of Bytes bytes, whose + and * lower to the instructions of the function they are
// inlined into (SSE2 or NEON for the baseline, AVX2 or AVX-512 in target-attributed functions).
// Vectors go by reference only: passed by value, their ABI would depend on the instruction set.
#pragma once

#include <cstring>

namespace tinyc::exec::kernels {

template <class T, int Bytes>
struct VectorOf {
  typedef T type __attribute__((vector_size(Bytes)));
};

template <class T, int Bytes>
[[gnu::always_inline]] inline void load(typename VectorOf<T, Bytes>::type& v, const T* from) {
  std::memcpy(&v, from, sizeof(v));
}

template <class T, int Bytes>
[[gnu::always_inline]] inline void store(T* to, const typename VectorOf<T, Bytes>::type& v) {
  std::memcpy(to, &v, sizeof(v));
}

// `value` in every lane.
template <class T, int Bytes>
[[gnu::always_inline]] inline void broadcast(typename VectorOf<T, Bytes>::type& v, T value) {
  T lanes[Bytes / sizeof(T)];
  for (T& lane : lanes) lane = value;
  std::memcpy(&v, lanes, sizeof(v));
}

}  // namespace tinyc::exec::kernels

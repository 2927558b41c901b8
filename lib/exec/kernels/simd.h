// The SIMD register of an element type under Eigen's vectorization, for the hand-blocked kernels
// (Conv GEMM, depthwise Conv, fused clamp) that use Eigen's packet functions directly.
#pragma once

#include <Eigen/Core>
#include <cstdint>

namespace tinyc::exec::kernels {

// One SIMD register of T (a scalar when Eigen does not vectorize T).
template <class T>
using SimdPacket = typename Eigen::internal::packet_traits<T>::type;

// Elements of T per SimdPacket.
template <class T>
inline constexpr int64_t kSimdLanes = Eigen::internal::unpacket_traits<SimdPacket<T>>::size;

}  // namespace tinyc::exec::kernels

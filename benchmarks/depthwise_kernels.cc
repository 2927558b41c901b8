// The two fast int8 depthwise kernels side by side, with the reference kernel as the named peer:
// GMAC/s of each on 3 x 3 windows over a grid of channel counts, plane sizes and strides (one
// image, random data), and which one prepare_fast_depthwise chooses. The measurements behind
// prefers_channels_last (docs/benchmarks.md).
//   depthwise_kernels
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

#include "exec/int8_fast/depthwise_conv.h"
#include "exec/int8_fast/padded_plane.h"
#include "exec/int8_reference/int8_depthwise_conv.h"

using namespace tinyc;
using namespace tinyc::exec;

namespace {

// Seconds per call of `run`, best of 3 rounds of enough calls for about 20 ms each.
double seconds_per_call(int64_t macs, const std::function<void()>& run) {
  const int64_t calls = std::max<int64_t>(1, 40'000'000 / std::max<int64_t>(1, macs));
  double best = 1e30;
  run();
  for (int round = 0; round < 3; ++round) {
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < calls; ++i) run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / calls);
  }
  return best;
}

}  // namespace

int main() {
  std::printf("instruction set: %s\n", isa_name(detected_isa()));
  std::printf("%8s %6s %6s %18s %12s %16s %8s\n", "channels", "input", "stride", "channels last", "planes",
              "reference GMAC/s", "chosen");
  std::mt19937 engine(1);
  for (int64_t channels : {4, 16, 64, 128})
    for (int64_t side : {7, 14, 28, 56})
      for (int64_t stride : {1, 2}) {
        const int8_reference::DepthwiseShape shape{
            {1, channels, side, side}, {channels, 1, 3, 3}, {stride, stride}, {1, 1}, {1, 1, 1, 1}};
        ir::QuantParams weights_q;
        for (int64_t c = 0; c < channels; ++c) {
          weights_q.scale.push_back(0.01f);
          weights_q.zero_point.push_back(0);
        }
        const auto p = int8_reference::prepare_depthwise_conv(shape, {{0.02f}, {-3}, 0}, weights_q, {{0.05f}, {5}, 0},
                                                              int8_reference::ActivationBounds::none(), false);
        std::vector<int8_t> x(static_cast<size_t>(p.input_count())), w(static_cast<size_t>(p.weights_count()));
        std::vector<int8_t> y(static_cast<size_t>(p.output_count()));
        for (int8_t& v : x) v = static_cast<int8_t>(engine());
        for (int8_t& v : w) v = static_cast<int8_t>(engine());
        const int8_fast::PackedDepthwise packed = int8_fast::pack_depthwise_weights(p, w);
        const kernels::PaddedPlane layout = int8_fast::padded_layout(p);
        std::vector<std::byte> scratch(std::max(int8_fast::channels_last_depthwise_scratch_bytes(p, packed),
                                                int8_fast::planes_depthwise_scratch_bytes(layout)));
        const Isa isa = detected_isa();
        const int64_t macs = p.out_channels() * p.out_h * p.out_w * 9;
        const auto rate = [&](const std::function<void()>& run) { return macs / seconds_per_call(macs, run) / 1e9; };
        const double channels_last =
            rate([&] { int8_fast::channels_last_depthwise_int8(isa, p, packed, x, {}, y, scratch); });
        const double planes = rate([&] { int8_fast::planes_depthwise_int8(isa, p, layout, x, w, {}, y, scratch); });
        const double reference = rate([&] { int8_reference::depthwise_conv_int8(p, x, w, {}, y); });
        std::printf("%8lld %3lldx%-3lld %6lld %18.2f %12.2f %16.2f %8s\n", static_cast<long long>(channels),
                    static_cast<long long>(side), static_cast<long long>(side), static_cast<long long>(stride),
                    channels_last, planes, reference, int8_fast::prefers_channels_last(p) ? "last" : "planes");
      }
  return 0;
}

// Pooling kernels: hand-computed windows, MaxPool indices, and a direct-loop reference for pads,
// strides, dilations, ceil_mode and count_include_pad on random data; global pools.
#include <catch2/catch.hpp>

#include <limits>

#include "exec_test_util.h"

using namespace tinyc;
using namespace tinyc::exec_test;

namespace {

struct Pool2d {
  Ints kernel{2, 2}, strides{1, 1}, pads{0, 0, 0, 0}, dilations{1, 1};
  bool ceil_mode = false, count_include_pad = false;
};

int64_t pooled_size(int64_t in, int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t d, bool ceil_mode) {
  const int64_t span = in + pb + pe - ((k - 1) * d + 1);
  int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  if (ceil_mode && (out - 1) * s >= in + pb) --out;  // no window may start in the end padding
  return out;
}

// Windows walked element by element; padding never contributes a value.
ir::Tensor direct_pool2d(const ir::Tensor& x, const Pool2d& p, bool max) {
  const int64_t n_ = x.shape()[0], c_ = x.shape()[1], h_ = x.shape()[2], w_ = x.shape()[3];
  const int64_t oh_ = pooled_size(h_, p.kernel[0], p.strides[0], p.pads[0], p.pads[2], p.dilations[0], p.ceil_mode);
  const int64_t ow_ = pooled_size(w_, p.kernel[1], p.strides[1], p.pads[1], p.pads[3], p.dilations[1], p.ceil_mode);
  ir::Tensor y(ir::DType::Float32, {n_, c_, oh_, ow_});
  const auto X = x.values<float>();
  auto Y = y.mutable_values<float>();
  for (int64_t nc = 0; nc < n_ * c_; ++nc)
    for (int64_t oh = 0; oh < oh_; ++oh)
      for (int64_t ow = 0; ow < ow_; ++ow) {
        double best = -std::numeric_limits<double>::infinity(), sum = 0;
        int64_t valid = 0, padded = 0;
        for (int64_t kh = 0; kh < p.kernel[0]; ++kh)
          for (int64_t kw = 0; kw < p.kernel[1]; ++kw) {
            const int64_t ih = oh * p.strides[0] - p.pads[0] + kh * p.dilations[0];
            const int64_t iw = ow * p.strides[1] - p.pads[1] + kw * p.dilations[1];
            padded += ih < h_ + p.pads[2] && iw < w_ + p.pads[3];
            if (ih < 0 || ih >= h_ || iw < 0 || iw >= w_) continue;
            const double v = X[(nc * h_ + ih) * w_ + iw];
            best = std::max(best, v);
            sum += v;
            ++valid;
          }
        Y[(nc * oh_ + oh) * ow_ + ow] =
            static_cast<float>(max ? best : sum / double(p.count_include_pad ? padded : valid));
      }
  return y;
}

ir::Attributes pool_attrs(const Pool2d& p, bool with_dilations) {
  ir::Attributes a{{"kernel_shape", p.kernel},
                   {"strides", p.strides},
                   {"pads", p.pads},
                   {"ceil_mode", int64_t{p.ceil_mode}},
                   {"count_include_pad", int64_t{p.count_include_pad}}};
  if (with_dilations) a["dilations"] = p.dilations;
  return a;
}

}  // namespace

TEST_CASE("MaxPool and AveragePool: hand-computed 2x2 windows", "[exec][kernels][pool]") {
  Floats ramp;
  for (int i = 1; i <= 16; ++i) ramp.push_back(float(i));
  const ir::Tensor x = floats({1, 1, 4, 4}, ramp);
  const ir::Attributes attrs{{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}};
  CHECK(values(run1("MaxPool", {in(x)}, attrs)) == Floats{6, 8, 14, 16});
  CHECK(values(run1("AveragePool", {in(x)}, attrs)) == Floats{3.5f, 5.5f, 11.5f, 13.5f});
  // 3x3 windows with pads 1: the corner window holds 4 elements, or counts 9 positions with padding.
  const ir::Attributes padded{{"kernel_shape", Ints{3, 3}}, {"strides", Ints{3, 3}}, {"pads", Ints{1, 1, 1, 1}}};
  CHECK(values(run1("AveragePool", {in(x)}, padded))[0] == Approx((1 + 2 + 5 + 6) / 4.0));
  ir::Attributes include = padded;
  include["count_include_pad"] = int64_t{1};
  CHECK(values(run1("AveragePool", {in(x)}, include))[0] == Approx((1 + 2 + 5 + 6) / 9.0));
}

TEST_CASE("MaxPool Indices: flat over the input, first maximum wins, storage_order", "[exec][kernels][pool]") {
  // Two planes; the second repeats its maximum, so the earlier position is reported.
  const ir::Tensor x = floats({1, 2, 2, 2}, {1, 4, 3, 2, 7, 0, 7, 5});
  const ir::Attributes attrs{{"kernel_shape", Ints{2, 2}}};
  const auto out = run_node("MaxPool", {in(x)}, attrs, 12, 2);
  CHECK(values(out[0]) == Floats{4, 7});
  CHECK(out[1] == ir::Tensor::from_vector<int64_t>({1, 2, 1, 1}, {1, 4}));
  ir::Attributes column_major = attrs;
  column_major["storage_order"] = int64_t{1};
  // (row 0, col 1) of a 2x2 plane is element 2 when columns are stored first.
  CHECK(run_node("MaxPool", {in(x)}, column_major, 12, 2)[1] == ir::Tensor::from_vector<int64_t>({1, 2, 1, 1}, {2, 4}));
}

TEST_CASE("pools equal the direct loops on random data", "[exec][kernels][pool]") {
  struct Case {
    const char* name;
    Pool2d p;
  };
  const Case cases[] = {
      {"3x3 stride 1 pad 1", {{3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, false, false}},
      {"3x3 stride 2 ceil", {{3, 3}, {2, 2}, {0, 0, 0, 0}, {1, 1}, true, false}},
      {"ceil with pads, counting padding", {{3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, true, true}},
      {"asymmetric pads, counting padding", {{2, 3}, {2, 1}, {1, 0, 0, 2}, {1, 1}, false, true}},
      {"asymmetric pads", {{2, 3}, {2, 1}, {1, 0, 0, 2}, {1, 1}, false, false}},
  };
  uint32_t seed = 50;
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const ir::Tensor x = random_tensor({2, 3, 8, 9}, seed++);
      CHECK(max_abs_diff(run1("MaxPool", {in(x)}, pool_attrs(c.p, false)), direct_pool2d(x, c.p, true)) < 1e-6);
      CHECK(max_abs_diff(run1("AveragePool", {in(x)}, pool_attrs(c.p, false)), direct_pool2d(x, c.p, false)) < 1e-6);
    }
  }
  SECTION("dilated MaxPool") {
    const Pool2d p{{2, 2}, {1, 1}, {1, 1, 1, 1}, {2, 3}, false, false};
    const ir::Tensor x = random_tensor({1, 2, 7, 8}, 99);
    CHECK(max_abs_diff(run1("MaxPool", {in(x)}, pool_attrs(p, true)), direct_pool2d(x, p, true)) < 1e-6);
  }
}

TEST_CASE("GlobalAveragePool and GlobalMaxPool reduce every spatial dim", "[exec][kernels][pool]") {
  const ir::Tensor x = floats({1, 2, 2, 2}, {1, 2, 3, 4, -5, -6, -7, -1});
  const ir::Tensor avg = run1("GlobalAveragePool", {in(x)});
  CHECK(avg.shape() == ir::Shape{1, 2, 1, 1});
  CHECK(values(avg) == Floats{2.5f, -4.75f});
  CHECK(values(run1("GlobalMaxPool", {in(x)})) == Floats{4, -1});
  const ir::Tensor x1 = random_tensor({2, 3, 10}, 5);
  const auto v = values(x1);
  const auto means = values(run1("GlobalAveragePool", {in(x1)}));
  for (int64_t p = 0; p < 6; ++p) {
    double sum = 0;
    for (int64_t i = 0; i < 10; ++i) sum += v[p * 10 + i];
    CHECK(means[p] == Approx(sum / 10).margin(1e-6));
  }
}

TEST_CASE("3-D pools (the element-by-element walk) equal the 2-D pools over a depth of one", "[exec][kernels][pool]") {
  // Depth 1 with kernel 1 in depth: the same windows, values, divisors and flat indices as in 2-D.
  const ir::Tensor x2 = random_tensor({2, 3, 8, 9}, 77);
  const ir::Tensor x3 = floats({2, 3, 1, 8, 9}, values(x2));
  const ir::Attributes a2{{"kernel_shape", Ints{3, 2}}, {"strides", Ints{2, 1}}, {"pads", Ints{1, 0, 1, 1}},
                          {"count_include_pad", int64_t{1}}};
  const ir::Attributes a3{{"kernel_shape", Ints{1, 3, 2}}, {"strides", Ints{1, 2, 1}},
                          {"pads", Ints{0, 1, 0, 0, 1, 1}}, {"count_include_pad", int64_t{1}}};
  const auto max2 = run_node("MaxPool", {in(x2)}, a2, 12, 2);
  const auto max3 = run_node("MaxPool", {in(x3)}, a3, 12, 2);
  REQUIRE(max3[0].shape() == ir::Shape{2, 3, 1, 4, 9});
  CHECK(values(max3[0]) == values(max2[0]));
  CHECK(max3[1].to_double() == max2[1].to_double());
  CHECK(values(run1("AveragePool", {in(x3)}, a3)) == values(run1("AveragePool", {in(x2)}, a2)));
  Pool2d p{{3, 2}, {2, 1}, {1, 0, 1, 1}, {1, 1}, false, true};
  CHECK(max_abs_diff(run1("AveragePool", {in(x2)}, a2), direct_pool2d(x2, p, false)) < 1e-6);
}

// Conv and ConvTranspose kernels against hand-computed cases and direct-loop references on seeded
// random data (groups, depthwise, dilation, stride, asymmetric padding, auto_pad, bias).
#include <catch2/catch.hpp>

#include "exec_test_util.h"
#include "ir/error.h"

using namespace tinyc;
using namespace tinyc::exec_test;

namespace {

struct Conv2d {
  int64_t group = 1;
  Ints strides{1, 1}, pads{0, 0, 0, 0}, dilations{1, 1};  // pads: top, left, bottom, right
};

// The textbook seven loops (plus groups), accumulating in double.
ir::Tensor direct_conv2d(const ir::Tensor& x, const ir::Tensor& w, const ir::Tensor* bias, const Conv2d& p) {
  const int64_t n_ = x.shape()[0], c_ = x.shape()[1], h_ = x.shape()[2], w_ = x.shape()[3];
  const int64_t m_ = w.shape()[0], cg = w.shape()[1], kh_ = w.shape()[2], kw_ = w.shape()[3];
  const int64_t oh_ = (h_ + p.pads[0] + p.pads[2] - ((kh_ - 1) * p.dilations[0] + 1)) / p.strides[0] + 1;
  const int64_t ow_ = (w_ + p.pads[1] + p.pads[3] - ((kw_ - 1) * p.dilations[1] + 1)) / p.strides[1] + 1;
  ir::Tensor y(ir::DType::Float32, {n_, m_, oh_, ow_});
  const auto X = x.values<float>(), W = w.values<float>();
  auto Y = y.mutable_values<float>();
  const int64_t mg = m_ / p.group;
  for (int64_t n = 0; n < n_; ++n)
    for (int64_t m = 0; m < m_; ++m)
      for (int64_t oh = 0; oh < oh_; ++oh)
        for (int64_t ow = 0; ow < ow_; ++ow) {
          double acc = bias ? bias->values<float>()[m] : 0.0;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t kh = 0; kh < kh_; ++kh)
              for (int64_t kw = 0; kw < kw_; ++kw) {
                const int64_t ih = oh * p.strides[0] - p.pads[0] + kh * p.dilations[0];
                const int64_t iw = ow * p.strides[1] - p.pads[1] + kw * p.dilations[1];
                if (ih < 0 || ih >= h_ || iw < 0 || iw >= w_) continue;
                const int64_t ci = (m / mg) * cg + c;
                acc += double(X[((n * c_ + ci) * h_ + ih) * w_ + iw]) * W[((m * cg + c) * kh_ + kh) * kw_ + kw];
              }
          Y[((n * m_ + m) * oh_ + oh) * ow_ + ow] = static_cast<float>(acc);
        }
  return y;
}

ir::Attributes conv_attrs(const Conv2d& p) {
  return {{"group", p.group}, {"strides", p.strides}, {"pads", p.pads}, {"dilations", p.dilations}};
}

struct ConvCase {
  const char* name;
  ir::Shape x, w;
  Conv2d p;
  bool bias;
};

// Scatter form of the transposed convolution, accumulating in double.
ir::Tensor direct_conv_transpose2d(const ir::Tensor& x, const ir::Tensor& w, const ir::Tensor* bias, const Conv2d& p,
                                   const Ints& output_padding) {
  const int64_t n_ = x.shape()[0], c_ = x.shape()[1], h_ = x.shape()[2], w_ = x.shape()[3];
  const int64_t mg = w.shape()[1], kh_ = w.shape()[2], kw_ = w.shape()[3];
  const int64_t m_ = mg * p.group, cg = c_ / p.group;
  const int64_t oh_ = p.strides[0] * (h_ - 1) + output_padding[0] + (kh_ - 1) * p.dilations[0] + 1 - p.pads[0] - p.pads[2];
  const int64_t ow_ = p.strides[1] * (w_ - 1) + output_padding[1] + (kw_ - 1) * p.dilations[1] + 1 - p.pads[1] - p.pads[3];
  std::vector<double> acc(static_cast<size_t>(n_ * m_ * oh_ * ow_), 0.0);
  const auto X = x.values<float>(), W = w.values<float>();
  for (int64_t n = 0; n < n_; ++n)
    for (int64_t c = 0; c < c_; ++c)
      for (int64_t ih = 0; ih < h_; ++ih)
        for (int64_t iw = 0; iw < w_; ++iw)
          for (int64_t m = 0; m < mg; ++m)
            for (int64_t kh = 0; kh < kh_; ++kh)
              for (int64_t kw = 0; kw < kw_; ++kw) {
                const int64_t oh = ih * p.strides[0] - p.pads[0] + kh * p.dilations[0];
                const int64_t ow = iw * p.strides[1] - p.pads[1] + kw * p.dilations[1];
                if (oh < 0 || oh >= oh_ || ow < 0 || ow >= ow_) continue;
                const int64_t mo = (c / cg) * mg + m;
                acc[static_cast<size_t>(((n * m_ + mo) * oh_ + oh) * ow_ + ow)] +=
                    double(X[((n * c_ + c) * h_ + ih) * w_ + iw]) * W[((c * mg + m) * kh_ + kh) * kw_ + kw];
              }
  ir::Tensor y(ir::DType::Float32, {n_, m_, oh_, ow_});
  auto Y = y.mutable_values<float>();
  for (size_t i = 0; i < acc.size(); ++i)
    Y[i] = static_cast<float>(acc[i] + (bias ? bias->values<float>()[(i / static_cast<size_t>(oh_ * ow_)) % m_] : 0.0));
  return y;
}

}  // namespace

TEST_CASE("Conv: hand-computed sums", "[exec][kernels][conv]") {
  // 3x3 input 1..9, 2x2 kernel of ones, no padding: each output is a 2x2 window sum.
  const ir::Tensor x = floats({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const ir::Tensor w = floats({1, 1, 2, 2}, {1, 1, 1, 1});
  CHECK(values(run1("Conv", {in(x), constant(w)})) == Floats{12, 16, 24, 28});
  // Same with bias 10, pads 1 and stride 2: windows at (-1,-1), (-1,1), (1,-1), (1,1).
  const ir::Tensor b = floats({1}, {10});
  CHECK(values(run1("Conv", {in(x), constant(w), constant(b)}, {{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}})) ==
        Floats{11, 15, 21, 38});
  // 1-D, dilation 2: y[i] = x[i] - x[i + 2].
  const ir::Tensor x1 = floats({1, 1, 5}, {1, 4, 9, 16, 25});
  CHECK(values(run1("Conv", {in(x1), constant(floats({1, 1, 2}, {1, -1}))}, {{"dilations", Ints{2}}})) ==
        Floats{-8, -12, -16});
  // 3-D: a 2x2x2 kernel of ones over a 2x2x2 input sums everything.
  const ir::Tensor x3 = floats({1, 1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(values(run1("Conv", {in(x3), constant(floats({1, 1, 2, 2, 2}, Floats(8, 1.0f)))})) == Floats{36});
}

// Runs every case through the Conv kernel (random data from `seed` on) and compares it with
// direct_conv2d.
template <size_t N>
void check_against_direct(const ConvCase (&cases)[N], uint32_t seed) {
  for (const ConvCase& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const ir::Tensor x = random_tensor(c.x, seed++);
      const ir::Tensor w = random_tensor(c.w, seed++);
      const ir::Tensor b = random_tensor({c.w[0]}, seed++);
      std::vector<Arg> args{in(x), constant(w)};
      if (c.bias) args.push_back(constant(b));
      const ir::Tensor got = run1("Conv", args, conv_attrs(c.p));
      const ir::Tensor expected = direct_conv2d(x, w, c.bias ? &b : nullptr, c.p);
      REQUIRE(got.shape() == expected.shape());
      CHECK(max_abs_diff(got, expected) < 1e-5);
    }
  }
}

TEST_CASE("Conv: GEMM kernel equals the direct loops on random data", "[exec][kernels][conv]") {
  const ConvCase cases[] = {
      {"3x3 pad 1", {2, 3, 7, 7}, {4, 3, 3, 3}, {1, {1, 1}, {1, 1, 1, 1}, {1, 1}}, true},
      {"stride 2, asymmetric pads", {1, 3, 9, 8}, {5, 3, 3, 3}, {1, {2, 2}, {0, 1, 2, 0}, {1, 1}}, false},
      {"dilation 2", {2, 2, 9, 9}, {3, 2, 3, 3}, {1, {1, 1}, {2, 2, 2, 2}, {2, 2}}, true},
      {"grouped", {2, 4, 6, 6}, {6, 2, 3, 3}, {2, {1, 1}, {1, 1, 1, 1}, {1, 1}}, true},
      {"depthwise stride 2", {1, 5, 8, 8}, {5, 1, 3, 3}, {5, {2, 2}, {1, 1, 1, 1}, {1, 1}}, false},
      {"depthwise x2 dilated", {2, 3, 9, 7}, {6, 1, 3, 3}, {3, {1, 2}, {2, 1, 2, 1}, {2, 1}}, true},
      {"pointwise (columns are the input)", {2, 8, 5, 5}, {4, 8, 1, 1}, {1, {1, 1}, {0, 0, 0, 0}, {1, 1}}, true},
      {"pointwise stride 2", {1, 8, 5, 5}, {4, 8, 1, 1}, {1, {2, 2}, {0, 0, 0, 0}, {1, 1}}, false},
      {"2x3 kernel, strides 2x1", {1, 2, 7, 6}, {3, 2, 2, 3}, {1, {2, 1}, {1, 0, 0, 2}, {1, 1}}, true},
      {"one input channel, four outputs (a stem conv)", {3, 1, 12, 13}, {4, 1, 3, 3}, {1, {2, 2}, {1, 1, 1, 1}, {1, 1}},
       true},
      // 10 output channels: one full register block of rows and a partial one; 100 positions: whole
      // blocks of columns and a partial tail.
      {"partial row and column blocks", {2, 3, 10, 10}, {10, 3, 3, 3}, {1, {1, 1}, {1, 1, 1, 1}, {1, 1}}, true},
      {"pointwise, positions a multiple of the column block", {2, 8, 8, 8}, {17, 8, 1, 1},
       {1, {1, 1}, {0, 0, 0, 0}, {1, 1}}, true},
      {"grouped, 9 outputs per group", {1, 4, 6, 7}, {18, 2, 3, 3}, {2, {1, 1}, {1, 1, 1, 1}, {1, 1}}, true},
      {"deep product, 8 channels x 3x3", {2, 8, 9, 9}, {6, 8, 3, 3}, {1, {1, 1}, {1, 1, 1, 1}, {1, 1}}, true},
      {"deep pointwise, 40 channels", {1, 40, 5, 5}, {7, 40, 1, 1}, {1, {1, 1}, {0, 0, 0, 0}, {1, 1}}, false},
      // 40 outputs over a 3x3 map: the register blocks run along the output channels.
      {"many channels on a small map", {2, 4, 3, 3}, {40, 4, 3, 3}, {1, {1, 1}, {1, 1, 1, 1}, {1, 1}}, true},
      {"many channels on a small map, stride 2", {1, 4, 6, 6}, {40, 4, 3, 3}, {1, {2, 2}, {1, 1, 1, 1}, {1, 1}}, true},
      // A 3x1 kernel: the padded planes are as wide as the output, nothing to compact.
      {"3x1 kernel, no columns to drop", {2, 3, 7, 5}, {4, 3, 3, 1}, {1, {1, 1}, {1, 0, 1, 0}, {1, 1}}, true},
      {"stride 3 with dilation 2 (three phases per axis)", {1, 2, 13, 14}, {3, 2, 3, 3}, {1, {3, 3}, {2, 1, 0, 2}, {2, 2}},
       true},
  };
  check_against_direct(cases, 1);
}

TEST_CASE("Conv: depthwise direct loops equal the direct reference", "[exec][kernels][conv]") {
  // Wide grids of 5 x 17 and 9 x 16 positions end inside a 64-position register block.
  const ConvCase cases[] = {
      {"multiplier 2, stride 2, dilation 2, asymmetric pads", {2, 3, 11, 30}, {6, 1, 3, 3},
       {3, {2, 2}, {1, 0, 2, 3}, {2, 2}}, true},
      {"multiplier 2, stride 1x2, 5x3 kernel", {1, 4, 9, 29}, {8, 1, 5, 3}, {4, {1, 2}, {2, 1, 2, 1}, {1, 1}}, false},
      {"padding wider than the window: edge outputs are the bias", {1, 2, 3, 4}, {2, 1, 2, 2},
       {2, {1, 1}, {3, 0, 3, 4}, {1, 1}}, true},
      {"stride 3, dilation 3, no padding", {1, 2, 16, 17}, {4, 1, 3, 2}, {2, {3, 3}, {0, 0, 0, 0}, {3, 3}}, true},
  };
  check_against_direct(cases, 50);
  SECTION("1-D depthwise equals the 2-D reference over one row") {
    const ir::Tensor x = random_tensor({2, 3, 1, 21}, 90);
    const ir::Tensor w = random_tensor({6, 1, 1, 3}, 91);
    const ir::Tensor x1 = floats({2, 3, 21}, values(x));
    const ir::Tensor w1 = floats({6, 1, 3}, values(w));
    const ir::Attributes attrs{
        {"group", int64_t{3}}, {"strides", Ints{2}}, {"pads", Ints{2, 1}}, {"dilations", Ints{2}}};
    const ir::Tensor got = run1("Conv", {in(x1), constant(w1)}, attrs);
    const ir::Tensor expected = direct_conv2d(x, w, nullptr, Conv2d{3, {1, 2}, {0, 2, 0, 1}, {1, 2}});
    CHECK(max_abs_diff(got, floats({2, 6, expected.shape()[3]}, values(expected))) < 1e-5);
  }
  SECTION("3-D depthwise (the im2col path) sums each channel's own window") {
    // Two channels of a 2x2x2 cube, kernel of ones per channel scaled by 1 and 2.
    const ir::Tensor x = floats({1, 2, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 1, 1, 1, 1, 1, 1});
    const ir::Tensor w = floats({2, 1, 2, 2, 2}, {1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2});
    CHECK(values(run1("Conv", {in(x), constant(w)}, {{"group", int64_t{2}}})) == Floats{36, 16});
  }
}

TEST_CASE("Conv: auto_pad puts the odd padding at the end (SAME_UPPER) or the start (SAME_LOWER)",
          "[exec][kernels][conv]") {
  // 5 wide, kernel 2, stride 2: 3 outputs need 1 padding element.
  const ir::Tensor x = random_tensor({1, 2, 5, 5}, 7);
  const ir::Tensor w = random_tensor({3, 2, 2, 2}, 8);
  Conv2d upper{1, {2, 2}, {0, 0, 1, 1}, {1, 1}}, lower{1, {2, 2}, {1, 1, 0, 0}, {1, 1}};
  const auto run_auto = [&](const std::string& mode) {
    return run1("Conv", {in(x), constant(w)}, {{"auto_pad", mode}, {"strides", Ints{2, 2}}});
  };
  CHECK(max_abs_diff(run_auto("SAME_UPPER"), direct_conv2d(x, w, nullptr, upper)) < 1e-5);
  CHECK(max_abs_diff(run_auto("SAME_LOWER"), direct_conv2d(x, w, nullptr, lower)) < 1e-5);
  CHECK(max_abs_diff(run_auto("VALID"), direct_conv2d(x, w, nullptr, Conv2d{1, {2, 2}, {0, 0, 0, 0}, {1, 1}})) < 1e-5);
}

TEST_CASE("Conv: rejects weights that do not fit the groups", "[exec][kernels][conv]") {
  const ir::Tensor x = random_tensor({1, 4, 5, 5}, 1);
  const ir::Tensor w = random_tensor({3, 2, 3, 3}, 2);  // 3 output channels cannot split into 2 groups
  CHECK_THROWS_AS(run1("Conv", {in(x), constant(w)}, {{"group", int64_t{2}}}), InputError);
  ir::Tensor ints_x(ir::DType::Int32, {1, 1, 3, 3});
  CHECK_THROWS_AS(run1("Conv", {in(ints_x), constant(ir::Tensor(ir::DType::Int32, {1, 1, 1, 1}))}), InputError);
}

TEST_CASE("ConvTranspose: hand-computed overlap-add", "[exec][kernels][conv]") {
  // Each input element stamps a 2x2 block of ones; overlaps add up.
  const ir::Tensor x = floats({1, 1, 2, 2}, {1, 2, 3, 4});
  const ir::Tensor w = floats({1, 1, 2, 2}, {1, 1, 1, 1});
  CHECK(values(run1("ConvTranspose", {in(x), constant(w)})) == Floats{1, 3, 2, 4, 10, 6, 3, 7, 4});
  // Stride 2 places the stamps side by side: no overlap.
  CHECK(values(run1("ConvTranspose", {in(x), constant(w)}, {{"strides", Ints{2, 2}}})) ==
        Floats{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
}

TEST_CASE("ConvTranspose: an output_shape past the window adds zeros at the end", "[exec][kernels][conv]") {
  // The window covers 4 outputs: [1, 1+2, 2+1, 2] = [1, 3, 3, 2]. Asking for 5 gives a total padding
  // of -1, which ONNX splits (flooring) into begin 0, end -1: the extra output is at the end.
  const ir::Tensor x = floats({1, 1, 2}, {1, 2});
  const ir::Tensor w = floats({1, 1, 3}, {1, 1, 1});
  const ir::Tensor y = run1("ConvTranspose", {in(x), constant(w)}, {{"output_shape", Ints{5}}});
  CHECK(y.shape() == ir::Shape{1, 1, 5});
  CHECK(values(y) == Floats{1, 3, 3, 2, 0});
}

TEST_CASE("ConvTranspose: GEMM + col2im equals the scatter loops on random data", "[exec][kernels][conv]") {
  struct Case {
    const char* name;
    ir::Shape x, w;
    Conv2d p;
    Ints output_padding;
    bool bias;
  };
  const Case cases[] = {
      {"plain", {2, 3, 4, 4}, {3, 2, 3, 3}, {1, {1, 1}, {0, 0, 0, 0}, {1, 1}}, {0, 0}, true},
      {"stride 2, pads", {1, 2, 5, 4}, {2, 3, 3, 3}, {1, {2, 2}, {1, 1, 1, 1}, {1, 1}}, {0, 0}, false},
      {"output_padding", {1, 2, 3, 3}, {2, 2, 3, 3}, {1, {2, 2}, {1, 0, 1, 0}, {1, 1}}, {1, 1}, true},
      {"grouped", {2, 4, 3, 5}, {4, 3, 2, 2}, {2, {2, 1}, {0, 0, 0, 0}, {1, 1}}, {1, 0}, true},
      {"dilated", {1, 2, 4, 4}, {2, 2, 3, 2}, {1, {1, 2}, {1, 0, 0, 1}, {2, 2}}, {0, 1}, false},
  };
  uint32_t seed = 100;
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const ir::Tensor x = random_tensor(c.x, seed++);
      const ir::Tensor w = random_tensor(c.w, seed++);
      const ir::Tensor b = random_tensor({c.w[1] * c.p.group}, seed++);
      std::vector<Arg> args{in(x), constant(w)};
      if (c.bias) args.push_back(constant(b));
      ir::Attributes attrs = conv_attrs(c.p);
      attrs["output_padding"] = c.output_padding;
      const ir::Tensor got = run1("ConvTranspose", args, attrs);
      CHECK(max_abs_diff(got, direct_conv_transpose2d(x, w, c.bias ? &b : nullptr, c.p, c.output_padding)) < 1e-5);
    }
  }
}

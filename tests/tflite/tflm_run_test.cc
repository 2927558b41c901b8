// `tinyc run model.tflite` against TensorFlow Lite Micro itself (tflm_run, reference and CMSIS-NN
// kernels): the import test graphs emitted by tinyc, and the four MLPerf Tiny int8 files made by the
// TF converter, on seeded rows; the int8 outputs must be equal bit for bit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "apps/cli_runner.h"
#include "formats/tflite/emit.h"
#include "import_test_graphs.h"
#include "int8_rows.h"
#include "quantized_graphs.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "support/test_support.h"
#include "tflm_runner.h"

using namespace tinyc;
using namespace tinyc::tflite_test;

namespace {

const std::vector<TflmKernels> kBothBuilds = {TflmKernels::Reference, TflmKernels::CmsisNn};

}  // namespace

TEST_CASE("tinyc run equals TFLM on tinyc's blobs of the import test graphs", "[tflite][tflm][slow]") {
  test::TempDir dir;
  for (const NamedGraph& named : import_test_graphs()) {
    INFO(named.name);
    const auto model = dir.path() / (named.name + ".tflite");
    tflite_format::emit_tflite_file(*named.graph, model);
    const auto rows = dir.path() / (named.name + ".rows.npy");
    io::write_npy(rows, random_rows(*named.graph, 0, 200, 5));  // NCHW rows, as tinyc's graphs take them
    if (named.graph->outputs().size() > 1) {  // tflm_run writes the first output only
      const auto both = dir.path() / (named.name + ".npz");
      REQUIRE(test::run_tinyc({"run", model.string(), "--input", rows.string(), "-o", both.string()}).exit_code == 0);
      const ir::Tensor first = io::read_npz(both).at(named.graph->outputs()[0]->name);
      const TflmResult tflm = run_tflm(model, rows, dir.path());
      REQUIRE(tflm.exit_code == 0);
      INFO(difference(first, tflm.output));
      CHECK(same_bytes(first, tflm.output));
      continue;
    }
    check_against_tflm(model, rows, dir.path(), 200, kBothBuilds);
  }
}

TEST_CASE("tinyc run equals TFLM on the MLPerf Tiny int8 files (500 uniform rows each)", "[tflite][tflm][slow]") {
  test::TempDir dir;
  for (const char* name : {"pretrainedResnet_quant", "ad01_int8", "kws_ref_model", "str_ww_ref_model"}) {
    INFO(name);
    const auto model = test::corpus_dir() / "tflite" / (std::string(name) + ".tflite");
    const FileInput in = file_input(model);
    const auto rows = dir.path() / (std::string(name) + ".rows.npy");
    io::write_npy(rows, uniform_rows(in, 500, 2024));
    check_against_tflm(model, rows, dir.path(), 500, kBothBuilds);
  }
}

TEST_CASE("tinyc run on an MLPerf file: int8 rows go in unchanged, NCHW rows equal NHWC rows, --dequantize", "[tflite][tflm][slow]") {
  test::TempDir dir;
  const auto model = test::corpus_dir() / "tflite" / "pretrainedResnet_quant.tflite";  // int8 [1,32,32,3]
  const FileInput in = file_input(model);
  const ir::Tensor nhwc = uniform_rows(in, 40, 7);
  const auto rows = dir.path() / "nhwc.npy";
  io::write_npy(rows, nhwc);
  const ir::Tensor want = tinyc_run(model, rows, dir.path() / "want.npy");
  CHECK(want.dtype() == ir::DType::Int8);
  CHECK(want.shape() == ir::Shape{40, 10});

  SECTION("the same rows quantized to int8 by TFLite's rule give the same outputs, in TFLM too") {
    ir::Tensor q(ir::DType::Int8, nhwc.shape());
    const auto src = nhwc.values<float>();
    auto dst = q.mutable_values<int8_t>();
    for (size_t i = 0; i < src.size(); ++i) {
      const long v = std::lround(src[i] / in.scale) + in.zero_point;  // lround: half away from zero
      dst[i] = static_cast<int8_t>(std::clamp<long>(v, -128, 127));
    }
    const auto int8_rows = dir.path() / "int8.npy";
    io::write_npy(int8_rows, q);
    CHECK(same_bytes(tinyc_run(model, int8_rows, dir.path() / "int8_out.npy"), want));
    const TflmResult tflm = run_tflm(model, int8_rows, dir.path());
    REQUIRE(tflm.exit_code == 0);
    CHECK(same_bytes(tflm.output, want));
  }
  SECTION("NCHW rows [N, 3, 32, 32] are read as tinyc's layout") {
    ir::Tensor nchw(ir::DType::Float32, {40, 3, 32, 32});
    const auto src = nhwc.values<float>();
    auto dst = nchw.mutable_values<float>();
    for (size_t n = 0; n < 40; ++n)
      for (size_t c = 0; c < 3; ++c)
        for (size_t p = 0; p < 32 * 32; ++p) dst[(n * 3 + c) * 1024 + p] = src[(n * 1024 + p) * 3 + c];
    const auto nchw_rows = dir.path() / "nchw.npy";
    io::write_npy(nchw_rows, nchw);
    CHECK(same_bytes(tinyc_run(model, nchw_rows, dir.path() / "nchw_out.npy"), want));
  }
  SECTION("--dequantize writes scale * (q - zero_point) as float32") {
    const ir::Tensor real = tinyc_run(model, rows, dir.path() / "real.npy", {"--dequantize"});
    REQUIRE(real.dtype() == ir::DType::Float32);
    REQUIRE(real.shape() == want.shape());
    const auto q = want.values<int8_t>();
    const auto r = real.values<float>();
    for (size_t i = 0; i < q.size(); ++i) CHECK(r[i] == (1.0f / 256) * static_cast<float>(q[i] + 128));
  }
}

TEST_CASE("float rows are quantized half away from zero, as TFLM's QUANTIZE does", "[tflite][tflm]") {
  // input (scale 1/4, zero point 3) -> Reshape -> output: the int8 output shows how each row value
  // was quantized. x / scale is an exact .5 tie for every value, of both signs.
  QuantizedGraphBuilder b;
  const ir::QuantParams q = per_tensor(0.25f, 3);
  ir::Value* x = b.quantized_input("input", {1, 1, 4, 8}, q);
  ir::Value* shape = b.graph().add_constant("flat_shape", ir::Tensor::from_vector<int64_t>({2}, {1, 32}));
  b.dequantized_output(b.node("Reshape", {x, shape}, "flat", {1, 32}, q)->output(0), "output");
  const auto graph = b.take();
  std::vector<float> values;
  std::vector<int8_t> expected;
  for (int k = -16; k < 16; ++k) {
    values.push_back(0.25f * (static_cast<float>(k) + 0.5f));
    expected.push_back(static_cast<int8_t>((k >= 0 ? k + 1 : k) + 3));  // k + 0.5 rounded away from zero
  }
  test::TempDir dir;
  const auto rows = dir.path() / "ties.npy";
  io::write_npy(rows, ir::Tensor::from_vector<float>({1, 1, 4, 8}, values));
  const auto model = dir.path() / "ties.tflite";
  tflite_format::emit_tflite_file(*graph, model);
  check_against_tflm(model, rows, dir.path(), 1, kBothBuilds);
  CHECK(same_bytes(tinyc_run(model, rows, dir.path() / "ties.tinyc.npy"),
                   ir::Tensor::from_vector<int8_t>({1, 32}, expected)));
  // The same through the QUANTIZE op of an --io-type float32 blob and tinyc's QuantizeLinear kernel.
  const auto float_model = dir.path() / "ties_float_io.tflite";
  tflite_format::EmitOptions options;
  options.io_type = tflite_format::IoType::Float32;
  tflite_format::emit_tflite_file(*graph, float_model, options);
  check_against_tflm(float_model, rows, dir.path(), 1, kBothBuilds);
}

TEST_CASE("float .tflite files (MLPerf Tiny fp32) run on the float kernels, close to TFLM", "[tflite][tflm]") {
  // Float kernels sum in another order than TFLM's, so the outputs agree to float rounding only.
  test::TempDir dir;
  for (const auto& [name, like] : {std::pair{"ad01_fp32", "ad01_int8"}, std::pair{"pretrainedResnet", "pretrainedResnet_quant"}}) {
    INFO(name);
    const auto model = test::corpus_dir() / "tflite" / (std::string(name) + ".tflite");
    const auto rows = dir.path() / (std::string(name) + ".rows.npy");
    io::write_npy(rows, uniform_rows(file_input(test::corpus_dir() / "tflite" / (std::string(like) + ".tflite")), 100, 9));
    const ir::Tensor ours = tinyc_run(model, rows, dir.path() / (std::string(name) + ".tinyc.npy"));
    const TflmResult tflm = run_tflm(model, rows, dir.path());
    REQUIRE(tflm.exit_code == 0);
    REQUIRE(ours.dtype() == ir::DType::Float32);
    REQUIRE(ours.shape() == tflm.output.shape());
    const auto a = ours.values<float>();
    const auto b = tflm.output.values<float>();
    float largest = 0, worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      largest = std::max(largest, std::abs(b[i]));
      worst = std::max(worst, std::abs(a[i] - b[i]));
    }
    CHECK(worst <= 1e-4f * std::max(largest, 1.0f));
  }
}

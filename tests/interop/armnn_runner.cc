// The two runs of an interop check: tinyc's executor on the quantized IR, Arm NN on the .tflite
// emitted from it, both fed the same int8 rows.
#include "armnn_runner.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "exec/executor.h"
#include "formats/tflite/emit.h"
#include "io/npy.h"
#include "support/test_support.h"
#include "tflite/int8_rows.h"

namespace tinyc::interop_test {

using tflite_test::input_params;
using tflite_test::int8_nhwc;
using tflite_test::int8_of;
using tflite_test::output_params;

namespace {

Agreement compare(const ir::Tensor& tinyc_out, const ir::Tensor& armnn_out, int64_t rows) {
  const auto t = tinyc_out.values<int8_t>();
  const auto m = armnn_out.values<int8_t>();
  REQUIRE(t.size() == m.size());
  const size_t width = t.size() / static_cast<size_t>(rows);
  Agreement a;
  int64_t same_top1 = 0, equal = 0, total = 0;
  for (size_t r = 0; r < static_cast<size_t>(rows); ++r) {
    const auto tr = t.subspan(r * width, width), mr = m.subspan(r * width, width);
    same_top1 += std::max_element(tr.begin(), tr.end()) - tr.begin() == std::max_element(mr.begin(), mr.end()) - mr.begin();
    for (size_t i = 0; i < width; ++i) {
      const int diff = std::abs(static_cast<int>(tr[i]) - static_cast<int>(mr[i]));
      a.max_lsb = std::max(a.max_lsb, diff);
      total += diff;
      equal += diff == 0;
    }
  }
  a.top1 = static_cast<double>(same_top1) / static_cast<double>(rows);
  a.mean_lsb = static_cast<double>(total) / static_cast<double>(t.size());
  a.equal_share = static_cast<double>(equal) / static_cast<double>(t.size());
  return a;
}

}  // namespace

Agreement run_both(const ir::Graph& g, const ir::Tensor& rows, const std::filesystem::path& dir,
                   const std::string& name) {
  const auto model = dir / (name + ".tflite");
  const auto inputs = dir / (name + ".in.npy");
  const auto outputs = dir / (name + ".out.npy");
  tflite_format::EmitOptions options;
  options.full_quant_params = true;  // Arm NN needs the bias scales and per-channel zero points TFLM leaves unread
  tflite_format::emit_tflite_file(g, model, options);
  io::write_npy(inputs, int8_nhwc(rows, input_params(g)));
  const test::CommandResult r = test::run_command({TINYC_ARMNN_CHECK, model.string(), inputs.string(), outputs.string()});
  INFO("armnn_check on " << name << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  const ir::Tensor tinyc_out = int8_of(exec::Executor(g).run({rows}).front(), output_params(g));
  return compare(tinyc_out, io::read_npy(outputs), rows.shape()[0]);
}

std::string describe(const Agreement& a) {
  std::ostringstream os;
  os.precision(4);
  os << "top-1 " << 100 * a.top1 << " %, max |diff| " << a.max_lsb << " LSB, mean " << a.mean_lsb << " LSB, bit-equal "
     << 100 * a.equal_share << " %";
  return os.str();
}

}  // namespace tinyc::interop_test

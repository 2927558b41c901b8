// tflm_run and tinyc as test subprocesses, and the comparison of their outputs (see tflm_runner.h).
#include "tflm_runner.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "apps/cli_runner.h"
#include "formats/tflite/tinyc_tflite_generated.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "support/test_support.h"

namespace tinyc::tflite_test {

namespace {

// A model with variable tensors (an LSTM's state): TFLM keeps them from one Invoke to the next
// unless the application resets them, and tflm_run does not between rows.
bool has_state(const std::filesystem::path& model) {
  const std::string bytes = test::read_bytes(model);
  const auto* m = tflite_fb::GetModel(bytes.data());
  if (!m->subgraphs() || m->subgraphs()->size() == 0 || !m->subgraphs()->Get(0)->tensors()) return false;
  for (const auto* t : *m->subgraphs()->Get(0)->tensors())
    if (t->is_variable()) return true;
  return false;
}

TflmResult run_tflm_once(const std::filesystem::path& model, const std::filesystem::path& rows,
                         const std::filesystem::path& folder, TflmKernels kernels, bool find_min_arena) {
  const std::string binary = kernels == TflmKernels::Reference ? "tflm_run" : "tflm_run_cmsis_nn";
  const std::filesystem::path tool = std::filesystem::path(TINYC_SOURCE_DIR) / ".." / "shared" / "tools" / "tflm" / binary;
  const std::filesystem::path out = folder / (model.stem().string() + "." + binary + ".npy");
  std::vector<std::string> argv{tool.string(), model.string(), "--output", out.string()};
  if (!find_min_arena) argv.push_back("--no-min-arena");
  if (!rows.empty()) argv.insert(argv.end(), {"--input", rows.string()});
  const test::CommandResult r = test::run_command(argv);
  TflmResult result;
  result.exit_code = r.exit_code;
  result.err = r.err;
  result.facts = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  if (r.exit_code == 0 && std::filesystem::exists(out)) result.output = io::read_npy(out);
  return result;
}

}  // namespace

TflmResult run_tflm(const std::filesystem::path& model, const std::filesystem::path& rows,
                    const std::filesystem::path& folder, TflmKernels kernels, bool find_min_arena) {
  if (rows.empty() || !has_state(model)) return run_tflm_once(model, rows, folder, kernels, find_min_arena);
  // Every row from a fresh allocation (zero state), as tinyc runs each row.
  const ir::Tensor all = io::read_npy(rows);
  TflmResult first;
  std::vector<ir::Tensor> outputs;
  for (int64_t row = 0; row < all.shape().at(0); ++row) {
    const std::filesystem::path one = folder / (model.stem().string() + ".row.npy");
    io::write_npy(one, ir::slice_rows(all, row, row + 1));
    TflmResult r = run_tflm_once(model, one, folder, kernels, find_min_arena && row == 0);
    if (r.exit_code != 0) return r;
    outputs.push_back(r.output);
    if (row == 0) first = std::move(r);
  }
  first.output = ir::concat_rows(outputs);
  first.facts["rows"] = all.shape().at(0);
  return first;
}

ir::Tensor tinyc_run(const std::filesystem::path& model, const std::filesystem::path& rows,
                     const std::filesystem::path& out, const std::vector<std::string>& extra) {
  std::vector<std::string> args{"run", model.string(), "--input", rows.string(), "-o", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const test::CommandResult r = test::run_tinyc(args);
  INFO("tinyc run " << model.filename().string() << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return io::read_npy(out);
}

bool same_bytes(const ir::Tensor& a, const ir::Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.bytes().data(), b.bytes().data(), a.byte_size()) == 0;
}

std::string difference(const ir::Tensor& a, const ir::Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape())
    return ir::shape_to_string(a.shape()) + " " + std::string(ir::dtype_name(a.dtype())) + " vs " +
           ir::shape_to_string(b.shape()) + " " + std::string(ir::dtype_name(b.dtype()));
  const std::vector<double> x = a.to_double(), y = b.to_double();
  size_t differ = 0;
  double largest = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    differ += x[i] != y[i];
    largest = std::max(largest, std::abs(x[i] - y[i]));
  }
  return std::to_string(differ) + " of " + std::to_string(x.size()) + " elements differ, by up to " +
         std::to_string(largest);
}

ir::Tensor check_against_tflm(const std::filesystem::path& model, const std::filesystem::path& rows,
                              const std::filesystem::path& folder, int64_t expected_rows,
                              const std::vector<TflmKernels>& kernels) {
  const ir::Tensor ours = tinyc_run(model, rows, folder / (model.stem().string() + ".tinyc.npy"));
  CHECK(ours.shape().at(0) == expected_rows);
  for (TflmKernels k : kernels) {
    const TflmResult tflm = run_tflm(model, rows, folder, k);
    INFO(model.filename().string() << " in " << (k == TflmKernels::Reference ? "tflm_run" : "tflm_run_cmsis_nn")
                                   << ": " << tflm.err);
    REQUIRE(tflm.exit_code == 0);
    CHECK(tflm.facts.value("verifier_ok", false));
    INFO(difference(ours, tflm.output));
    CHECK(same_bytes(ours, tflm.output));
  }
  return ours;
}

}  // namespace tinyc::tflite_test

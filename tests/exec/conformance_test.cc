// The float executor against ONNX's backend test data (node, pytorch-converted, pytorch-operator,
// simple): every test whose ops all have kernels must reproduce each test_data_set's outputs
// within rtol 1e-3, atol 1e-5 (integers and bools exactly).
#include <catch2/catch.hpp>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "backend_test_rules.h"
#include "exec/executor.h"
#include "exec/kernels/registry.h"
#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "ir/error.h"

using namespace tinyc;
namespace fs = std::filesystem;

namespace {

const fs::path kTestData = "/usr/include/onnx/backend/test/data";
const char* const kSuites[] = {"node", "pytorch-converted", "pytorch-operator", "simple"};

// Tests whose ops all have kernels but which need a feature tinyc leaves out, with the reason.
const std::map<std::string, std::string> kSkipped = {
    {"test_batchnorm_epsilon_training_mode", "training-mode BatchNormalization; tinyc runs inference graphs"},
    {"test_batchnorm_example_training_mode", "training-mode BatchNormalization; tinyc runs inference graphs"},
    {"test_training_dropout", "training-mode Dropout is random; tinyc runs inference graphs"},
    {"test_training_dropout_default", "training-mode Dropout is random; tinyc runs inference graphs"},
    {"test_training_dropout_default_mask", "training-mode Dropout is random; tinyc runs inference graphs"},
    {"test_training_dropout_mask", "training-mode Dropout is random; tinyc runs inference graphs"},
    {"test_training_dropout_zero_ratio", "training-mode Dropout; tinyc runs inference graphs"},
    {"test_training_dropout_zero_ratio_mask", "training-mode Dropout; tinyc runs inference graphs"},
    {"test_cast_BFLOAT16_to_FLOAT", "bfloat16 has no ir::DType; MCU targets do not use it"},
    {"test_cast_FLOAT_to_BFLOAT16", "bfloat16 has no ir::DType; MCU targets do not use it"},
    {"test_castlike_BFLOAT16_to_FLOAT_expanded", "bfloat16 has no ir::DType; MCU targets do not use it"},
    {"test_castlike_FLOAT_to_BFLOAT16_expanded", "bfloat16 has no ir::DType; MCU targets do not use it"},
    {"test_cast_FLOAT_to_STRING", "string tensors hold no numbers; the kernels are numeric"},
    {"test_cast_STRING_to_FLOAT", "string tensors hold no numbers; the kernels are numeric"},
    {"test_castlike_FLOAT_to_STRING_expanded", "string tensors hold no numbers; the kernels are numeric"},
    {"test_castlike_STRING_to_FLOAT_expanded", "string tensors hold no numbers; the kernels are numeric"},
    {"test_max_float16", "float16 arithmetic; tinyc computes in float32 (Cast converts float16)"},
    {"test_min_float16", "float16 arithmetic; tinyc computes in float32 (Cast converts float16)"},
    {"test_identity_opt", "optional-typed values; tinyc graphs hold tensors only"},
    {"test_identity_sequence", "sequence-typed values; tinyc graphs hold tensors only"},
};

// Passing counts measured with ONNX 1.12's test data when this check was written; a drop is a regression.
constexpr int kMinPassingNode = 420;
constexpr int kMinPassingAll = 531;

enum class Verdict { Pass, Fail, Skip };

struct Outcome {
  Verdict verdict;
  std::string detail;
};

// Read straight from the file (not through the importer, so an import failure of a supported
// model is a failure): whether every op has a float kernel and shape rule.
bool all_ops_supported(const fs::path& model_file) {
  std::ifstream in(model_file, std::ios::binary);
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in)) return false;
  for (const onnx::NodeProto& n : model.graph().node())
    if (!exec::is_supported_op(n.domain(), n.op_type()) || !exec::kernels::make_kernel(n.op_type())) return false;
  return true;
}

std::vector<ir::Tensor> read_numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<ir::Tensor> tensors;
  for (int i = 0;; ++i) {
    const fs::path file = dir / (prefix + std::to_string(i) + ".pb");
    if (!fs::exists(file)) return tensors;
    tensors.push_back(onnx_format::read_tensor_file(file));
  }
}

// Real models keep shape data (Reshape targets, pads, axes, resize scales) in constants; these tests
// feed it as graph inputs. Shape-data inputs become constants holding their test data; every input
// takes the shape of its data.
void bind_inputs(ir::Graph& g, const std::vector<ir::Tensor>& data) {
  const std::vector<ir::Value*> inputs = g.inputs();
  if (inputs.size() != data.size())
    throw InputError("the model has " + std::to_string(inputs.size()) + " inputs, the test data " +
                     std::to_string(data.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    inputs[i]->shape = data[i].shape();
    if (!backend_test::is_shape_data(inputs[i]) || inputs[i]->uses().empty() || inputs[i]->is_graph_output()) continue;
    g.replace_all_uses(inputs[i], g.add_constant(g.unique_value_name(inputs[i]->name + "_data"), data[i]));
  }
}

// Empty when equal within tolerance, else what differs.
std::string compare(const ir::Tensor& got, const ir::Tensor& want) {
  if (got.dtype() != want.dtype() || got.shape() != want.shape())
    return "got " + std::string(ir::dtype_name(got.dtype())) + " " + ir::shape_to_string(got.shape()) +
           ", expected " + std::string(ir::dtype_name(want.dtype())) + " " + ir::shape_to_string(want.shape());
  if (got.dtype() == ir::DType::Float16) return got == want ? "" : "float16 bits differ";
  const std::vector<double> a = got.to_double(), b = want.to_double();
  const bool exact = !ir::is_float(got.dtype());
  for (size_t i = 0; i < a.size(); ++i) {
    const bool same = std::isnan(b[i]) ? std::isnan(a[i])
                                       : exact ? a[i] == b[i] : std::fabs(a[i] - b[i]) <= 1e-5 + 1e-3 * std::fabs(b[i]);
    if (!same) {
      std::ostringstream os;
      os << "element " << i << ": got " << a[i] << ", expected " << b[i];
      return os.str();
    }
  }
  return "";
}

Outcome run_one(const fs::path& dir) {
  if (!all_ops_supported(dir / "model.onnx")) return {Verdict::Skip, ""};
  std::vector<fs::path> data_sets;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind("test_data_set_", 0) == 0) data_sets.push_back(entry.path());
  std::sort(data_sets.begin(), data_sets.end());
  for (const fs::path& set : data_sets) {
    try {
      const std::vector<ir::Tensor> inputs = read_numbered(set, "input_");
      const std::vector<ir::Tensor> expected = read_numbered(set, "output_");
      auto g = onnx_format::import_model_file(dir / "model.onnx").graph;
      bind_inputs(*g, inputs);
      const exec::Executor exe(*g);
      const std::vector<ir::Tensor> got = exe.run(inputs);
      for (size_t i = 0; i < expected.size() && i < got.size(); ++i) {
        const std::string diff = compare(got[i], expected[i]);
        if (!diff.empty())
          return {Verdict::Fail, set.filename().string() + " output " + std::to_string(i) + ": " + diff};
      }
    } catch (const std::exception& e) {
      return {Verdict::Fail, set.filename().string() + ": " + e.what()};
    }
  }
  return {Verdict::Pass, ""};
}

}  // namespace

TEST_CASE("float executor passes the ONNX backend tests of its ops", "[exec][conformance]") {
  int passed_all = 0, passed_node = 0;
  std::vector<std::string> failures;
  for (const char* suite : kSuites) {
    const fs::path root = kTestData / suite;
    REQUIRE(fs::is_directory(root));
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(root))
      if (fs::exists(entry.path() / "model.onnx")) dirs.push_back(entry.path());
    std::sort(dirs.begin(), dirs.end());
    int passed = 0, failed = 0, skipped = 0;
    for (const fs::path& dir : dirs) {
      const std::string name = dir.filename().string();
      const Outcome o = kSkipped.count(name) || backend_test::uses_refused_resize_mode(name) ? Outcome{Verdict::Skip, ""} : run_one(dir);
      if (o.verdict == Verdict::Pass) ++passed;
      if (o.verdict == Verdict::Skip) ++skipped;
      if (o.verdict == Verdict::Fail) {
        ++failed;
        failures.push_back(std::string(suite) + "/" + name + ": " + o.detail);
      }
    }
    std::cout << "ONNX backend " << suite << " tests: " << passed << " pass, " << failed << " fail, " << skipped
              << " skip\n";
    passed_all += passed;
    if (std::string(suite) == "node") passed_node = passed;
  }
  for (const std::string& f : failures) std::cout << "FAIL " << f << "\n";
  CHECK(failures.empty());
  CHECK(passed_node >= kMinPassingNode);
  CHECK(passed_all >= kMinPassingAll);
}

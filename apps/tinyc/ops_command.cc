// `tinyc ops`: every ONNX op type tinyc knows, and how far each goes: float execution, an int8 form,
// a TFLite builtin the emitter writes, and 4-bit weights.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <set>

#include "commands.h"
#include "exec/shape_inference.h"
#include "formats/tflite/emit.h"
#include "passes/int8_forms.h"
#include "passes/layer_weights.h"

namespace tinyc::cli {

namespace {

// One op type's support.
struct OpSupport {
  std::string op;
  bool float_kernel = false;
  bool int8 = false;
  bool tflite = false;
  bool int4_weights = false;
  std::string decomposed_by;  // the pass that writes it as ops with int8 forms; empty when it has its own
};

bool contains(const std::vector<std::string>& list, const std::string& op) {
  return std::find(list.begin(), list.end(), op) != list.end();
}

std::vector<OpSupport> support_table() {
  const std::vector<std::string>& float_ops = exec::supported_ops();
  const std::vector<std::string> int8_ops = passes::int8_op_types();
  const std::vector<std::string> tflite_ops = tflite_format::lowered_op_types();
  std::set<std::string> all(float_ops.begin(), float_ops.end());
  all.insert(int8_ops.begin(), int8_ops.end());
  std::vector<OpSupport> table;
  for (const std::string& op : all) {
    const auto decomposed = passes::int8_decompositions().find(op);
    const std::string pass = decomposed == passes::int8_decompositions().end() ? "" : decomposed->second;
    table.push_back({op, contains(float_ops, op), contains(int8_ops, op) || !pass.empty(),
                     contains(tflite_ops, op) || !pass.empty(), passes::int4_op_type(op), pass});
  }
  return table;
}

void print_table() {
  std::printf("%-26s %-6s %-5s %-7s %s\n", "op", "float", "int8", "tflite", "4-bit weights");
  for (const OpSupport& s : support_table()) {
    const char* via = s.decomposed_by.empty() ? "yes" : "yes*";
    std::printf("%-26s %-6s %-5s %-7s %s\n", s.op.c_str(), s.float_kernel ? "yes" : "-", s.int8 ? via : "-",
                s.tflite ? via : "-", s.int4_weights ? "yes" : "-");
  }
  std::printf(
      "\nfloat: executed by tinyc's float kernels (run, the report's float side). int8: has an int8 form\n"
      "(conditions apply: a layer without one stays float between dequantize and quantize; the compress log\n"
      "names why). tflite: written as a TFLite builtin that TFLite Micro runs. Ops the folding passes remove\n"
      "(BatchNormalization, Dropout, Identity, Constant, shape arithmetic) need neither. 4-bit weights:\n"
      "--weight-bits 4 packs its weights as INT4 (not depthwise Conv with depth multiplier > 1).\n"
      "yes*: written first as ops that have an int8 form (HardSigmoid by decompose_hard_sigmoid; Gelu and\n"
      "LayerNormalization by decompose_for_int8, docs/ops.md gives the accuracy cost).\n");
  std::fflush(stdout);
}

void print_json() {
  nlohmann::json list = nlohmann::json::array();
  for (const OpSupport& s : support_table())
    list.push_back({{"op", s.op},
                    {"float", s.float_kernel},
                    {"int8", s.int8},
                    {"tflite", s.tflite},
                    {"int4_weights", s.int4_weights},
                    {"decomposed_by", s.decomposed_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.decomposed_by)}});
  std::cout << list.dump(2) << "\n";
}

}  // namespace

void add_ops_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "ops", "List the ONNX operators (default domain) tinyc runs in float, quantizes to int8 and writes to TFLite");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print the table as JSON");
  cmd->callback([json] { *json ? print_json() : print_table(); });
}

}  // namespace tinyc::cli

// `tinyc ops`: the support table agrees with the op tables it is built from.
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

using namespace tinyc::test;

TEST_CASE("tinyc ops lists each op's float, int8, TFLite and 4-bit weight support", "[ops]") {
  const auto r = run_tinyc({"ops", "--json"});
  REQUIRE(r.exit_code == 0);
  std::map<std::string, nlohmann::json> ops;
  for (const auto& entry : nlohmann::json::parse(r.out)) ops[entry["op"].get<std::string>()] = entry;
  REQUIRE(ops.size() > 50);
  const auto support = [&](const std::string& op) {
    const auto& e = ops.at(op);
    return std::vector<bool>{e["float"].get<bool>(), e["int8"].get<bool>(), e["tflite"].get<bool>(),
                             e["int4_weights"].get<bool>()};
  };
  CHECK(support("Conv") == std::vector<bool>{true, true, true, true});
  CHECK(support("Gemm") == std::vector<bool>{true, true, true, true});
  CHECK(support("Add") == std::vector<bool>{true, true, true, false});
  CHECK(support("ConvTranspose") == std::vector<bool>{true, true, false, false});
  CHECK(support("Exp") == std::vector<bool>{true, false, false, false});
  // Written as other ops before quantizing: int8 and TFLite through the pass that does it.
  CHECK(support("LayerNormalization") == std::vector<bool>{true, true, true, false});
  CHECK(ops.at("LayerNormalization")["decomposed_by"] == "decompose_for_int8");
  CHECK(ops.at("Gelu")["decomposed_by"] == "decompose_for_int8");
  CHECK(ops.at("HardSigmoid")["decomposed_by"] == "decompose_hard_sigmoid");
  CHECK(ops.at("Conv")["decomposed_by"].is_null());
  for (const auto& [op, e] : ops) {
    INFO(op);
    CHECK(e["float"] == true);  // nothing is quantized that tinyc cannot run in float
  }
  const auto text = run_tinyc({"ops"});
  CHECK(text.out.find("Softmax                    yes    yes   yes     -") != std::string::npos);
  CHECK(text.out.find("Gelu                       yes    yes*  yes*    -") != std::string::npos);
}

// `tinyc inspect model.tflite` end to end: the tables, --json, and one line + exit 2 on a bad file.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "apps/cli_runner.h"
#include "formats/tflite/emit.h"
#include "quantized_graphs.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::test;

TEST_CASE("inspect prints a .tflite file's operators and tensors") {
  TempDir dir;
  const auto path = dir.path() / "cnn.tflite";
  tflite_format::emit_tflite_file(*tflite_test::small_cnn(), path);
  const auto r = run_tinyc({"inspect", path.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("input:  input INT8 [1,6,6,2] scale") != std::string::npos);
  CHECK(r.out.find("CONV_2D") != std::string::npos);
  CHECK(r.out.find("metadata: OfflineMemoryAllocation = arena plan") != std::string::npos);

  const auto j = run_tinyc({"inspect", "--json", path.string()});
  REQUIRE(j.exit_code == 0);
  const auto json = nlohmann::json::parse(j.out);
  CHECK(json["operators"].size() == 4);
  CHECK(json["operators"][2]["op"] == "FULLY_CONNECTED");
  CHECK(json["operators"][2]["version"] == 4);
  CHECK(json["tensors"][json["inputs"][0].get<int>()]["shape"] == nlohmann::json::array({1, 6, 6, 2}));
}

TEST_CASE("inspect on a damaged .tflite file is one line, exit 2") {
  TempDir dir;
  write_bytes(dir.path() / "bad.tflite", "not a flatbuffer at all");
  const auto r = run_tinyc({"inspect", (dir.path() / "bad.tflite").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("not a valid .tflite file") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

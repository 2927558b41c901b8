// `tinyc inspect model.tflite` end to end: the tables, the arena and RAM, --json, and one line + exit 2 on a bad file.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "apps/cli_runner.h"
#include "formats/tflite/blob_memory.h"
#include "formats/tflite/emit.h"
#include "formats/tflite/tinyc_tflite_generated.h"
#include "quantized_graphs.h"
#include "tflite_file_builder.h"
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

TEST_CASE("inspect prints the blob's TFLite Micro arena and RAM, a file with several subgraphs is shown unplanned") {
  TempDir dir;
  const std::string bytes = tflite_format::emit_tflite_bytes(*tflite_test::small_cnn());
  write_bytes(dir.path() / "cnn.tflite", bytes);
  const tflite_format::BlobMemory m = tflite_format::blob_memory(bytes);
  const auto r = run_tinyc({"inspect", (dir.path() / "cnn.tflite").string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("TFLite Micro activation arena: " + std::to_string(m.arena_head_bytes) + " bytes (the file's plan)") !=
        std::string::npos);
  CHECK(r.out.find("RAM on a 32-bit MCU: " + std::to_string(m.ram_bytes()) + " bytes") != std::string::npos);
  const auto j = nlohmann::json::parse(run_tinyc({"inspect", "--json", (dir.path() / "cnn.tflite").string()}).out);
  CHECK(j["memory"]["lower_bound_bytes"] == m.lower_bound_bytes);
  CHECK(j["memory"]["ram_bytes_mcu"] == m.ram_bytes());

  std::unique_ptr<tflite_fb::ModelT> model(tflite_fb::GetModel(bytes.data())->UnPack());
  model->subgraphs.push_back(std::make_unique<tflite_fb::SubGraphT>());
  flatbuffers::FlatBufferBuilder builder;
  tflite_fb::FinishModelBuffer(builder, tflite_fb::Model::Pack(builder, model.get()));
  write_bytes(dir.path() / "two.tflite",
              std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize()));
  const auto two = run_tinyc({"inspect", (dir.path() / "two.tflite").string()});
  CHECK(two.exit_code == 0);
  CHECK(two.out.find("not planned (2 subgraphs") != std::string::npos);
}

TEST_CASE("inspect --json writes names that are not UTF-8 with U+FFFD instead of failing") {
  TempDir dir;
  const auto path = dir.path() / "latin1.tflite";
  tflite_test::TfliteFileBuilder b;
  const int32_t x = b.int8("caf\xe9", {1, 4}, 0.1f, 0);  // "café" in Latin-1
  const int32_t y = b.int8("y", {1, 4}, 0.1f, 0);
  b.op(static_cast<int32_t>(tflite_fb::BuiltinOperator::RELU), {x}, {y});
  b.interface({x}, {y});
  write_bytes(path, b.bytes());
  const auto r = run_tinyc({"inspect", "--json", path.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto json = nlohmann::json::parse(r.out);
  CHECK(json["tensors"][0]["name"] == "caf\xef\xbf\xbd");
}

TEST_CASE("inspect prints control characters in names as '?', never raw terminal escapes") {
  TempDir dir;
  const auto path = dir.path() / "escapes.tflite";
  tflite_test::TfliteFileBuilder b;
  const int32_t x = b.int8("x\x1b[2J\nfake", {1, 4}, 0.1f, 0);
  const int32_t y = b.int8("y", {1, 4}, 0.1f, 0);
  b.op(static_cast<int32_t>(tflite_fb::BuiltinOperator::RELU), {x}, {y});
  b.interface({x}, {y});
  write_bytes(path, b.bytes());
  const auto r = run_tinyc({"inspect", path.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK(r.out.find("x?[2J?fake") != std::string::npos);
}

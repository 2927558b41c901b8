// Reading .tflite files back: the summary of an emitted model, and no crash on damaged files.
#include <catch2/catch.hpp>

#include <set>

#include "formats/tflite/emit.h"
#include "formats/tflite/read.h"
#include "quantized_graphs.h"
#include "support/test_support.h"
#include "tflite_test_util.h"

using namespace tinyc;
using Catch::Matchers::Contains;
using tflite_format::read_tflite_bytes;
using tflite_test::emit_named;

TEST_CASE("the reader summarizes an emitted model: ops, versions, tensors, quantization, sizes") {
  const std::string bytes = emit_named(*tflite_test::small_cnn());
  const tflite_format::TfliteSummary s = read_tflite_bytes(bytes);
  CHECK(s.schema_version == 3);
  CHECK(s.file_bytes == bytes.size());
  REQUIRE(s.operators.size() == 4);
  CHECK(s.operators[0].op == "CONV_2D");
  CHECK(s.operators[0].builtin_code == 3);
  CHECK(s.operators[0].version == 3);
  CHECK(s.operators[2].op == "FULLY_CONNECTED");
  CHECK(s.operators[2].version == 4);
  REQUIRE(s.inputs.size() == 1);
  const tflite_format::TensorSummary& in = s.tensors[static_cast<size_t>(s.inputs[0])];
  CHECK(in.name == "input");
  CHECK(in.type == "INT8");
  CHECK(in.shape == std::vector<int32_t>{1, 6, 6, 2});
  CHECK(in.zero_point == std::vector<int64_t>{-128});
  const tflite_format::TensorSummary& w = s.tensors[static_cast<size_t>(s.operators[0].inputs[1])];
  CHECK(w.name == "conv.weight");
  CHECK(w.data_bytes == 72);
  CHECK(w.scale.size() == 4);
  CHECK(w.quantized_dimension == 0);
  const tflite_format::TensorSummary& fc = s.tensors[static_cast<size_t>(s.operators[2].inputs[1])];
  CHECK(fc.data_bytes == 180);
  // weights 72 + 180, biases 16 + 20, the arena plan: 3 header words + 1 word per tensor
  CHECK(s.constant_bytes == 72 + 180 + 16 + 20 + 4 * (3 + s.tensors.size()));
  // tinyc stores each distinct scale and zero point list once; the reader counts stored lists.
  std::set<std::vector<float>> scales;
  std::set<std::vector<int64_t>> zero_points;
  for (const auto& t : s.tensors) {
    if (!t.scale.empty()) scales.insert(t.scale);
    if (!t.zero_point.empty()) zero_points.insert(t.zero_point);
  }
  size_t list_bytes = 0;
  for (const auto& list : scales) list_bytes += 4 * list.size();
  for (const auto& list : zero_points) list_bytes += 8 * list.size();
  CHECK(zero_points.size() < s.tensors.size());
  CHECK(s.quantization_bytes == list_bytes);
  REQUIRE(s.metadata.size() == 1);
  CHECK(s.metadata[0].first == "OfflineMemoryAllocation");
  CHECK(s.metadata[0].second == "arena plan, " + std::to_string(s.tensors.size()) + " tensor offsets");
}

TEST_CASE("garbage, a wrong identifier and truncated files are InputErrors, never crashes") {
  const std::string bytes = emit_named(*tflite_test::small_cnn());
  for (const std::string& damaged :
       {std::string(), std::string("hello"), std::string(4096, '\x7f'), bytes.substr(0, bytes.size() / 2),
        bytes.substr(0, 12), std::string(bytes).replace(4, 4, "TFL2")}) {
    INFO("damaged file of " << damaged.size() << " bytes");
    CHECK_THAT(test::input_error_of([&] { read_tflite_bytes(damaged); }), Contains("not a valid .tflite file"));
  }
}

TEST_CASE("single corrupted bytes are either read or refused with an InputError") {
  const std::string bytes = emit_named(*tflite_test::small_cnn());
  int refused = 0;
  for (size_t pos = 0; pos < bytes.size(); pos += 7) {
    std::string damaged = bytes;
    damaged[pos] = static_cast<char>(damaged[pos] ^ 0x5a);
    try {
      read_tflite_bytes(damaged);
    } catch (const InputError& e) {
      ++refused;
      CHECK_THAT(e.what(), Contains("not a valid .tflite file"));
    }
  }
  CHECK(refused > 0);
}

TEST_CASE("read_tflite_file reports a missing file") {
  CHECK_THAT(test::input_error_of([] { tflite_format::read_tflite_file("/nonexistent/model.tflite"); }),
             Contains("does not exist"));
}

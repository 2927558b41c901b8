// The C array writer: the bytes survive the trip through hex text, and C and C++ compilers accept it.
#include <catch2/catch.hpp>

#include <tuple>

#include <regex>

#include "formats/tflite/c_array.h"
#include "formats/tflite/emit.h"
#include "ir/version.h"
#include "quantized_graphs.h"
#include "support/test_support.h"

using namespace tinyc;
using Catch::Matchers::Contains;

namespace {

std::string hex_bytes_of(const std::string& source) {
  std::string bytes;
  const std::regex hex("0x([0-9a-f]{2}),");
  for (auto it = std::sregex_iterator(source.begin(), source.end(), hex); it != std::sregex_iterator(); ++it)
    bytes.push_back(static_cast<char>(std::stoi((*it)[1].str(), nullptr, 16)));
  return bytes;
}

}  // namespace

TEST_CASE("the C array holds exactly the model bytes, aligned, with its length and a guard") {
  const std::string model = tflite_format::emit_tflite_bytes(*tflite_test::small_cnn());
  test::TempDir dir;
  const auto header = dir.path() / "model_data.h";
  tflite_format::write_c_array_file(header, model, "small_cnn.onnx");
  const std::string source = test::read_bytes(header);
  CHECK(hex_bytes_of(source) == model);
  CHECK_THAT(source, Contains("alignas(16) TINYC_MODEL_DATA_LINKAGE const unsigned char model_data[] = {"));
  CHECK_THAT(source, Contains("const unsigned int model_data_len = " + std::to_string(model.size()) + ";"));
  CHECK_THAT(source, Contains("#ifndef TINYC_MODEL_DATA_H_") && Contains("#define TINYC_MODEL_DATA_H_"));
  CHECK_THAT(source, Contains("small_cnn.onnx") && Contains(std::string("tinyc ") + kVersion));
  CHECK(source == tflite_format::c_array_source(model, "model_data", "small_cnn.onnx"));
}

TEST_CASE("array names are C identifiers made from the header's file name") {
  CHECK(tflite_format::c_array_name("out/model_data.h") == "model_data");
  CHECK(tflite_format::c_array_name("kws-model.v2.h") == "kws_model_v2");
  CHECK(tflite_format::c_array_name("8bit.h") == "model_8bit");
  CHECK(tflite_format::c_array_name("_private.h") == "model__private");
  CHECK(tflite_format::c_array_name("int.h") == "int_model");
  CHECK(tflite_format::c_array_name("class.h") == "class_model");
}

TEST_CASE("the header compiles as C++ and as C11, twice included") {
  const std::string model = tflite_format::emit_tflite_bytes(*tflite_test::small_cnn());
  test::TempDir dir;
  tflite_format::write_c_array_file(dir.path() / "model_data.h", model, "small_cnn");
  for (const auto& [compiler, std] : {std::pair<std::string, std::string>{"c++", "-std=c++17"}, {"cc", "-std=c11"}}) {
    const auto main = dir.path() / (compiler == "cc" ? "main.c" : "main.cc");
    test::write_bytes(main,
                      "#include \"model_data.h\"\n#include \"model_data.h\"\n"
                      "int main(void) { return model_data_len == sizeof(model_data) ? 0 : 1; }\n");
    const auto r = test::run_command({compiler, std, "-Wall", "-Werror", "-fsyntax-only", main.string()});
    INFO(compiler << ": " << r.err);
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("two files that include the header link into one program, in C and in C++17") {
  const std::string model = tflite_format::emit_tflite_bytes(*tflite_test::small_cnn());
  test::TempDir dir;
  tflite_format::write_c_array_file(dir.path() / "model_data.h", model, "small_cnn");
  for (const auto& [compiler, std, ext] : {std::tuple<std::string, std::string, std::string>{"c++", "-std=c++17", ".cc"},
                                           {"cc", "-std=c11", ".c"}}) {
    const auto first = dir.path() / ("first" + ext);
    const auto second = dir.path() / ("second" + ext);
    test::write_bytes(first, "#include \"model_data.h\"\nunsigned int size_in_first(void) { return model_data_len; }\n");
    test::write_bytes(second, "#include \"model_data.h\"\nunsigned int size_in_first(void);\n"
                              "int main(void) { return size_in_first() == sizeof(model_data) ? 0 : 1; }\n");
    const auto program = dir.path() / ("program" + ext + ".out");
    const auto build = test::run_command({compiler, std, "-Wall", "-Werror", first.string(), second.string(), "-o", program.string()});
    INFO(compiler << ": " << build.err);
    REQUIRE(build.exit_code == 0);
    CHECK(test::run_command({program.string()}).exit_code == 0);
  }
}

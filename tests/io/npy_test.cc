// .npy reading and writing: the shared corpus, hand-written header variants, error cases, fuzzing,
// and write->read round trips for every dtype.
#include "io/npy.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <random>
#include <tuple>

#include "ir/error.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::ir;
using namespace tinyc::io;
using namespace tinyc::test;
namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> to_bytes(std::string_view s) { return {s.begin(), s.end()}; }

// .npy bytes with `header` used verbatim (no padding added), so tests control every header byte.
std::vector<uint8_t> npy_file(int major, std::string_view header, std::string_view data) {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const size_t length_bytes = major == 1 ? 2 : 4;
  for (size_t i = 0; i < length_bytes; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  out += header;
  out += data;
  return to_bytes(out);
}

// Six little-endian float32 values 1..6: the data of a 2x3 '<f4' array.
std::string six_floats() {
  std::string data;
  for (float v : {1.f, 2.f, 3.f, 4.f, 5.f, 6.f}) data.append(reinterpret_cast<const char*>(&v), 4);
  return data;
}

std::string decode_error(int major, std::string_view header, std::string_view data = "") {
  return input_error_of([&] { decode_npy(npy_file(major, header, data), "x.npy"); });
}

Tensor decode(int major, std::string_view header, std::string_view data) {
  return decode_npy(npy_file(major, header, data), "x.npy");
}

int64_t count_correct_top1(const Tensor& logits, const Tensor& labels) {
  const auto out = logits.values<float>();
  const auto truth = labels.values<int64_t>();
  const auto classes = static_cast<size_t>(logits.shape()[1]);
  int64_t correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    const auto row = out.subspan(i * classes, classes);
    correct += std::max_element(row.begin(), row.end()) - row.begin() == truth[i] ? 1 : 0;
  }
  return correct;
}

}  // namespace

TEST_CASE("corpus data files have the manifest's shapes and dtypes") {
  const nlohmann::json& data = corpus_manifest().at("data");
  REQUIRE(data.size() == 8);
  for (const auto& [name, facts] : data.items()) {
    INFO(name);
    const Tensor t = read_npy(corpus_dir() / "data" / name);
    CHECK(t.shape() == facts["shape"].get<Shape>());
    CHECK(dtype_name(t.dtype()) == facts["dtype"].get<std::string>());
    // Every corpus file has a 128-byte header (numpy pads it to a multiple of 64).
    CHECK(t.byte_size() + 128 == facts["bytes"].get<size_t>());
  }
}

TEST_CASE("corpus labels and images hold the documented values") {
  const Tensor labels = read_npy(corpus_dir() / "data/fmnist_test_2k_labels.npy");
  std::array<int, 10> per_class{};
  for (int64_t label : labels.values<int64_t>()) ++per_class.at(static_cast<size_t>(label));
  CHECK(per_class == std::array<int, 10>{200, 203, 214, 190, 219, 195, 197, 200, 194, 188});
  // The official Fashion-MNIST test file starts with: ankle boot, pullover, trouser, trouser, shirt, ...
  const auto first = labels.values<int64_t>().first(10);
  CHECK(std::vector<int64_t>(first.begin(), first.end()) == std::vector<int64_t>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7});

  // Images are uint8 pixels / 255 (Fashion-MNIST) and pixels 0..16 / 16 (digits).
  for (const auto& [file, levels, tolerance] :
       {std::tuple{"data/fmnist_test_2k.npy", 255.0, 1e-4}, std::tuple{"data/digits_test.npy", 16.0, 0.0}}) {
    INFO(file);
    const Tensor images = read_npy(corpus_dir() / file);
    double worst = 0, lo = 1, hi = 0;
    for (float v : images.values<float>()) {
      lo = std::min<double>(lo, v);
      hi = std::max<double>(hi, v);
      worst = std::max(worst, std::abs(v * levels - std::round(v * levels)));
    }
    CHECK(lo == 0.0);
    CHECK(hi == 1.0);
    CHECK(worst <= tolerance);
  }
}

TEST_CASE("corpus reference outputs reproduce the README's metrics") {
  const Tensor fmnist_labels = read_npy(corpus_dir() / "data/fmnist_test_2k_labels.npy");
  const Tensor digits_labels = read_npy(corpus_dir() / "data/digits_test_labels.npy");
  const auto correct = [](const std::string& ref, const Tensor& labels) {
    return count_correct_top1(read_npy(corpus_dir() / "ref" / ref), labels);
  };
  CHECK(correct("fmnist_mlp.fmnist_test_2k.output.npy", fmnist_labels) == 1815);
  CHECK(correct("fmnist_cnn_bn.fmnist_test_2k.output.npy", fmnist_labels) == 1856);
  CHECK(correct("digits_cnn.digits_test.output.npy", digits_labels) == 788);

  // Autoencoder: mean anomaly score of classes 0-4 is 0.01241, of classes 5-9 is 0.04908.
  const Tensor scores = read_npy(corpus_dir() / "ref/fmnist_autoencoder.fmnist_test_2k.score.npy");
  REQUIRE(scores.shape() == Shape{2000});
  double sum[2] = {0, 0};
  int count[2] = {0, 0};
  for (size_t i = 0; i < 2000; ++i) {
    const int anomaly = fmnist_labels.values<int64_t>()[i] >= 5;
    sum[anomaly] += scores.values<float>()[i];
    ++count[anomaly];
  }
  CHECK(sum[0] / count[0] == Approx(0.01241).margin(5e-6));
  CHECK(sum[1] / count[1] == Approx(0.04908).margin(5e-6));
}

TEST_CASE("header variants numpy and other writers produce are read") {
  const std::vector<float> expected{1, 2, 3, 4, 5, 6};
  const auto check_2x3 = [&](const Tensor& t) {
    CHECK(t.shape() == Shape{2, 3});
    CHECK(std::vector<float>(t.values<float>().begin(), t.values<float>().end()) == expected);
  };
  // numpy's own layout: padded with spaces, newline last.
  std::string numpy_header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  numpy_header += std::string(128 - 10 - numpy_header.size() - 1, ' ') + "\n";
  check_2x3(decode(1, numpy_header, six_floats()));
  // Format 2.0 with shuffled keys, double quotes, tabs, newlines and trailing commas everywhere.
  check_2x3(decode(2, "  {\"shape\" :( 2 ,\t3 , ) ,\n 'descr':\"<f4\",'fortran_order'  :False,}\n", six_floats()));
  // Format 3.0 (utf-8 header), no trailing comma, no padding.
  check_2x3(decode(3, "{'fortran_order': False, 'shape': (2, 3), 'descr': '<f4'}", six_floats()));
  // Python 2 era long suffix.
  check_2x3(decode(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }\n", six_floats()));

  const Tensor scalar =
      decode(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n", std::string("\0\0\0\0\0\0\xf8\x3f", 8));
  CHECK(scalar.shape().empty());
  CHECK(scalar.values<double>()[0] == 1.5);
  const Tensor empty = decode(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (0, 3), }\n", "");
  CHECK(empty.shape() == Shape{0, 3});
  CHECK(empty.num_elements() == 0);
  const Tensor bools =
      decode(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n", std::string("\1\0\1", 3));
  CHECK(bools.dtype() == DType::Bool);
  CHECK(bools.to_int64() == std::vector<int64_t>{1, 0, 1});
  const Tensor bytes = decode(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }\n", "\xff\x7f");
  CHECK(bytes.to_int64() == std::vector<int64_t>{-1, 127});
}

TEST_CASE("unreadable .npy content is an InputError naming the file and the problem") {
  const std::string fortran =
      decode_error(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", six_floats());
  CHECK(fortran == "x.npy is stored in Fortran order; save it with np.ascontiguousarray");
  const std::string big = decode_error(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", six_floats());
  CHECK(big == "x.npy has big-endian dtype '>f4'; convert it with arr.astype('<f4')");
  for (const std::string descr : {"<U8", "|O", "<M8[ns]", "<c8", "<f16", "", "f4"}) {
    INFO(descr);
    const std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }";
    const std::string msg = decode_error(1, header, "12345678");
    CHECK_THAT(msg, Catch::StartsWith("x.npy has unsupported dtype '" + descr + "'"));
  }
  const std::string structured =
      decode_error(1, "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", "12345678");
  CHECK_THAT(structured, Catch::Contains("unsupported dtype '[('a', '<f4'), ('b', '<i4')]'"));

  CHECK_THAT(decode_error(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", "123"),
             Catch::Contains("x.npy is truncated: its header promises 24 bytes of data, found 3"));
  // A shape promising terabytes must be reported as truncated, not allocated.
  CHECK_THAT(decode_error(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }"),
             Catch::Contains("truncated"));
  CHECK_THAT(decode_error(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }"),
             Catch::Contains("negative dimension"));
  CHECK_THAT(decode_error(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }"),
             Catch::Contains("too large for a 64-bit integer"));
  CHECK_THAT(decode_error(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"),
             Catch::Contains("too large to hold in memory"));
  CHECK_THAT(decode_error(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", "\1\2"),
             Catch::Contains("neither 0 nor 1"));

  for (const std::string header :
       {"{'descr': '<f4', 'fortran_order': False}",                                 // no shape
        "{'descr': '<f4', 'shape': (1,)}",                                          // no fortran_order
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",      // unknown key
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",  // repeated key
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",                      // not a bool
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk",             // text after the dict
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,),, }",               // empty entry
        "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",                   // broken quotes
        "{'descr': ((((, 'fortran_order': False, 'shape': (1,)}",                   // unbalanced
        "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",                   // list, not tuple
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}",                // not an int
        "", "{", "}", "(1,)"}) {
    INFO(header);
    CHECK_THAT(decode_error(1, header, "1234"), Catch::StartsWith("x.npy has a malformed .npy header"));
  }

  CHECK(input_error_of([] { decode_npy(to_bytes("PK\3\4 not numpy"), "x.npy"); }) ==
        "x.npy is not a .npy file (it lacks the NumPy magic bytes); save it with np.save");
  CHECK_THAT(decode_error(4, "{}"), Catch::Contains("format version 4.0"));
  std::vector<uint8_t> huge_header = npy_file(2, "{}", "");
  huge_header[11] = 0x10;  // declares a 256 MiB header
  CHECK_THAT(input_error_of([&] { decode_npy(huge_header, "x.npy"); }), Catch::Contains("too large to be real"));
}

TEST_CASE("read_npy reports missing and unreadable files") {
  const TempDir dir;
  const fs::path missing = dir.path() / "x.npy";
  CHECK(input_error_of([&] { read_npy(missing); }) == "data file '" + missing.string() + "' does not exist");
  CHECK(input_error_of([&] { read_npy(dir.path()); }) ==
        "data file '" + dir.path().string() + "' is a folder, not a file");
  CHECK(input_error_of([] { read_npy("/dev/null"); }) == "data file '/dev/null' is not a regular file");
}

TEST_CASE("every proper prefix of a valid .npy is rejected") {
  const Tensor t = Tensor::from_vector<int16_t>({2, 3}, {1, -2, 3, -4, 5, -6});
  const std::string full = encode_npy(t, "x.npy");
  const std::vector<uint8_t> bytes = to_bytes(full);
  for (size_t n = 0; n < bytes.size(); ++n) {
    INFO(n);
    CHECK_THROWS_AS(decode_npy(std::span(bytes).first(n), "x.npy"), InputError);
  }
  // The same through files, which read_npy reads in pieces.
  const TempDir dir;
  for (size_t n = 0; n <= bytes.size(); ++n) {
    INFO(n);
    const fs::path file = dir.path() / ("p" + std::to_string(n) + ".npy");
    write_bytes(file, std::string_view(full).substr(0, n));
    if (n < bytes.size())
      CHECK_THROWS_AS(read_npy(file), InputError);
    else
      CHECK(read_npy(file) == t);
  }
}

TEST_CASE("random and mutated bytes never crash the .npy reader") {
  std::mt19937 rng(1234);
  const auto byte = [&] { return static_cast<uint8_t>(rng() & 0xff); };
  // Noise alone, behind a valid magic and version, and as the header text of a well-formed preamble.
  for (int i = 0; i < 3000; ++i) {
    std::string noise(rng() % 200, '\0');
    for (char& c : noise) c = static_cast<char>(byte());
    std::vector<uint8_t> file = to_bytes(noise);
    if (i % 3 == 1) {
      const std::vector<uint8_t> magic = npy_file(1 + i % 2, "", "");
      file.insert(file.begin(), magic.begin(), magic.begin() + 8);
    } else if (i % 3 == 2) {
      file = npy_file(1, noise, "");
    }
    CHECK_THROWS_AS(decode_npy(file, "x.npy"), InputError);
  }
  // Token soup from the header's own vocabulary reaches deep into the parser.
  const std::array<std::string_view, 16> tokens = {
      "{",     "}",    "(",     ")", "[", ",", ":", "'descr'", "'shape'", "'fortran_order'",
      "'<f4'", "True", "False", "7", " ", "'"};
  for (int i = 0; i < 3000; ++i) {
    std::string header;
    for (unsigned n = rng() % 24; n > 0; --n) header += tokens[rng() % tokens.size()];
    try {
      decode_npy(npy_file(1, header, six_floats()), "x.npy");
    } catch (const InputError&) {
    }
  }
  // Valid files with a few bytes overwritten; a result or an InputError are both fine.
  const std::vector<uint8_t> valid = to_bytes(encode_npy(Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6}), ""));
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> mutated = valid;
    for (unsigned n = 1 + rng() % 3; n > 0; --n) mutated[rng() % mutated.size()] = byte();
    try {
      decode_npy(mutated, "x.npy");
    } catch (const InputError&) {
    }
  }
}

TEST_CASE("write_npy round-trips every dtype with numpy's header layout") {
  const TempDir dir;
  Tensor half(DType::Float16, {3});
  const uint8_t half_bits[] = {0x00, 0x3c, 0x00, 0xc0, 0x00, 0x7c};  // 1.0, -2.0, +inf
  std::copy(std::begin(half_bits), std::end(half_bits), half.mutable_bytes().begin());
  Tensor bools(DType::Bool, {2, 2});
  bools.mutable_bytes()[1] = bools.mutable_bytes()[2] = 1;
  const std::vector<std::pair<Tensor, std::string>> cases = {
      {Tensor::from_vector<float>({2, 3}, {1.5f, -2.f, 0.f, 1e-30f, 3e38f, -0.f}), "<f4"},
      {Tensor::from_vector<double>({2}, {3.141592653589793, -1e300}), "<f8"},
      {Tensor::from_vector<uint8_t>({4}, {0, 1, 128, 255}), "|u1"},
      {Tensor::from_vector<int8_t>({1, 1, 3}, {-128, 0, 127}), "|i1"},
      {Tensor::from_vector<int16_t>({2}, {-32768, 32767}), "<i2"},
      {Tensor::from_vector<uint16_t>({2}, {0, 65535}), "<u2"},
      {Tensor::from_vector<int32_t>({2}, {INT32_MIN, INT32_MAX}), "<i4"},
      {Tensor::from_vector<uint32_t>({1}, {UINT32_MAX}), "<u4"},
      {Tensor::from_vector<int64_t>({2}, {INT64_MIN, INT64_MAX}), "<i8"},
      {Tensor::from_vector<uint64_t>({1}, {UINT64_MAX}), "<u8"},
      {half, "<f2"},
      {bools, "|b1"},
      {Tensor::scalar<float>(42.f), "<f4"},
      {Tensor(DType::Int32, {0, 5}), "<i4"},
  };
  for (const auto& [t, descr] : cases) {
    INFO(descr << " " << shape_to_string(t.shape()));
    const fs::path file = dir.path() / "t.npy";
    write_npy(file, t);
    CHECK(read_npy(file) == t);

    const std::string bytes = read_bytes(file);
    REQUIRE(bytes.size() > 10);
    CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\1\0", 8));
    const size_t data_offset = 10 + static_cast<uint8_t>(bytes[8]) + 256 * static_cast<uint8_t>(bytes[9]);
    CHECK(data_offset % 64 == 0);
    CHECK(data_offset + t.byte_size() == bytes.size());
    CHECK(bytes[data_offset - 1] == '\n');
    std::string shape = "(";
    for (size_t i = 0; i < t.shape().size(); ++i) shape += (i ? ", " : "") + std::to_string(t.shape()[i]);
    shape += t.shape().size() == 1 ? ",)" : ")";
    CHECK_THAT(bytes.substr(10),
               Catch::StartsWith("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }   "));
  }
  // Only t.npy is left: no temp files.
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("write_npy switches to format 2.0 only when the header outgrows 64 KiB") {
  const Tensor t(DType::UInt8, Shape(30000, 1));  // 30000 dims of 1: a ~90 KB shape tuple
  const std::string bytes = encode_npy(t, "x.npy");
  CHECK(bytes[6] == 2);
  const size_t header =
      static_cast<uint8_t>(bytes[8]) | static_cast<uint8_t>(bytes[9]) << 8 | static_cast<uint8_t>(bytes[10]) << 16;
  CHECK((12 + header) % 64 == 0);
  CHECK(decode_npy(to_bytes(bytes), "x.npy") == t);
}

TEST_CASE("write_npy refuses what .npy cannot hold and missing folders") {
  const TempDir dir;
  CHECK_THAT(input_error_of([&] { write_npy(dir.path() / "s.npy", Tensor(DType::String, {1})); }),
             Catch::Contains("cannot write string tensor"));
  CHECK_THAT(input_error_of([&] { write_npy(dir.path() / "no_such_folder" / "x.npy", Tensor::scalar<float>(1)); }),
             Catch::Contains("does not exist"));
  CHECK(!fs::exists(dir.path() / "s.npy"));
}

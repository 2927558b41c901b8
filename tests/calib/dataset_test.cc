// Data sets: one .npy, or a folder of .npy files concatenated along dim 0 in file-name order, with
// clear errors for an empty folder and for files that disagree.
#include "io/dataset.h"

#include <catch2/catch.hpp>

#include "io/npy.h"
#include "support/test_support.h"

using namespace tinyc;

namespace {

ir::Tensor rows_of(ir::Shape shape, float first) {
  ir::Tensor t(ir::DType::Float32, std::move(shape));
  float v = first;
  for (float& x : t.mutable_values<float>()) x = v++;
  return t;
}

}  // namespace

TEST_CASE("a folder of .npy files is stacked along dim 0 in file-name order") {
  test::TempDir dir;
  io::write_npy(dir.path() / "b.npy", rows_of({1, 3}, 100));
  io::write_npy(dir.path() / "a.npy", rows_of({2, 3}, 0));
  test::write_bytes(dir.path() / "notes.txt", "ignored");
  const ir::Tensor t = io::read_dataset(dir.path());
  REQUIRE(t.shape() == ir::Shape{3, 3});
  const auto v = t.values<float>();
  CHECK(v[0] == 0);
  CHECK(v[5] == 5);
  CHECK(v[6] == 100);
  CHECK(io::read_dataset(dir.path() / "b.npy").shape() == ir::Shape{1, 3});
}

TEST_CASE("data folders that cannot be stacked are input errors") {
  test::TempDir empty;
  CHECK(test::input_error_of([&] { io::read_dataset(empty.path()); }).find("no .npy file") != std::string::npos);

  test::TempDir shapes;
  io::write_npy(shapes.path() / "0.npy", rows_of({2, 3}, 0));
  io::write_npy(shapes.path() / "1.npy", rows_of({2, 4}, 0));
  const std::string message = test::input_error_of([&] { io::read_dataset(shapes.path()); });
  CHECK(message.find("'1.npy'") != std::string::npos);
  CHECK(message.find("'0.npy'") != std::string::npos);
  CHECK(message.find("shape 4") != std::string::npos);

  test::TempDir dtypes;
  io::write_npy(dtypes.path() / "0.npy", rows_of({2, 3}, 0));
  io::write_npy(dtypes.path() / "1.npy", ir::Tensor(ir::DType::Int32, {1, 3}));
  CHECK(test::input_error_of([&] { io::read_dataset(dtypes.path()); }).find("int32") != std::string::npos);

  test::TempDir scalars;
  io::write_npy(scalars.path() / "0.npy", ir::Tensor::scalar<float>(1.0f));
  CHECK(test::input_error_of([&] { io::read_dataset(scalars.path()); }).find("scalar") != std::string::npos);
}

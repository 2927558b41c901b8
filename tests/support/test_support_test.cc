// The shared test helpers themselves: arguments reach the program verbatim, exit codes and both
// streams come back, temp folders are distinct and cleaned up, InputError messages are returned.
#include <catch2/catch.hpp>

#include "ir/error.h"
#include "support/test_support.h"

using namespace tinyc::test;

TEST_CASE("run_command passes every argument verbatim and captures both streams") {
  const std::string tricky = "it's $HOME `x` \"q\" *";
  const CommandResult r = run_command({"sh", "-c", "printf '%s|' \"$@\"; echo oops >&2; exit 3", "sh", tricky, ""});
  CHECK(r.exit_code == 3);
  CHECK(r.out == tricky + "||");
  CHECK(r.err == "oops\n");
  CHECK(run_command({"no-such-program-tinyc"}).exit_code == 127);
}

TEST_CASE("TempDir gives distinct folders and removes them with their contents") {
  std::filesystem::path kept;
  {
    const TempDir a, b;
    CHECK(a.path() != b.path());
    CHECK(std::filesystem::is_directory(a.path()));
    write_bytes(a.path() / "f.bin", std::string("\0\xff", 2));
    CHECK(read_bytes(a.path() / "f.bin") == std::string("\0\xff", 2));
    kept = a.path();
  }
  CHECK(!std::filesystem::exists(kept));
}

TEST_CASE("input_error_of returns the InputError message") {
  CHECK(input_error_of([] { throw tinyc::InputError("bad input"); }) == "bad input");
}

TEST_CASE("corpus helpers find the manifest's models") {
  CHECK(corpus_manifest().at("models").size() == 7);
  CHECK(corpus_model_path("digits_mlp") == corpus_dir() / "models/digits_mlp.onnx");
  CHECK(std::filesystem::is_regular_file(corpus_model_path("digits_mlp")));
}

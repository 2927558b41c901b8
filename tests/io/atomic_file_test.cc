// write_file_atomically: the whole file or nothing, a clear refusal for folders, and no way for a
// planted link to redirect the write.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "io/atomic_file.h"
#include "support/test_support.h"

using namespace tinyc;
using Catch::Matchers::Contains;

namespace fs = std::filesystem;

namespace {

size_t entries_in(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("write_file_atomically replaces the file whole and leaves no temp file") {
  test::TempDir dir;
  const fs::path out = dir.path() / "out.bin";
  io::write_file_atomically(out, "first version");
  io::write_file_atomically(out, "second");
  CHECK(test::read_bytes(out) == "second");
  CHECK(entries_in(dir.path()) == 1);
  // Permissions follow the umask like any new file, not mkstemp's 0600.
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  CHECK((st.st_mode & 0777) == (0666 & ~mask));
}

TEST_CASE("write_file_atomically refuses a folder, a missing folder, and never writes through a planted link") {
  test::TempDir dir;
  SECTION("the output is a folder") {
    CHECK_THAT(test::input_error_of([&] { io::write_file_atomically(dir.path(), "x"); }), Contains("it is a folder"));
  }
  SECTION("the folder does not exist") {
    CHECK_THAT(test::input_error_of([&] { io::write_file_atomically(dir.path() / "no" / "out.bin", "x"); }),
               Contains("does not exist"));
  }
  SECTION("links at every name the old temp scheme used point at a victim file, which stays as it was") {
    const fs::path victim = dir.path() / "victim.txt";
    test::write_bytes(victim, "precious");
    const fs::path out = dir.path() / "out.bin";
    fs::create_symlink(victim, dir.path() / (".out.bin.tmp" + std::to_string(::getpid())));
    io::write_file_atomically(out, "new data");
    CHECK(test::read_bytes(victim) == "precious");
    CHECK(test::read_bytes(out) == "new data");
  }
}

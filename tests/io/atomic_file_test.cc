// write_file_atomically: the whole file or nothing, a clear refusal for folders, and no way for a
// planted link to redirect the write.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>

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

TEST_CASE("abandon_atomic_writes removes the temp file of a write in progress and holds later writes") {
  test::TempDir dir;
  // In a child process, because abandoning is for good: the interrupt path exits right after it.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const std::string big(size_t{512} << 20, 'x');  // long enough to be caught mid-write
    std::thread([&] { io::write_file_atomically(dir.path() / "out.bin", big); }).detach();
    while (entries_in(dir.path()) == 0) ::usleep(20);
    const size_t removed = io::abandon_atomic_writes();
    ::usleep(200'000);  // the writer, done writing, now waits for the lock forever: no rename
    ::_exit(removed == 1 && entries_in(dir.path()) == 0 ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(entries_in(dir.path()) == 0);
}

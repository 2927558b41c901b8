// Shared test helpers (see test_support.h).
#include "support/test_support.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "ir/error.h"

namespace tinyc::test {

namespace fs = std::filesystem;

namespace {

// Wraps `word` in single quotes so /bin/sh passes it on unchanged; each ' inside becomes '\''.
std::string shell_quote(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) quoted += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "tinyc_test_XXXXXX").string();
  INFO("creating a temp folder from " << pattern);
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  INFO("reading " << path.string());
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  INFO("writing " << path.string());
  REQUIRE(out.good());
}

std::string input_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("expected an InputError, got another exception: " << e.what());
  }
  FAIL("expected an InputError, nothing was thrown");
  return "";
}

fs::path corpus_dir() { return TINYC_CORPUS_DIR; }

const nlohmann::json& corpus_manifest() {
  static const nlohmann::json manifest = nlohmann::json::parse(read_bytes(corpus_dir() / "manifest.json"));
  return manifest;
}

fs::path corpus_model_path(const std::string& name) {
  return corpus_dir() / corpus_manifest().at("models").at(name).at("file").get<std::string>();
}

CommandResult run_command(const std::vector<std::string>& argv, const fs::path& working_dir) {
  REQUIRE(!argv.empty());
  const TempDir streams;
  const fs::path out = streams.path() / "stdout", err = streams.path() / "stderr";
  std::string command = working_dir.empty() ? "" : "cd " + shell_quote(working_dir.string()) + " && ";
  for (const std::string& word : argv) command += shell_quote(word) + " ";
  command += "</dev/null >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_bytes(out);
  result.err = read_bytes(err);
  return result;
}

}  // namespace tinyc::test

// Checking that an output file's folder exists and takes new files.
#include "output_folder.h"

#include "io/atomic_file.h"
#include "ir/error.h"

namespace tinyc::cli {

void check_output_folder(const std::filesystem::path& path, const std::string& option) {
  if (path.empty()) return;
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw InputError(option + " " + path.string() + ": folder '" + dir.string() + "' does not exist");
  io::check_can_create_beside(path, option);
}

namespace {

// The file a path names, links resolved, for comparing paths that may not exist yet.
std::filesystem::path resolved(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  return ec ? std::filesystem::absolute(path) : p;
}

}  // namespace

void check_outputs_apart(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    const NamedPath& out = outputs[i];
    if (out.path.empty()) continue;
    for (const NamedPath& in : inputs) {
      std::error_code ec;
      if (!in.path.empty() && std::filesystem::equivalent(out.path, in.path, ec))
        throw InputError(out.option + " " + out.path.string() + " is the " + in.option + " file; writing it would "
                         "replace that input: choose another output path");
    }
    for (size_t j = 0; j < i; ++j)
      if (!outputs[j].path.empty() && resolved(outputs[j].path) == resolved(out.path))
        throw InputError(outputs[j].option + " and " + out.option + " both name " + out.path.string() +
                         "; give each output its own file");
  }
}

}  // namespace tinyc::cli

// Output paths are checked before any long work: a missing folder fails at once, not after the
// pipeline and the evaluation ran, and no output may replace an input or another output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tinyc::cli {

// InputError "<option> <path>: folder '<dir>' does not exist" when the folder of `path` is missing,
// and "...: cannot create files in folder" when no file can be made there; nothing for an empty path.
void check_output_folder(const std::filesystem::path& path, const std::string& option);

// A command-line path and the option (or argument) that named it.
struct NamedPath {
  std::string option;
  std::filesystem::path path;
};

// InputError when an output would replace one of the inputs (the same file, also through links) or
// two outputs name the same file; empty paths are skipped.
void check_outputs_apart(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs);

}  // namespace tinyc::cli

// Output paths are checked before any long work: a missing folder fails at once, not after the
// pipeline and the evaluation ran.
#pragma once

#include <filesystem>
#include <string>

namespace tinyc::cli {

// InputError "<option> <path>: folder '<dir>' does not exist" when the folder of `path` is missing;
// nothing for an empty path.
void check_output_folder(const std::filesystem::path& path, const std::string& option);

}  // namespace tinyc::cli

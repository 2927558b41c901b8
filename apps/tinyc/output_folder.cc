// Checking that an output file's folder exists.
#include "output_folder.h"

#include "ir/error.h"

namespace tinyc::cli {

void check_output_folder(const std::filesystem::path& path, const std::string& option) {
  if (path.empty()) return;
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw InputError(option + " " + path.string() + ": folder '" + dir.string() + "' does not exist");
}

}  // namespace tinyc::cli

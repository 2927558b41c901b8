// Atomic file output: never leave a half-written file where the user asked for one.
#pragma once

#include <filesystem>
#include <string_view>

namespace tinyc::io {

// Writes `bytes` to a temp file beside `path`, then renames it over `path`.
// Throws InputError naming the path when the folder is missing or not writable.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace tinyc::io

// Atomic file output: never leave a half-written file where the user asked for one.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tinyc::io {

// Writes `bytes` to a temp file beside `path`, then renames it over `path`.
// Throws InputError naming the path when the folder is missing or not writable.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Creates and removes a temp file beside `path`: InputError naming `what` (the option) and the folder
// when no file can be created there (read-only or foreign folder), so the problem shows before the
// long work rather than at the end.
void check_can_create_beside(const std::filesystem::path& path, const std::string& what);

// For an interrupt (SIGINT/SIGTERM) that ends the process next: removes the temp files of writes in
// progress and holds every later write forever, so no half-written file and no temp file is left.
// Returns the number of temp files removed.
size_t abandon_atomic_writes();

}  // namespace tinyc::io

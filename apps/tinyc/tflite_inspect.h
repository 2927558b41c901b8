// `tinyc inspect model.tflite`: the operator and tensor tables of a .tflite file, or its JSON.
#pragma once

#include <string>

namespace tinyc::cli {

// Prints the summary of a .tflite file to stdout (a table, or JSON with `json`).
// Throws InputError for a missing or invalid file.
void inspect_tflite(const std::string& path, bool json);

}  // namespace tinyc::cli

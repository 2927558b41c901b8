// The .tflite bytes as a C/C++ header (`--emit-c model_data.h`), for firmware that links the model
// into flash instead of reading a file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tinyc::tflite_format {

// A C identifier from a header path: its stem with every character outside [A-Za-z0-9_] turned into
// '_' ("model-data.h" -> "model_data"), "model_" before a stem that starts with a digit or '_'
// ("8bit.h" -> "model_8bit"), and "_model" after a C or C++ keyword ("int.h" -> "int_model").
std::string c_array_name(const std::filesystem::path& header);

// The header text: a comment naming what produced it, an include guard,
// `alignas(16) const unsigned char <name>[] = {...};` and `const unsigned int <name>_len = N;`, with
// one definition across files that include it (C++17 inline variables, GNU C weak symbols). Valid C11
// and C++11; the 16-byte alignment lets TFLite Micro use the weights in place.
std::string c_array_source(std::string_view bytes, const std::string& name, const std::string& source_description);

// Writes c_array_source() atomically, the array named c_array_name(path).
void write_c_array_file(const std::filesystem::path& path, std::string_view bytes, const std::string& source_description);

}  // namespace tinyc::tflite_format

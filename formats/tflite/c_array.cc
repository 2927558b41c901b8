// C array writer: 12 bytes per line in hex, the length beside it, guarded for repeated inclusion.
#include "formats/tflite/c_array.h"

#include <cctype>
#include <cstdio>

#include "io/atomic_file.h"
#include "ir/version.h"

namespace tinyc::tflite_format {

namespace {

constexpr size_t kBytesPerLine = 12;

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string c_array_name(const std::filesystem::path& header) {
  std::string name = header.stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) name.insert(name.begin(), '_');
  return name;
}

std::string c_array_source(std::string_view bytes, const std::string& name, const std::string& source_description) {
  const std::string guard = "TINYC_" + upper(name) + "_H_";
  std::string out;
  out.reserve(bytes.size() * 6 + 512);
  out += "// " + source_description + " as a C array, written by tinyc " + kVersion + ". Do not edit.\n";
  out += "#ifndef " + guard + "\n#define " + guard + "\n\n";
  out += "#if !defined(__cplusplus)\n#include <stdalign.h>\n#endif\n\n";
  out += "alignas(16) const unsigned char " + name + "[] = {";
  char hex[8];
  for (size_t i = 0; i < bytes.size(); ++i) {
    out += i % kBytesPerLine == 0 ? "\n  " : " ";
    std::snprintf(hex, sizeof hex, "0x%02x,", static_cast<unsigned char>(bytes[i]));
    out += hex;
  }
  out += "\n};\n";
  out += "const unsigned int " + name + "_len = " + std::to_string(bytes.size()) + ";\n\n";
  out += "#endif  // " + guard + "\n";
  return out;
}

void write_c_array_file(const std::filesystem::path& path, std::string_view bytes, const std::string& source_description) {
  io::write_file_atomically(path, c_array_source(bytes, c_array_name(path), source_description));
}

}  // namespace tinyc::tflite_format

// C array writer: 12 bytes per line in hex, the length beside it, guarded for repeated inclusion.
#include "formats/tflite/c_array.h"

#include <cctype>
#include <cstdio>
#include <set>

#include "io/atomic_file.h"
#include "ir/version.h"

namespace tinyc::tflite_format {

namespace {

constexpr size_t kBytesPerLine = 12;

// C11 and C++20 keywords (and C's alternative spellings), which cannot name the array.
const std::set<std::string> kKeywords = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char",
    "char8_t", "char16_t", "char32_t", "class", "co_await", "co_return", "co_yield", "compl", "concept", "const",
    "const_cast", "consteval", "constexpr", "constinit", "continue", "decltype", "default", "delete", "do", "double",
    "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if",
    "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or",
    "or_eq", "private", "protected", "public", "register", "reinterpret_cast", "requires", "restrict", "return",
    "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template", "this",
    "thread_local", "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual",
    "void", "volatile", "wchar_t", "while", "xor", "xor_eq"};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string c_array_name(const std::filesystem::path& header) {
  std::string name = header.stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  // A leading digit is not an identifier, a leading '_' is reserved at file scope.
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) || name.front() == '_') name = "model_" + name;
  if (kKeywords.count(name)) name += "_model";
  return name;
}

std::string c_array_source(std::string_view bytes, const std::string& name, const std::string& source_description) {
  const std::string guard = "TINYC_" + upper(name) + "_H_";
  std::string out;
  out.reserve(bytes.size() * 6 + 512);
  out += "// " + source_description + " as a C array, written by tinyc " + kVersion + ". Do not edit.\n";
  out += "#ifndef " + guard + "\n#define " + guard + "\n\n";
  // One definition however many files include it: an inline variable in C++17, a weak symbol in GNU C;
  // elsewhere (C++11/14: one copy per file; other C compilers) include it in one source file.
  const std::string linkage = "TINYC_" + upper(name) + "_LINKAGE";
  out += "#if !defined(__cplusplus)\n#include <stdalign.h>\n#endif\n";
  out += "#if defined(__cplusplus) && __cplusplus >= 201703L\n#define " + linkage + " inline\n";
  out += "#elif !defined(__cplusplus) && defined(__GNUC__)\n#define " + linkage + " __attribute__((weak))\n";
  out += "#else\n#define " + linkage + "\n#endif\n\n";
  out += "alignas(16) " + linkage + " const unsigned char " + name + "[] = {";
  char hex[8];
  for (size_t i = 0; i < bytes.size(); ++i) {
    out += i % kBytesPerLine == 0 ? "\n  " : " ";
    std::snprintf(hex, sizeof hex, "0x%02x,", static_cast<unsigned char>(bytes[i]));
    out += hex;
  }
  out += "\n};\n";
  out += linkage + " const unsigned int " + name + "_len = " + std::to_string(bytes.size()) + ";\n\n";
  out += "#endif  // " + guard + "\n";
  return out;
}

void write_c_array_file(const std::filesystem::path& path, std::string_view bytes, const std::string& source_description) {
  io::write_file_atomically(path, c_array_source(bytes, c_array_name(path), source_description));
}

}  // namespace tinyc::tflite_format

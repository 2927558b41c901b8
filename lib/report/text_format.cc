// Grouped integers and fixed-point decimals.
#include "report/text_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tinyc::report {

std::string grouped(int64_t n) {
  const bool negative = n < 0;
  const std::string digits = std::to_string(n);
  const size_t first = negative ? 1 : 0;
  std::string out;
  for (size_t i = first; i < digits.size(); ++i) {
    if (i > first && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string shortest(double value) {
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof text, value).ptr);
}

std::string signed_fixed(double value, int decimals) { return (value >= 0 ? "+" : "") + fixed(value, decimals); }

std::string duration(double seconds) {
  if (seconds >= 1) return fixed(seconds, 2) + " s";
  const double ms = seconds * 1000;
  return fixed(ms, ms < 10 ? 2 : 1) + " ms";
}

std::string significant(double value, int digits) {
  if (!std::isfinite(value)) return fixed(value, 0);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

std::string printable(std::string name) {
  for (char& c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return name;
}

}  // namespace tinyc::report

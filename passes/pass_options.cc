// Typed, validated access to pass options.
#include "passes/pass_options.h"

#include <charconv>
#include <cstdlib>

#include "ir/error.h"

namespace tinyc::passes {

void PassOptions::check_known(const std::vector<OptionDoc>& docs) const {
  for (const auto& [key, value] : values_) {
    bool known = false;
    std::string accepted;
    for (const auto& d : docs) {
      known = known || d.name == key;
      accepted += (accepted.empty() ? "" : ", ") + d.name;
    }
    if (!known)
      throw InputError("pass '" + pass_ + "' has no option '" + key + "'" +
                       (accepted.empty() ? " (it takes none)" : "; its options are: " + accepted));
  }
}

std::string PassOptions::get_string(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

double PassOptions::get_double(const std::string& key, double fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0')
    throw InputError("pass '" + pass_ + "': option " + key + "=" + it->second + " is not a number");
  return v;
}

int64_t PassOptions::get_int(const std::string& key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  int64_t v = 0;
  const auto& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size())
    throw InputError("pass '" + pass_ + "': option " + key + "=" + s + " is not a whole number");
  return v;
}

bool PassOptions::get_bool(const std::string& key, bool fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  if (it->second == "true" || it->second == "1") return true;
  if (it->second == "false" || it->second == "0") return false;
  throw InputError("pass '" + pass_ + "': option " + key + "=" + it->second + " must be true or false");
}

}  // namespace tinyc::passes

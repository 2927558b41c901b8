// Options of one pipeline step, e.g. prune(ratio=0.5,granularity=structured).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tinyc::passes {

// Documentation of one option: shown by `tinyc passes` and used to reject unknown keys.
struct OptionDoc {
  std::string name;
  std::string default_value;
  std::string help;
};

// Raw key=value text from the pipeline; typed getters validate and throw InputError naming the
// pass, the option and the accepted form.
class PassOptions {
 public:
  PassOptions() = default;
  PassOptions(std::string pass_name, std::map<std::string, std::string> values)
      : pass_(std::move(pass_name)), values_(std::move(values)) {}

  // Throws InputError on a key the pass does not document.
  void check_known(const std::vector<OptionDoc>& docs) const;

  bool has(const std::string& key) const { return values_.count(key) != 0; }
  std::string get_string(const std::string& key, const std::string& fallback) const;
  double get_double(const std::string& key, double fallback) const;
  int64_t get_int(const std::string& key, int64_t fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::string pass_;
  std::map<std::string, std::string> values_;
};

}  // namespace tinyc::passes

// Parser for the --passes pipeline syntax: step ("," step)*; step = name ["(" key=value ("," key=value)* ")"].
#include "passes/pipeline.h"

#include <algorithm>
#include <cctype>

#include "ir/error.h"

namespace tinyc::passes {

namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Splits at commas that are not inside parentheses.
std::vector<std::string> split_top_level(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) throw InputError("--passes: unbalanced ')' in \"" + text + "\"");
    if (c == ',' && depth == 0) {
      parts.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (depth != 0) throw InputError("--passes: unclosed '(' in \"" + text + "\"");
  parts.push_back(trim(current));
  return parts;
}

std::map<std::string, std::string> parse_options(const std::string& pass, const std::string& body) {
  std::map<std::string, std::string> values;
  if (trim(body).empty()) return values;
  size_t start = 0;
  while (start <= body.size()) {
    size_t comma = body.find(',', start);
    const std::string item = trim(body.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    const size_t eq = item.find('=');
    if (eq == std::string::npos || trim(item.substr(0, eq)).empty())
      throw InputError("--passes: option '" + item + "' of " + pass + " should be key=value");
    const std::string key = trim(item.substr(0, eq));
    if (!values.emplace(key, trim(item.substr(eq + 1))).second)
      throw InputError("--passes: option '" + key + "' of " + pass + " is given twice");
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return values;
}

}  // namespace

std::vector<PipelineStep> parse_pipeline(const std::string& text) {
  std::vector<PipelineStep> steps;
  for (const std::string& part : split_top_level(text)) {
    if (part.empty()) throw InputError("--passes: empty step in \"" + text + "\"");
    const size_t open = part.find('(');
    const std::string name = trim(part.substr(0, open));
    std::string body;
    if (open != std::string::npos) {
      if (part.back() != ')') throw InputError("--passes: text after ')' in step '" + part + "'");
      body = part.substr(open + 1, part.size() - open - 2);
    }
    const PassInfo* info = find_pass(name);
    if (!info) throw InputError("--passes: unknown pass '" + name + "'; run `tinyc passes` to list them");
    PassOptions options(name, parse_options(name, body));
    options.check_known(info->options);
    steps.push_back({info, std::move(options)});
  }
  return steps;
}

std::string pipeline_to_string(const std::vector<PipelineStep>& steps) {
  std::string out;
  for (const PipelineStep& step : steps) {
    if (!out.empty()) out += ',';
    out += step.info->name;
    if (step.options.values().empty()) continue;
    out += '(';
    bool first = true;
    for (const auto& [k, v] : step.options.values()) {
      out += (first ? "" : ",") + k + "=" + v;
      first = false;
    }
    out += ')';
  }
  return out;
}

std::string pipeline_to_full_string(const std::vector<PipelineStep>& steps) {
  std::string out;
  for (const PipelineStep& step : steps) {
    if (!out.empty()) out += ',';
    out += step.info->name;
    if (step.info->options.empty()) continue;
    out += '(';
    for (size_t i = 0; i < step.info->options.size(); ++i) {
      const OptionDoc& doc = step.info->options[i];
      out += (i ? "," : "") + doc.name + "=" + step.options.get_string(doc.name, doc.default_value);
    }
    out += ')';
  }
  return out;
}

void check_pipeline(const std::vector<PipelineStep>& steps) {
  bool quantized = false;
  for (const PipelineStep& step : steps) {
    step.info->create(step.options);
    const std::string& name = step.info->name;
    if (quantized && (name == "prune" || name == "equalize_cross_layer" || name == "bias_correction" ||
                      name == "quantize_int8"))
      throw InputError("--passes: " + name + " after quantize_int8: " +
                       (name == "quantize_int8" ? std::string("quantize once")
                                                : name + " works on the float weights; put it before quantize_int8"));
    quantized = quantized || name == "quantize_int8";
  }
}

bool has_step(const std::vector<PipelineStep>& steps, const std::string& pass) {
  return std::any_of(steps.begin(), steps.end(), [&](const PipelineStep& s) { return s.info->name == pass; });
}

}  // namespace tinyc::passes

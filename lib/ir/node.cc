// Typed attribute access for nodes.
#include "ir/node.h"

#include "ir/error.h"

namespace tinyc::ir {

namespace {
template <class T>
T get(const Node& n, const std::string& key, const T& fallback, const char* kind) {
  auto it = n.attrs.find(key);
  if (it == n.attrs.end()) return fallback;
  if (const T* v = std::get_if<T>(&it->second)) return *v;
  throw InputError("node '" + n.name + "' (" + n.op_type + "): attribute '" + key + "' should be " + kind);
}
}  // namespace

int64_t Node::attr_int(const std::string& key, int64_t fallback) const {
  return get<int64_t>(*this, key, fallback, "an int");
}
float Node::attr_float(const std::string& key, float fallback) const {
  return get<float>(*this, key, fallback, "a float");
}
std::string Node::attr_string(const std::string& key, const std::string& fallback) const {
  return get<std::string>(*this, key, fallback, "a string");
}
std::vector<int64_t> Node::attr_ints(const std::string& key, const std::vector<int64_t>& fallback) const {
  return get<std::vector<int64_t>>(*this, key, fallback, "a list of ints");
}
std::vector<float> Node::attr_floats(const std::string& key, const std::vector<float>& fallback) const {
  return get<std::vector<float>>(*this, key, fallback, "a list of floats");
}
std::vector<std::string> Node::attr_strings(const std::string& key, const std::vector<std::string>& fallback) const {
  return get<std::vector<std::string>>(*this, key, fallback, "a list of strings");
}
const Tensor& Node::attr_tensor(const std::string& key) const {
  auto it = attrs.find(key);
  const Tensor* t = it == attrs.end() ? nullptr : std::get_if<Tensor>(&it->second);
  if (!t) throw InputError("node '" + name + "' (" + op_type + "): attribute '" + key + "' should be a tensor");
  return *t;
}

}  // namespace tinyc::ir

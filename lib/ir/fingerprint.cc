// Graph digest for reusing measurements across identical copies.
#include "ir/fingerprint.h"

#include <span>

#include "ir/dump.h"

namespace tinyc::ir {

namespace {

class Fnv1a {
 public:
  void add(std::span<const uint8_t> bytes) {
    for (uint8_t b : bytes) hash_ = (hash_ ^ b) * kPrime;
  }
  template <class T>
  void add_values(std::span<const T> values) {
    add({reinterpret_cast<const uint8_t*>(values.data()), values.size_bytes()});
  }
  uint64_t value() const { return hash_; }

 private:
  static constexpr uint64_t kPrime = 0x100000001b3ULL;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

void add_quant(Fnv1a& h, const Value& v) {
  if (!v.quant) return;
  h.add_values(std::span<const float>(v.quant->scale));
  h.add_values(std::span<const int64_t>(v.quant->zero_point));
  const int64_t facts[] = {v.quant->axis, v.quant->bits};
  h.add_values(std::span<const int64_t>(facts));
}

}  // namespace

uint64_t fingerprint(const Graph& g) {
  Fnv1a h;
  const std::string text = dump(g);
  h.add_values(std::span<const char>(text));
  for (const Value* v : g.constants()) {
    add_quant(h, *v);
    h.add(v->constant().bytes());
  }
  for (const Node* n : g.topological_order())
    for (const Value* out : n->outputs())
      if (out) add_quant(h, *out);
  for (const Value* in : g.inputs()) add_quant(h, *in);
  return h.value();
}

}  // namespace tinyc::ir

// fold_pad: moves an explicit zero Pad into the pads attribute of the Conv or AveragePool it feeds.
//
// Before: x -> Pad(pads=[0,0,1,1, 0,0,1,1], constant 0) -> Conv(pads=[1,1,1,1])
// After:  x -> Conv(pads=[2,2,2,2])
// Math: a window op with pads p reads zeros outside the input, exactly what the Pad wrote, so
// consumer pads become p + Pad's spatial pads (begin and end separately).
// Preconditions: Pad mode "constant" with fill 0, constant non-negative pads that leave the batch
// and channel dims alone, no axes input; its output feeds only input 0 of the consumer; the consumer
// has auto_pad NOTSET. MaxPool is refused (its pads read -inf, not 0). AveragePool needs
// count_include_pad=1 (else padded zeros would leave the divisor) and ceil_mode=0 (ceil mode
// treats explicit and attribute pads differently at the end), unless the Pad adds nothing.
#include <optional>

#include "exec/evaluate.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

template <class T>
bool all_zero(const std::vector<T>& values) {
  for (T v : values)
    if (v != 0) return false;
  return true;
}

// The Pad's pads when it is a constant-mode zero pad; nullopt otherwise (with the reason).
std::optional<std::vector<int64_t>> zero_pad_amounts(const ir::Node& pad, int64_t opset, std::string& why) {
  if (pad.attr_string("mode", "constant") != "constant") {
    why = "mode is not constant";
    return std::nullopt;
  }
  if (opset < 11) {
    if (pad.attr_float("value", 0.0f) != 0) {
      why = "the fill value is not 0";
      return std::nullopt;
    }
    return pad.attr_ints(pad.has_attr("paddings") ? "paddings" : "pads", {});
  }
  if (pad.input(3)) {
    why = "it has an axes input";
    return std::nullopt;
  }
  const ir::Value* pads = pad.input(1);
  const ir::Value* fill = pad.input(2);
  if (!pads || !pads->is_constant() || (fill && !fill->is_constant())) {
    why = "pads or fill value are not constants";
    return std::nullopt;
  }
  if (fill && !all_zero(fill->constant().to_double())) {
    why = "the fill value is not 0";
    return std::nullopt;
  }
  return pads->constant().to_int64();
}

// Empty when the consumer takes the padding into its pads attribute exactly (`no_padding`: the
// Pad adds nothing, so divisor and ceil-mode differences cannot arise).
std::string consumer_refusal(const ir::Node& consumer, bool no_padding) {
  const std::string& op = consumer.op_type;
  if (op == "MaxPool") return "MaxPool pads with -inf, not 0";
  if (consumer.attr_string("auto_pad", "NOTSET") != "NOTSET") return consumer.name + " has auto_pad set";
  if (op != "AveragePool" || no_padding) return "";
  if (consumer.attr_int("count_include_pad", 0) != 1)
    return "AveragePool excludes padding from its divisor (count_include_pad=0)";
  if (consumer.attr_int("ceil_mode", 0) != 0) return "AveragePool uses ceil_mode";
  return "";
}

// Spatial pads only (dims 0 and 1 untouched), none negative, one begin and one end per dim.
bool pads_are_spatial(const std::vector<int64_t>& pads, size_t rank) {
  if (rank < 3 || pads.size() != 2 * rank) return false;
  for (int64_t p : pads)
    if (p < 0) return false;
  return pads[0] == 0 && pads[1] == 0 && pads[rank] == 0 && pads[rank + 1] == 0;
}

class FoldPad : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    const int64_t opset = exec::model_opset(g);
    // Only the visited Pad is erased, so the snapshot stays valid.
    for (ir::Node* pad : g.topological_order()) {
      if (pad->op_type != "Pad" || !pad->domain.empty() || !pad->input(0) || !pad->input(0)->shape) continue;
      ir::Node* consumer = sole_user(pad->output(0));
      if (!consumer || !consumer->domain.empty() || consumer->input(0) != pad->output(0)) continue;
      const std::string& op = consumer->op_type;
      if (op != "Conv" && op != "AveragePool" && op != "MaxPool") continue;
      const size_t rank = pad->input(0)->shape->size();
      std::string why;
      const std::optional<std::vector<int64_t>> pads = zero_pad_amounts(*pad, opset, why);
      if (pads && !pads_are_spatial(*pads, rank)) why = "pads touch the batch or channel dims or are negative";
      if (why.empty()) why = consumer_refusal(*consumer, all_zero(*pads));
      if (!why.empty()) {
        result.decline(pad->name, why);
        continue;
      }
      const size_t spatial = rank - 2;
      std::vector<int64_t> merged = consumer->attr_ints("pads", std::vector<int64_t>(2 * spatial, 0));
      if (merged.size() != 2 * spatial) {
        result.decline(pad->name, consumer->name + " has malformed pads");
        continue;
      }
      for (size_t i = 0; i < spatial; ++i) {
        merged[i] += (*pads)[2 + i];
        merged[spatial + i] += (*pads)[rank + 2 + i];
      }
      consumer->attrs["pads"] = merged;
      g.set_node_input(consumer, 0, pad->input(0));
      g.erase_node(pad);
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo fold_pad_pass_info() {
  return {"fold_pad",
          "Fold a zero Pad into the pads of the Conv or AveragePool (count_include_pad=1) it feeds",
          {},
          false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<FoldPad>(); }};
}

}  // namespace tinyc::passes

// Small graph-editing steps that several passes share (matching a sole user, swapping constants,
// replacing a node by new ones while the model keeps its value names).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::passes {

// The one node reading `v` when `v` has exactly one use and is not a graph output; else nullptr.
// Passes that fuse a producer with its consumer need this: any other reader would still want
// the unfused value.
ir::Node* sole_user(const ir::Value* v);

// True when `v` holds constant float32 data (the only dtype the folding passes rewrite).
bool is_float32_constant(const ir::Value* v);

// Points input `index` of `node` at new constant data. The old constant is overwritten in place
// when this node is its only reader (keeping its name); otherwise a new constant named after it
// is added, so other readers keep the old data. index == inputs().size() appends a new input.
void set_constant_input(ir::Graph& g, ir::Node* node, size_t index, ir::Tensor data, const std::string& name_hint);

// Redirects every use of old_node's outputs to `replacements` (one per output slot, nullptr for an
// omitted output), erases old_node, and gives each replacement its predecessor's name and, when
// it has none yet, its dtype and shape. Graph outputs therefore keep their names. Replacements
// must be fresh values (no graph input or output role).
void replace_node(ir::Graph& g, ir::Node* old_node, const std::vector<ir::Value*>& replacements);

// Erases `absorbed` (a one-output node whose work `survivor` now does) after pointing its readers
// at `survivor`, which then takes the absorbed value's name: the name keeps meaning the same
// tensor, so per-layer comparisons with the unfolded model still line up.
void absorb_node(ir::Graph& g, ir::Node* absorbed, ir::Value* survivor);

// True for an omitted value (nullptr) or one nothing reads: no users and no graph output slot.
bool is_unread(const ir::Value* v);

// True for a constant whose every element is 0 (any dtype).
bool is_zero_constant(const ir::Value* v);

// The value of a float32 constant holding one element; nullopt for anything else (absent, computed,
// another dtype, several elements).
std::optional<float> float_scalar(const ir::Value* v);

// Values of a float32 constant widened to double (the passes do their arithmetic in double and
// round once when writing float32).
std::vector<double> float_values(const ir::Value* v);

// A float32 tensor of the given shape from doubles (rounded to nearest).
ir::Tensor float_tensor(const ir::Shape& shape, const std::vector<double>& values);

}  // namespace tinyc::passes

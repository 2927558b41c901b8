// LSTM / GRU geometry (see recurrent.h).
#include "exec/shape/recurrent.h"

#include "exec/shape/shape_rule.h"
#include "ir/value.h"

namespace tinyc::exec::shape {

namespace {

// Input slots: X, W, R, B, sequence_lens, initial_h, then LSTM's initial_c and P.
enum Slot : size_t { kX, kW, kR, kB, kSequenceLens, kInitialH, kInitialC, kPeepholes };

void require_shape(const ir::Node& n, const ir::Shape* got, const ir::Shape& want, const char* what) {
  if (got && *got != want)
    throw node_error(n, std::string(what) + " has shape " + ir::shape_to_string(*got) + ", expected " +
                            ir::shape_to_string(want));
}

void require_default_activations(const ir::Node& n, bool lstm) {
  const std::vector<std::string> defaults =
      lstm ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"} : std::vector<std::string>{"Sigmoid", "Tanh"};
  if (!n.has_attr("activations")) return;
  const std::vector<std::string> given = n.attr_strings("activations", {});
  for (size_t k = 0; k < given.size(); ++k)
    if (given[k] != defaults[k % defaults.size()])
      throw node_error(n, "activation '" + given[k] + "' is not supported; tinyc runs " + n.op_type +
                              " with its default activations (Sigmoid and Tanh) only");
}

}  // namespace

ir::Shape RecurrentGeometry::y_shape() const {
  return batch_first ? ir::Shape{batch, seq, directions, hidden} : ir::Shape{seq, directions, batch, hidden};
}

ir::Shape RecurrentGeometry::state_shape() const {
  return batch_first ? ir::Shape{batch, directions, hidden} : ir::Shape{directions, batch, hidden};
}

RecurrentGeometry recurrent_geometry(const ir::Node& n, const std::vector<const ir::Shape*>& inputs) {
  auto input = [&](size_t i) { return i < inputs.size() ? inputs[i] : nullptr; };
  RecurrentGeometry g;
  g.lstm = n.op_type == "LSTM";
  g.gates = g.lstm ? 4 : 3;
  const std::string direction = n.attr_string("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    throw node_error(n, "direction must be forward, reverse or bidirectional, got '" + direction + "'");
  g.directions = direction == "bidirectional" ? 2 : 1;
  g.reverse = direction == "reverse";
  g.batch_first = n.attr_int("layout", 0) != 0;
  require_default_activations(n, g.lstm);
  const ir::Shape* x = input(kX);
  const ir::Shape* w = input(kW);
  const ir::Shape* r = input(kR);
  if (!x || !w || !r) throw node_error(n, "X, W and R are required");
  if (x->size() != 3) throw node_error(n, "X must have rank 3, got " + ir::shape_to_string(*x));
  if (w->size() != 3 || (*w)[0] != g.directions || (*w)[1] % g.gates != 0)
    throw node_error(n, "W has shape " + ir::shape_to_string(*w) + ", expected [" + std::to_string(g.directions) + ", " +
                            std::to_string(g.gates) + " x hidden_size, input_size]");
  g.seq = (*x)[g.batch_first ? 1 : 0];
  g.batch = (*x)[g.batch_first ? 0 : 1];
  g.input = (*x)[2];
  g.hidden = (*w)[1] / g.gates;
  if (n.has_attr("hidden_size") && n.attr_int("hidden_size", 0) != g.hidden)
    throw node_error(n, "hidden_size " + std::to_string(n.attr_int("hidden_size", 0)) + " does not match W's " +
                            std::to_string(g.hidden));
  const int64_t gate_rows = g.gates * g.hidden;
  require_shape(n, w, {g.directions, gate_rows, g.input}, "W");
  require_shape(n, r, {g.directions, gate_rows, g.hidden}, "R");
  require_shape(n, input(kB), {g.directions, 2 * gate_rows}, "B");
  require_shape(n, input(kSequenceLens), {g.batch}, "sequence_lens");
  require_shape(n, input(kInitialH), g.state_shape(), "initial_h");
  if (g.lstm) {
    require_shape(n, input(kInitialC), g.state_shape(), "initial_c");
    require_shape(n, input(kPeepholes), {g.directions, 3 * g.hidden}, "P");
  }
  return g;
}

RecurrentGeometry recurrent_geometry(const ir::Node& n) {
  std::vector<const ir::Shape*> shapes;
  for (const ir::Value* v : n.inputs()) shapes.push_back(v && v->shape ? &*v->shape : nullptr);
  return recurrent_geometry(n, shapes);
}

}  // namespace tinyc::exec::shape

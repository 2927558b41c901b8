// LSTM and GRU geometry, read once from the node and its input shapes and shared by the shape rule
// and the float kernel, so the output shapes and the computed steps come from one reading of the
// attributes.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/node.h"
#include "ir/shape.h"

namespace tinyc::exec::shape {

struct RecurrentGeometry {
  bool lstm = true;          // else GRU
  int64_t gates = 4;         // LSTM: i, o, f, c; GRU: z, r, h
  int64_t seq = 0;           // time steps
  int64_t batch = 0;
  int64_t input = 0;
  int64_t hidden = 0;
  int64_t directions = 1;    // 2 for bidirectional (forward first)
  bool reverse = false;      // direction = reverse
  bool batch_first = false;  // layout = 1 (opset 14): X [batch, seq, input], Y [batch, seq, dirs, hidden]

  // Y: [seq, dirs, batch, hidden], or [batch, seq, dirs, hidden] batch first.
  ir::Shape y_shape() const;
  // Y_h, Y_c, initial_h, initial_c: [dirs, batch, hidden], or [batch, dirs, hidden] batch first.
  ir::Shape state_shape() const;
};

// Reads direction, hidden_size, layout, clip and the activations (only each op's default Sigmoid /
// Tanh ones are supported) and checks X, W, R, B, sequence_lens, the initial states and LSTM's
// peepholes against each other; InputError naming the node otherwise. `inputs` holds the input
// shapes in slot order, nullptr for an omitted one.
RecurrentGeometry recurrent_geometry(const ir::Node& n, const std::vector<const ir::Shape*>& inputs);
// The same from the shapes inference set on the node's input values (what passes and emitters see).
RecurrentGeometry recurrent_geometry(const ir::Node& n);

}  // namespace tinyc::exec::shape

// Per-layer error: where in the compressed graph the error comes from. Both graphs run the same
// rows with observers; every run-time value the two graphs share by name is compared (int8 values
// dequantized with their QuantParams), and the layer that adds the most error is flagged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "exec/program.h"
#include "ir/graph.h"

namespace tinyc::report {

// One compared value.
struct LayerError {
  std::string name;  // the value's name, the same in both graphs
  std::string node;  // its producer in the compressed graph
  std::string op;    // that producer's op type
  int64_t elements_per_row = 0;
  double signal_energy = 0;  // Σref² over every compared element
  double error_energy = 0;   // Σ(ref − x)²
  double snr_db = 0;         // of this value (+inf when identical)
  // SNR of the error this layer adds to what its inputs already carry: its own noise-to-signal
  // ratio minus the largest one among its inputs (inputs not compared are looked through to the
  // compared values they come from), as 10·log10(1 / added). +inf when it adds none.
  double added_snr_db = 0;
  // Nodes before `node` whose outputs were not compared (their names changed meaning, or they are
  // Quantize/DequantizeLinear), back to the nearest compared values, upstream first: the error
  // they add shows up in this row.
  std::vector<std::string> uncompared_nodes;
  // Percent of the reference values beyond the compressed value's int8 range by more than half a
  // step (the evaluation rows reach where the calibration rows did not); 0 for float values.
  double clipped_pct = 0;
};

// The reals an integer value with one scale can hold, widened by half a step on each side (what
// rounds into the range); nullopt for float values and per-channel parameters.
std::optional<std::pair<double, double>> representable_range(const ir::Value& v);

// Added error above this SNR is float rounding (float32 carries ~140 dB), not a layer that hurts.
inline constexpr double kRoundingSnrDb = 100.0;

// The per-layer table: compared values in the compressed graph's execution order.
struct LayerErrorTable {
  std::vector<LayerError> layers;
  // Index of the layer with the lowest added_snr_db, the layer that hurts; -1 when no layer adds
  // error beyond float rounding (kRoundingSnrDb).
  int64_t worst = -1;
  // Values computed in both graphs under one name that were not compared, with why
  // ("conv1_out: read by other nodes" — e.g. a fold gave the name a different meaning).
  std::vector<std::string> skipped;
};

// Pairs the run-time values of two graphs by name and accumulates their error chunk by chunk: run
// a chunk through the reference graph with reference_observer(), then the same rows through the
// compressed graph with compressed_observer(). Only the matched values of one chunk are kept.
//
// A name is compared when it is a node output in both graphs with the same number of elements per
// row, float32 in the reference, float32 or integer with QuantParams in the compressed graph, and
// read by the same nodes in both (Quantize/DequantizeLinear looked through), so a name that a pass
// moved to a value with a different meaning is skipped rather than compared. Graph shapes are at
// the model's batch (1): one row of a value is its whole model-shaped tensor.
class LayerErrorCollector {
 public:
  // Both graphs need inferred shapes; they must outlive the collector.
  LayerErrorCollector(const ir::Graph& reference, const ir::Graph& compressed);

  // Bytes of reference values kept per row of a chunk (to choose chunk sizes).
  int64_t bytes_per_row() const { return bytes_per_row_; }

  // Observer for the reference run of a chunk of `rows` rows.
  exec::Observer reference_observer(int64_t rows);
  // Observer for the compressed run of the same chunk.
  exec::Observer compressed_observer();

  // Ends the last chunk and builds the table.
  LayerErrorTable finish();

 private:
  struct Match {
    const ir::Value* reference;
    const ir::Value* compressed;
    int64_t elements_per_row;
    std::vector<float> chunk;  // reference values of the current chunk
    std::vector<bool> captured;  // per row of the chunk: seen in the reference run
    // Per row of the chunk: Σref² and Σ(ref − x)². Worker threads deliver rows in any order, so the
    // rows are added to signal and error in row order when the chunk ends: the same sums every run.
    std::vector<double> row_signal, row_error;
    double signal = 0, error = 0;
    int64_t compared = 0;
    int64_t clipped = 0;  // reference values beyond the compressed value's int8 range
  };

  void capture(Match& m, const exec::ObservedValue& v);
  void compare(Match& m, const exec::ObservedValue& v);
  // Adds the finished chunk's rows to the totals, in row order.
  static void end_chunk(Match& m);

  const ir::Graph& compressed_;
  std::vector<Match> matches_;
  std::unordered_map<std::string, size_t> by_name_;
  std::vector<std::string> skipped_;
  int64_t bytes_per_row_ = 0;
};

}  // namespace tinyc::report

// Per-layer error: matching values by name, streaming error sums, and blaming the layer that adds most.
#include "report/layer_error.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <span>

#include "ir/error.h"
#include "ir/dequantize.h"
#include "report/metrics.h"

namespace tinyc::report {

namespace {

// Sums over one row of ref^2 (signal) and (ref - out)^2 (error), in double: kLanes partial sums,
// each in order, then added lane by lane, so the loop vectorizes and every run and thread count
// gives the same bits.
struct RowSums {
  double signal = 0, error = 0;
};
RowSums row_sums(const float* ref, const float* out, int64_t count) {
  constexpr int64_t kLanes = 8;
  double signal[kLanes] = {}, error[kLanes] = {};
  int64_t k = 0;
  for (; k + kLanes <= count; k += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) {
      const double r = ref[k + l], d = r - out[k + l];
      signal[l] += r * r;
      error[l] += d * d;
    }
  for (int64_t l = 0; k < count; ++k, ++l) {
    const double r = ref[k], d = r - out[k];
    signal[l] += r * r;
    error[l] += d * d;
  }
  RowSums sums;
  for (int64_t l = 0; l < kLanes; ++l) {
    sums.signal += signal[l];
    sums.error += error[l];
  }
  return sums;
}

bool is_quantize_edge(const ir::Node& n) {
  return n.domain.empty() && (n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear");
}

// Names of the nodes that read `v`, looking through Quantize/DequantizeLinear; a graph output
// counts as a reader of its own.
void collect_readers(const ir::Value& v, std::set<std::string>& readers) {
  if (v.is_graph_output()) readers.insert("(graph output)");
  for (const ir::Use& use : v.uses()) {
    if (!is_quantize_edge(*use.node)) {
      readers.insert(use.node->name);
      continue;
    }
    for (const ir::Value* out : use.node->outputs())
      if (out) collect_readers(*out, readers);
  }
}

std::set<std::string> readers_of(const ir::Value& v) {
  std::set<std::string> readers;
  collect_readers(v, readers);
  return readers;
}

bool is_runtime_value(const ir::Value* v) { return v && v->producer() && !v->is_constant() && v->shape; }

// Why `c` cannot be compared with the float value `r` of the same name; empty when it can.
std::string mismatch(const ir::Value& r, const ir::Value& c) {
  if (ir::num_elements(*r.shape) != ir::num_elements(*c.shape))
    return "shapes differ (" + ir::shape_to_string(*r.shape) + " vs " + ir::shape_to_string(*c.shape) + ")";
  if (c.dtype != ir::DType::Float32 && !(ir::is_integer(c.dtype) && c.quant))
    return std::string(ir::dtype_name(c.dtype)) + " without quantization parameters";
  if (readers_of(r) != readers_of(c)) return "read by other nodes in the compressed graph";
  return "";
}

// Noise-to-signal ratio of a compared value.
double nsr(double signal, double error) {
  if (error == 0) return 0;
  return signal == 0 ? std::numeric_limits<double>::infinity() : error / signal;
}

}  // namespace

LayerErrorCollector::LayerErrorCollector(const ir::Graph& reference, const ir::Graph& compressed)
    : compressed_(compressed) {
  for (const ir::Node* node : compressed.topological_order())
    for (const ir::Value* c : node->outputs()) {
      if (!is_runtime_value(c)) continue;
      const ir::Value* r = reference.find_value(c->name);
      if (!is_runtime_value(r) || r->dtype != ir::DType::Float32) continue;
      if (std::string why = mismatch(*r, *c); !why.empty()) {
        skipped_.push_back(c->name + ": " + why);
        continue;
      }
      const int64_t per_row = ir::num_elements(*r->shape);
      by_name_[c->name] = matches_.size();
      matches_.push_back({r, c, per_row, {}, {}, {}, {}});
      bytes_per_row_ += per_row * static_cast<int64_t>(sizeof(float));
    }
}

exec::Observer LayerErrorCollector::reference_observer(int64_t rows) {
  for (Match& m : matches_) {
    end_chunk(m);
    m.chunk.assign(static_cast<size_t>(rows * m.elements_per_row), 0.0f);
    m.captured.assign(static_cast<size_t>(rows), false);
    m.row_signal.assign(static_cast<size_t>(rows), 0.0);
    m.row_error.assign(static_cast<size_t>(rows), 0.0);
  }
  return [this](const exec::ObservedValue& v) {
    const auto it = by_name_.find(v.name);
    if (it != by_name_.end() && v.value.dtype() == ir::DType::Float32) capture(matches_[it->second], v);
  };
}

exec::Observer LayerErrorCollector::compressed_observer() {
  return [this](const exec::ObservedValue& v) {
    const auto it = by_name_.find(v.name);
    if (it != by_name_.end()) compare(matches_[it->second], v);
  };
}

void LayerErrorCollector::capture(Match& m, const exec::ObservedValue& v) {
  const int64_t rows = v.value.num_elements() / m.elements_per_row;
  if (rows * m.elements_per_row != v.value.num_elements() || v.first_row < 0 ||
      static_cast<size_t>(v.first_row + rows) > m.captured.size())
    return;
  const auto values = v.value.values<float>();
  std::copy(values.begin(), values.end(), m.chunk.begin() + v.first_row * m.elements_per_row);
  std::fill_n(m.captured.begin() + v.first_row, rows, true);
}

void LayerErrorCollector::compare(Match& m, const exec::ObservedValue& v) {
  const int64_t rows = v.value.num_elements() / m.elements_per_row;
  if (rows * m.elements_per_row != v.value.num_elements() || v.first_row < 0 ||
      static_cast<size_t>(v.first_row + rows) > m.captured.size())
    return;
  std::vector<float> dequantized;
  std::span<const float> x;
  if (v.value.dtype() == ir::DType::Float32) {
    x = v.value.values<float>();
  } else if (ir::is_integer(v.value.dtype()) && m.compressed->quant) {
    dequantized = ir::dequantize(v.value, *m.compressed->quant);
    x = dequantized;
  } else {
    return;
  }
  const std::optional<std::pair<double, double>> range = representable_range(*m.compressed);
  for (int64_t row = 0; row < rows; ++row) {
    if (!m.captured[v.first_row + row]) continue;
    const float* ref = m.chunk.data() + (v.first_row + row) * m.elements_per_row;
    if (range)
      m.clipped += std::count_if(ref, ref + m.elements_per_row, [&](float r) { return r < range->first || r > range->second; });
    const RowSums sums = row_sums(ref, x.data() + row * m.elements_per_row, m.elements_per_row);
    m.row_signal[static_cast<size_t>(v.first_row + row)] += sums.signal;
    m.row_error[static_cast<size_t>(v.first_row + row)] += sums.error;
    m.compared += m.elements_per_row;
  }
}

void LayerErrorCollector::end_chunk(Match& m) {
  for (size_t row = 0; row < m.row_signal.size(); ++row) {
    m.signal += m.row_signal[row];
    m.error += m.row_error[row];
  }
  m.row_signal.clear();
  m.row_error.clear();
}

LayerErrorTable LayerErrorCollector::finish() {
  for (Match& m : matches_) end_chunk(m);
  LayerErrorTable table;
  table.skipped = skipped_;
  std::unordered_map<const ir::Value*, const Match*> compared;
  for (const Match& m : matches_)
    if (m.compared)
      compared[m.compressed] = &m;
    else
      table.skipped.push_back(m.compressed->name + ": not computed at run time in both graphs");
  // Per value: the largest noise-to-signal ratio reaching it (its own when compared, else the
  // largest among its producer's inputs; graph inputs and constants carry none), and the nodes
  // since the nearest compared values.
  std::unordered_map<const ir::Value*, double> level;
  std::unordered_map<const ir::Value*, std::vector<const ir::Node*>> since;
  for (const ir::Node* node : compressed_.topological_order()) {
    double inputs = 0;
    std::vector<const ir::Node*> upstream;
    for (const ir::Value* in : node->inputs()) {
      if (!in) continue;
      if (const auto it = level.find(in); it != level.end()) inputs = std::max(inputs, it->second);
      if (const auto it = since.find(in); it != since.end())
        for (const ir::Node* n : it->second)
          if (std::find(upstream.begin(), upstream.end(), n) == upstream.end()) upstream.push_back(n);
    }
    for (const ir::Value* out : node->outputs()) {
      if (!out) continue;
      const auto it = compared.find(out);
      if (it == compared.end()) {
        level[out] = inputs;
        since[out] = upstream;
        since[out].push_back(node);
        continue;
      }
      const Match& m = *it->second;
      const double own = nsr(m.signal, m.error);
      level[out] = own;
      LayerError row{out->name, node->name, node->op_type, m.elements_per_row, m.signal, m.error,
                     snr_db(m.signal, m.error), snr_db(1.0, own > inputs ? own - inputs : 0.0), {},
                     100.0 * static_cast<double>(m.clipped) / static_cast<double>(m.compared)};
      for (const ir::Node* n : upstream) row.uncompared_nodes.push_back(n->name);
      table.layers.push_back(std::move(row));
    }
  }
  for (size_t i = 0; i < table.layers.size(); ++i) {
    const double added = table.layers[i].added_snr_db;
    if (added >= kRoundingSnrDb) continue;
    if (table.worst < 0 || added < table.layers[table.worst].added_snr_db) table.worst = static_cast<int64_t>(i);
  }
  return table;
}

std::optional<std::pair<double, double>> representable_range(const ir::Value& v) {
  if (!v.quant || v.quant->scale.size() != 1 || v.quant->zero_point.size() != 1) return std::nullopt;
  double lo = 0, hi = 0;
  switch (v.dtype) {
    case ir::DType::Int8: lo = -128, hi = 127; break;
    case ir::DType::UInt8: lo = 0, hi = 255; break;
    case ir::DType::Int16: lo = -32768, hi = 32767; break;
    default: return std::nullopt;
  }
  const double scale = v.quant->scale[0], zero = static_cast<double>(v.quant->zero_point[0]);
  return std::make_pair(scale * (lo - zero - 0.5), scale * (hi - zero + 0.5));
}


}  // namespace tinyc::report

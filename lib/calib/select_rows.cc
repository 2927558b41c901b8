// Calibration-row selection: class-balanced farthest-point coverage of penultimate activations.
#include "calib/select_rows.h"

#include <algorithm>
#include <span>

#include "exec/capture.h"
#include "ir/error.h"
#include "ir/tensor_rows.h"

namespace tinyc::calib {

namespace {

bool is_layer(const ir::Node& node) {
  return node.op_type == "Conv" || node.op_type == "Gemm" || node.op_type == "MatMul";
}

// The data input of the last layer before the first output (the output itself when no layer leads
// to it through first inputs).
const ir::Value* penultimate_value(const ir::Graph& g) {
  const ir::Value* v = g.outputs().front();
  for (const ir::Node* node = v->producer(); node && node->input(0); node = node->input(0)->producer())
    if (is_layer(*node)) return node->input(0);
  return v;
}

// A stacked float tensor seen as rows of its per-row element count (a view: the tensor outlives it).
struct RowMatrix {
  std::span<const float> values;
  size_t width = 0;
  const float* row(int64_t r) const { return values.data() + static_cast<size_t>(r) * width; }
};

RowMatrix row_matrix(const ir::Tensor& t) {
  const auto v = t.values<float>();
  const auto rows = static_cast<size_t>(t.shape()[0]);
  return {v, rows == 0 ? 0 : v.size() / rows};
}

double squared_distance(const float* a, const float* b, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  return sum;
}

// Pool rows grouped by predicted class (one group when the output is no class score vector the
// selection can cover).
std::vector<std::vector<int64_t>> groups_by_class(const ir::Tensor& output, int64_t count) {
  const RowMatrix scores = row_matrix(output);
  const auto rows = output.shape()[0];
  const auto classes = static_cast<int64_t>(scores.width);
  if (classes < 2 || classes > count) {
    std::vector<int64_t> all(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) all[static_cast<size_t>(r)] = r;
    return {all};
  }
  std::vector<std::vector<int64_t>> groups(static_cast<size_t>(classes));
  for (int64_t r = 0; r < rows; ++r) {
    const float* s = scores.row(r);
    groups[static_cast<size_t>(std::max_element(s, s + classes) - s)].push_back(r);
  }
  std::erase_if(groups, [](const auto& group) { return group.empty(); });
  return groups;
}

// Equal shares of `count` over the groups; a group holding fewer rows than its share keeps them
// all and its rest goes to the groups with the most rows (ties: the earlier group).
std::vector<int64_t> shares(const std::vector<std::vector<int64_t>>& groups, int64_t count) {
  std::vector<int64_t> share(groups.size(), 0);
  std::vector<size_t> order(groups.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return groups[a].size() > groups[b].size(); });
  for (int64_t left = count; left > 0;)
    for (size_t i : order)
      if (left > 0 && share[i] < static_cast<int64_t>(groups[i].size())) {
        ++share[i];
        --left;
      }
  return share;
}

// Farthest-point coverage of one group: the row nearest the group's mean first, then the row
// farthest from all rows chosen so far, `take` rows in all.
std::vector<int64_t> cover(const RowMatrix& features, const std::vector<int64_t>& group, int64_t take) {
  const size_t width = features.width;
  std::vector<double> mean(width, 0.0);
  for (int64_t r : group)
    for (size_t i = 0; i < width; ++i) mean[i] += features.row(r)[i];
  std::vector<float> center(width);
  for (size_t i = 0; i < width; ++i) center[i] = static_cast<float>(mean[i] / static_cast<double>(group.size()));
  std::vector<double> nearest(group.size());
  for (size_t j = 0; j < group.size(); ++j) nearest[j] = squared_distance(features.row(group[j]), center.data(), width);
  std::vector<int64_t> chosen;
  size_t next = static_cast<size_t>(std::min_element(nearest.begin(), nearest.end()) - nearest.begin());
  while (static_cast<int64_t>(chosen.size()) < take) {
    chosen.push_back(group[next]);
    const float* picked = features.row(group[next]);
    for (size_t j = 0; j < group.size(); ++j)
      nearest[j] = std::min(nearest[j], squared_distance(features.row(group[j]), picked, width));
    next = static_cast<size_t>(std::max_element(nearest.begin(), nearest.end()) - nearest.begin());
  }
  return chosen;
}

}  // namespace

RowSelection select_rows(const ir::Graph& g, const ir::Tensor& pool, int64_t count,
                         const exec::ExecutorOptions& options) {
  const int64_t pool_rows = pool.shape()[0];
  if (count < 1 || count > pool_rows)
    throw InputError("--calib-select " + std::to_string(count) + ": the calibration pool holds " +
                     std::to_string(pool_rows) + " rows; choose between 1 and " + std::to_string(pool_rows));
  const ir::Value* feature = penultimate_value(g);
  const ir::Value* output = g.outputs().front();
  const auto values = exec::capture_values(g, {pool}, {feature->name, output->name}, options);
  const auto groups = groups_by_class(values[1], count);
  const auto share = shares(groups, count);
  const RowMatrix features = row_matrix(values[0]);
  RowSelection selection;
  selection.pool_rows = pool_rows;
  selection.feature = feature->name;
  selection.classes = groups.size() > 1 ? static_cast<int64_t>(groups.size()) : 0;
  for (size_t i = 0; i < groups.size(); ++i)
    for (int64_t r : cover(features, groups[i], share[i])) selection.rows.push_back(r);
  std::sort(selection.rows.begin(), selection.rows.end());
  return selection;
}

ir::Tensor take_rows(const ir::Tensor& pool, const std::vector<int64_t>& rows) {
  std::vector<ir::Tensor> parts;
  parts.reserve(rows.size());
  for (int64_t r : rows) parts.push_back(ir::slice_rows(pool, r, r + 1));
  return ir::concat_rows(parts);
}

}  // namespace tinyc::calib

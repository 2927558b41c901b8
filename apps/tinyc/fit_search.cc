// The fit search: builds each configuration from shared intermediate graphs, in an order that lets
// a configuration that cannot fit rule out the ones that would be larger still.
#include "fit_search.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "compress_pipeline.h"
#include "passes/default_pipelines.h"
#include "passes/pass_manager.h"
#include "report/text_format.h"

namespace tinyc::cli {

namespace {

using report::FitPoint;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The steps `tinyc compress` runs for a configuration, split where the search shares work.
struct PointSteps {
  std::vector<passes::PipelineStep> prune;     // empty when not pruned
  std::vector<passes::PipelineStep> quantize;  // after folding and pruning
  std::string text;                            // the whole pipeline, as the compress report gives it
};

PointSteps steps_of(const FitPoint& p) {
  PruneCliOptions prune;
  prune.ratio = p.prune_ratio;
  prune.given = p.prune_ratio > 0;
  prune.granularity = p.granularity;
  QuantizeOptions quantize;
  quantize.int8 = true;
  quantize.calib_method = p.calib_method;
  quantize.weight_bits = p.weight_bits;
  const CompressPipeline pipeline = compose_pipeline("", prune, quantize, false);
  const size_t folding = passes::parse_pipeline(passes::default_folding_pipeline()).size();
  const size_t pruning = prune.given ? 1 : 0;
  PointSteps steps;
  steps.prune.assign(pipeline.steps.begin() + static_cast<std::ptrdiff_t>(folding),
                     pipeline.steps.begin() + static_cast<std::ptrdiff_t>(folding + pruning));
  steps.quantize.assign(pipeline.steps.begin() + static_cast<std::ptrdiff_t>(folding + pruning), pipeline.steps.end());
  steps.text = pipeline.text;
  return steps;
}

std::string over_budget(const FitPoint& p, const report::TargetFit& t) {
  if (*p.flash_bytes > t.flash_budget)
    return "over the flash budget by " + report::grouped(*p.flash_bytes - t.flash_budget) + " B";
  return "over the RAM budget by " + report::grouped(*p.ram_bytes - t.ram_budget) + " B";
}

class Search {
 public:
  Search(FitSetup setup, const FitSpace& space) : setup_(std::move(setup)), space_(space) {
    setup_.context.measurements = std::make_shared<passes::MeasurementCache>();
    reference_ = report::run_reference(*setup_.float_graph, setup_.rows, evaluation_options());
    folded_ = setup_.float_graph->clone();
    passes::PassContext context = setup_.context;
    passes::run_pipeline(*folded_, passes::parse_pipeline(passes::default_folding_pipeline()), {}, &context);
  }

  FitOutcome run(std::optional<double> max_accuracy_drop) {
    const auto start = std::chrono::steady_clock::now();
    make_grid();
    total_ = static_cast<int64_t>(points_.size() + space_.calib_methods.size() - 1);
    search_grid();
    FitOutcome outcome;
    report::FitTable& table = outcome.table;
    table.target = setup_.target;
    table.max_accuracy_drop = max_accuracy_drop;
    table.loss_name = report::loss_name(setup_.plan);
    if (measured_) {
      if (measured_->classification && measured_->classification->top1_float_pct)
        table.float_top1_pct = measured_->classification->top1_float_pct;
      if (measured_->anomaly) table.float_auc = measured_->anomaly->auc_float;
    }
    table.points = points_;
    report::choose_point(table);
    if (table.chosen && space_.calib_methods.size() > 1) {
      refine_calibration(table.points[*table.chosen]);
      table.points = points_;
      report::choose_point(table);
    }
    report::mark_pareto(table.points);
    if (table.chosen) {
      outcome.chosen_blob = blobs_[*table.chosen];
      table.target.flash_used = table.points[*table.chosen].flash_bytes;
      table.target.ram_used = table.points[*table.chosen].ram_bytes;
    }
    table.seconds = seconds_since(start);
    return outcome;
  }

 private:
  // Every ratio with every width, ascending ratio, in the space's width order.
  void make_grid() {
    std::vector<double> ratios = space_.prune_ratios;
    std::sort(ratios.begin(), ratios.end());
    for (double r : ratios)
      for (const std::string& bits : space_.weight_bits) {
        FitPoint p;
        p.prune_ratio = r;
        p.granularity = space_.granularity;
        p.weight_bits = bits;
        p.calib_method = space_.calib_methods.front();
        add_point(std::move(p));
      }
  }

  size_t add_point(FitPoint p) {
    p.command = setup_.command(p);
    p.pipeline = steps_of(p).text;
    points_.push_back(std::move(p));
    blobs_.emplace_back();
    return points_.size() - 1;
  }

  // Most pruned first: when every width of a ratio is over the flash budget, a smaller ratio is
  // larger still. Per ratio 8-bit weights first (the least RAM), then 4-bit (the least flash), then
  // mixed, which the budget drives and which lies between them.
  void search_grid() {
    std::vector<double> ratios = space_.prune_ratios;
    std::sort(ratios.rbegin(), ratios.rend());
    std::optional<double> too_large;  // a ratio all of whose widths were over the flash budget
    for (double r : ratios) {
      std::vector<size_t> at = points_at(r);
      if (too_large) {
        for (size_t i : at)
          skip(i, "not built: prune " + report::shortest(*too_large) +
                      " was over the flash budget with every width tried, and less pruning is larger");
        continue;
      }
      const std::optional<size_t> eight = width(at, "8"), four = width(at, "4"), mixed = width(at, "auto");
      if (eight) build_and_measure(*eight);
      const bool eight_ram_over = eight && points_[*eight].ram_bytes > setup_.target.ram_budget;
      for (std::optional<size_t> i : {four, mixed}) {
        if (!i) continue;
        if (eight_ram_over) {
          skip(*i, "not built: 8-bit weights already need more RAM than the budget, and 4-bit weights need more "
                   "(TFLM unpacks them into its arena)");
        } else if (i == mixed && four && points_[*four].flash_bytes > setup_.target.flash_budget) {
          skip(*i, "not built: all-4-bit weights are already over the flash budget");
        } else {
          build_and_measure(*i);
        }
      }
      too_large = r;
      for (size_t i : at)
        if (!points_[i].flash_bytes || *points_[i].flash_bytes <= setup_.target.flash_budget) too_large.reset();
    }
  }

  // The chosen configuration with each other calibration method (they change accuracy, not size).
  void refine_calibration(const FitPoint& chosen) {
    for (size_t m = 1; m < space_.calib_methods.size(); ++m) {
      FitPoint p = chosen;
      p.calib_method = space_.calib_methods[m];
      p.accuracy.reset();
      p.skipped.clear();
      build_and_measure(add_point(std::move(p)));
    }
  }

  std::vector<size_t> points_at(double ratio) const {
    std::vector<size_t> at;
    for (size_t i = 0; i < points_.size(); ++i)
      if (points_[i].prune_ratio == ratio) at.push_back(i);
    return at;
  }

  std::optional<size_t> width(const std::vector<size_t>& at, const std::string& bits) const {
    for (size_t i : at)
      if (points_[i].weight_bits == bits) return i;
    return std::nullopt;
  }

  report::EvaluationOptions evaluation_options() const {
    report::EvaluationOptions options;
    options.threads = setup_.context.executor.threads;
    return options;
  }

  void skip(size_t i, std::string why) {
    points_[i].skipped = std::move(why);
    advance();
  }

  void advance() {
    ++done_;
    if (setup_.progress) setup_.progress(done_, total_);
  }

  const ir::Graph& pruned(const FitPoint& p, const PointSteps& steps) {
    if (steps.prune.empty()) return *folded_;
    std::unique_ptr<ir::Graph>& g = pruned_[p.prune_ratio];
    if (!g) {
      g = folded_->clone();
      passes::PassContext context = setup_.context;
      passes::run_pipeline(*g, steps.prune, {}, &context);
    }
    return *g;
  }

  void build_and_measure(size_t i) {
    const auto start = std::chrono::steady_clock::now();
    FitPoint& p = points_[i];
    const PointSteps steps = steps_of(p);
    std::unique_ptr<ir::Graph> g = pruned(p, steps).clone();
    passes::PassContext context = setup_.context;
    context.device_budget = passes::DeviceBudget{
        std::max<int64_t>(setup_.target.flash_budget, 0), std::max<int64_t>(setup_.target.ram_budget, 0),
        [this](const ir::Graph& q) { return tflite_cost(q, setup_.output_options, setup_.output); }};
    passes::run_pipeline(*g, steps.quantize, {}, &context);
    if (p.weight_bits == "auto" && context.weights) {
      const auto& layers = context.weights->layers;
      p.four_bit_layers = {std::count_if(layers.begin(), layers.end(), [](const auto& l) { return l.bits == 4; }),
                           static_cast<int64_t>(layers.size())};
    }
    blobs_[i] = tflite_blob(*g, setup_.output_options, setup_.output);
    const passes::FileCost cost = blob_cost(blobs_[i]);
    p.flash_bytes = cost.bytes;
    p.ram_bytes = cost.ram_bytes;
    if (const std::optional<size_t> same = same_file(i)) {
      p.accuracy = points_[*same].accuracy;
      p.skipped = points_[*same].skipped;
      p.skipped += (p.skipped.empty() ? "" : "; ") + std::string("the same file as row ") + std::to_string(*same + 1);
    } else if (!p.fits(setup_.target)) {
      p.skipped = over_budget(p, setup_.target);
    } else {
      const report::Metrics m = report::compare_with_reference(reference_, *g, setup_.rows, setup_.plan, evaluation_options());
      p.accuracy = report::fit_accuracy(m);
      if (!measured_) measured_ = m;
    }
    if (!p.fits(setup_.target)) blobs_[i].clear();
    p.seconds = seconds_since(start);
    spdlog::info("fit: {}: flash {} B, RAM {} B, {}{} ({})", p.label(), report::grouped(*p.flash_bytes),
                 report::grouped(*p.ram_bytes), p.fits(setup_.target) ? "fits" : "does not fit",
                 p.accuracy ? ", loss " + report::fixed(p.accuracy->loss, 2) : "", report::duration(p.seconds));
    advance();
  }

  // An earlier point that wrote exactly these bytes (mixed widths that came out all 8 or all 4).
  std::optional<size_t> same_file(size_t i) const {
    for (size_t j = 0; j < points_.size(); ++j)
      if (j != i && !blobs_[j].empty() && blobs_[j] == blobs_[i]) return j;
    return std::nullopt;
  }

  FitSetup setup_;
  FitSpace space_;
  report::ReferenceOutputs reference_;
  std::unique_ptr<ir::Graph> folded_;
  std::map<double, std::unique_ptr<ir::Graph>> pruned_;
  std::vector<FitPoint> points_;
  std::vector<std::string> blobs_;  // each built point's file while it fits
  std::optional<report::Metrics> measured_;  // the first measurement: the float model's accuracy
  int64_t done_ = 0, total_ = 0;
};

}  // namespace

FitOutcome run_fit_search(FitSetup setup, const FitSpace& space, std::optional<double> max_accuracy_drop) {
  return Search(std::move(setup), space).run(max_accuracy_drop);
}

}  // namespace tinyc::cli

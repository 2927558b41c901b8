// What `tinyc fit` found: every configuration it tried against one target, with its flash, RAM
// and accuracy, which of them are Pareto-optimal, and the rule that picks the one to ship.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/evaluate_models.h"
#include "report/metrics.h"
#include "report/targets.h"

namespace tinyc::report {

// How accurate one configuration is against the float model on the measured rows.
struct FitAccuracy {
  std::optional<double> top1_pct;       // with labels (classifier)
  std::optional<double> auc;            // with labels and normal classes (autoencoder)
  std::optional<double> agreement_pct;  // classifier: same class as the float model
  double snr_db = 0;                    // the lowest output SNR
  double loss = 0;                      // see FitTable::loss_name
  // The loss's standard error from the rows it was measured on: a top-1 drop or a disagreement
  // counted over N rows of which d changed class is uncertain by about 100 * sqrt(d) / N points
  // (0 for AUC and SNR losses).
  double loss_se = 0;
  // What the choice ranks by: the loss one standard error on the pessimistic side, so a point
  // that changed many rows does not win on luck.
  double pessimistic_loss() const { return loss + loss_se; }
};

// One configuration: its compress options, what it costs on the device, and its accuracy.
struct FitPoint {
  double prune_ratio = 0;  // 0: not pruned
  std::string granularity = "structured";
  std::string weight_bits = "8";  // 8, 4 or auto
  std::string calib_method = "auto";
  // weight_bits auto, once built: the weighted layers, and how many of them got 4-bit weights.
  std::optional<std::pair<int64_t, int64_t>> four_bit_layers;  // (4-bit layers, weighted layers)
  std::string command;   // the `tinyc compress` command line that writes this configuration
  std::string pipeline;  // the pass pipeline it ran
  std::optional<int64_t> flash_bytes;  // the .tflite file; empty when not built
  std::optional<int64_t> ram_bytes;    // TFLM's arena on a 32-bit MCU
  std::optional<FitAccuracy> accuracy;  // empty when not measured
  std::string skipped;  // why it was not built or not measured; empty when measured
  bool pareto = false;  // no other measured point is as small in flash and RAM and as accurate
  double seconds = 0;   // building and measuring it

  // "prune 0.5, 4-bit weights, calib minmax": the options that differ from plain int8.
  std::string label() const;
  bool fits(const TargetFit& target) const;
};

// The whole search.
struct FitTable {
  std::string model;
  TargetFit target;  // budgets; flash_used/ram_used of the chosen point
  std::string measured_on;  // the rows accuracy was measured on, e.g. "fmnist_test_2k.npy (2,000 rows, with labels)"
  std::string loss_name;    // "top-1 drop (points)", "AUC drop (points)", "disagreement (%)" or "-SNR (dB)"
  std::optional<double> float_top1_pct;
  std::optional<double> float_auc;
  std::optional<double> max_accuracy_drop;  // --max-accuracy-drop: the choice keeps within it
  std::vector<FitPoint> points;
  std::optional<size_t> chosen;   // the point to ship
  std::optional<size_t> closest;  // without a chosen point: the one nearest to qualifying
  std::string verdict;            // one line: what was chosen, or why nothing was and how far the closest is
  double seconds = 0;
};

// The accuracy of `m` and its loss: with labels the top-1 drop in points (anomaly AUC drop x 100
// for an autoencoder), else 100 - agreement for a classifier, else minus the lowest output SNR;
// and the loss's standard error.
FitAccuracy fit_accuracy(const Metrics& m);
// "0.30 ±0.42": the loss and, when it has one, its standard error.
std::string loss_text(const FitAccuracy& a);

// The name of that loss for rows measured as `plan` says.
std::string loss_name(const EvaluationPlan& plan);

// Marks the Pareto-optimal measured points over (flash, RAM, loss).
void mark_pareto(std::vector<FitPoint>& points);

// Fills chosen, closest and verdict. Among the measured points that fit: without
// max_accuracy_drop, the least pessimistic loss (then the least flash, then RAM); with it, the
// least flash among those whose pessimistic loss is within the drop (then RAM, then loss). When none fits, `closest` is the built point
// with the least overshoot of its budgets (the larger of flash/flash budget and RAM/RAM budget);
// when points fit but none is within the drop, the fitting point with the least pessimistic loss.
void choose_point(FitTable& table);

}  // namespace tinyc::report

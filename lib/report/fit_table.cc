// The fit search's bookkeeping: losses, the Pareto front and the choice of the point to ship.
#include "report/fit_table.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "report/text_format.h"

namespace tinyc::report {

namespace {

bool measured(const FitPoint& p) { return p.accuracy.has_value() && p.flash_bytes && p.ram_bytes; }

// How far past its budgets a built point is: 1.0 = exactly at the tighter one.
double overshoot(const FitPoint& p, const TargetFit& t) {
  const auto ratio = [](int64_t used, int64_t budget) {
    return budget > 0 ? static_cast<double>(used) / static_cast<double>(budget) : HUGE_VAL;
  };
  return std::max(ratio(*p.flash_bytes, t.flash_budget), ratio(*p.ram_bytes, t.ram_budget));
}

std::string over_text(const std::string& what, int64_t used, int64_t budget) {
  if (used <= budget) return what + " " + grouped(used) + " B of " + grouped(budget) + " B";
  return what + " " + grouped(used) + " B, " + grouped(used - budget) + " B over its budget of " + grouped(budget) + " B";
}

}  // namespace

std::string FitPoint::label() const {
  std::string text = prune_ratio > 0 ? "prune " + shortest(prune_ratio) : "no pruning";
  if (prune_ratio > 0 && granularity != "structured") text += " " + granularity;
  if (weight_bits != "auto")
    text += ", " + weight_bits + "-bit weights";
  else if (four_bit_layers)
    text += ", auto widths (" + std::to_string(four_bit_layers->first) + "/" + std::to_string(four_bit_layers->second) +
            " layers 4-bit)";
  else
    text += ", auto widths";
  if (calib_method != "auto") text += ", calib " + calib_method;
  return text;
}

bool FitPoint::fits(const TargetFit& target) const {
  return flash_bytes && ram_bytes && *flash_bytes <= target.flash_budget && *ram_bytes <= target.ram_budget;
}

std::string loss_text(const FitAccuracy& a) {
  return fixed(a.loss, 2) + (a.loss_se > 0 ? " ±" + fixed(a.loss_se, 2) : "");
}

FitAccuracy fit_accuracy(const Metrics& m) {
  FitAccuracy a;
  a.snr_db = m.min_output_snr_db();
  a.loss = -a.snr_db;
  if (m.classification) {
    a.agreement_pct = m.classification->agreement_pct;
    a.loss = 100.0 - *a.agreement_pct;
    if (m.rows > 0)
      a.loss_se = 100.0 * std::sqrt(static_cast<double>(m.classification->disagreements)) / static_cast<double>(m.rows);
    if (m.classification->top1_compressed_pct) {
      a.top1_pct = m.classification->top1_compressed_pct;
      a.loss = 0.0 - *m.classification->top1_delta_points();  // 0.0 - x: no negative zero
    }
  }
  if (m.anomaly) {
    a.auc = m.anomaly->auc_compressed;
    a.loss = 100.0 * (m.anomaly->auc_float - m.anomaly->auc_compressed);
    a.loss_se = 0;
  }
  return a;
}

std::string loss_name(const EvaluationPlan& plan) {
  if (plan.task == OutputTask::Reconstruction && plan.has_labels() && !plan.normal_classes.empty())
    return "AUC drop (points)";
  if (plan.task != OutputTask::Classification) return "-SNR (dB)";
  return plan.has_labels() ? "top-1 drop (points)" : "disagreement with the float model (%)";
}

void mark_pareto(std::vector<FitPoint>& points) {
  for (FitPoint& p : points) {
    p.pareto = measured(p);
    if (!p.pareto) continue;
    for (const FitPoint& q : points) {
      if (&q == &p || !measured(q)) continue;
      const bool no_worse = *q.flash_bytes <= *p.flash_bytes && *q.ram_bytes <= *p.ram_bytes &&
                            q.accuracy->loss <= p.accuracy->loss;
      const bool better = *q.flash_bytes < *p.flash_bytes || *q.ram_bytes < *p.ram_bytes ||
                          q.accuracy->loss < p.accuracy->loss;
      if (no_worse && better) {
        p.pareto = false;
        break;
      }
    }
  }
}

void choose_point(FitTable& t) {
  t.chosen.reset();
  t.closest.reset();
  std::vector<size_t> fitting;
  for (size_t i = 0; i < t.points.size(); ++i)
    if (measured(t.points[i]) && t.points[i].fits(t.target)) fitting.push_back(i);
  const auto key_loss = [&](size_t i) {
    const FitPoint& p = t.points[i];
    return std::make_tuple(p.accuracy->pessimistic_loss(), *p.flash_bytes, *p.ram_bytes, i);
  };
  const auto key_flash = [&](size_t i) {
    const FitPoint& p = t.points[i];
    return std::make_tuple(*p.flash_bytes, *p.ram_bytes, p.accuracy->loss, i);
  };
  const std::string board = t.target.profile.name;
  if (fitting.empty()) {
    std::optional<size_t> closest;
    for (size_t i = 0; i < t.points.size(); ++i) {
      const FitPoint& p = t.points[i];
      if (p.flash_bytes && p.ram_bytes && (!closest || overshoot(p, t.target) < overshoot(t.points[*closest], t.target)))
        closest = i;
    }
    t.closest = closest;
    if (!closest) {
      t.verdict = "no configuration could be built for " + board;
      return;
    }
    const FitPoint& c = t.points[*closest];
    t.verdict = "nothing tried fits " + board + ": the closest, " + c.label() + ", needs " +
                over_text("flash", *c.flash_bytes, t.target.flash_budget) + " and " +
                over_text("RAM", *c.ram_bytes, t.target.ram_budget);
    return;
  }
  if (!t.max_accuracy_drop) {
    t.chosen = *std::min_element(fitting.begin(), fitting.end(),
                                 [&](size_t a, size_t b) { return key_loss(a) < key_loss(b); });
  } else {
    std::vector<size_t> within;
    for (size_t i : fitting)
      if (t.points[i].accuracy->pessimistic_loss() <= *t.max_accuracy_drop) within.push_back(i);
    if (within.empty()) {
      t.closest = *std::min_element(fitting.begin(), fitting.end(),
                                    [&](size_t a, size_t b) { return key_loss(a) < key_loss(b); });
      const FitPoint& c = t.points[*t.closest];
      t.verdict = "no configuration that fits " + board + " keeps within --max-accuracy-drop " +
                  shortest(*t.max_accuracy_drop) + ": the closest, " + c.label() + ", loses " +
                  loss_text(*c.accuracy) + " points";
      return;
    }
    t.chosen = *std::min_element(within.begin(), within.end(),
                                 [&](size_t a, size_t b) { return key_flash(a) < key_flash(b); });
  }
  const FitPoint& c = t.points[*t.chosen];
  t.verdict = "chosen for " + board + ": " + c.label() + " (" + over_text("flash", *c.flash_bytes, t.target.flash_budget) +
              ", " + over_text("RAM", *c.ram_bytes, t.target.ram_budget) + ", " + t.loss_name + " " +
              loss_text(*c.accuracy) + ")";
}

}  // namespace tinyc::report

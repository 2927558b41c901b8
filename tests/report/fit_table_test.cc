// The fit table's rules and writers on hand-made points: the Pareto front, the choice with and
// without --max-accuracy-drop, the closest point when nothing fits, and what JSON, Markdown and
// SVG carry.
#include <catch2/catch.hpp>

#include <cmath>

#include "report/fit_writers.h"

using namespace tinyc::report;

namespace {

FitPoint point(double ratio, const std::string& bits, int64_t flash, int64_t ram, std::optional<double> loss) {
  FitPoint p;
  p.prune_ratio = ratio;
  p.weight_bits = bits;
  p.flash_bytes = flash;
  p.ram_bytes = ram;
  if (loss) {
    p.accuracy = FitAccuracy{};
    p.accuracy->top1_pct = 90.0 - *loss;
    p.accuracy->agreement_pct = 99.0;
    p.accuracy->snr_db = 20;
    p.accuracy->loss = *loss;
  }
  p.command = "tinyc compress m.onnx --int8";
  return p;
}

// Budgets 10,000 B of flash and 5,000 B of RAM.
FitTable table_of(std::vector<FitPoint> points) {
  FitTable t;
  t.model = "m.onnx";
  t.target.profile.name = "board";
  t.target.flash_budget = 10000;
  t.target.ram_budget = 5000;
  t.loss_name = "top-1 drop (points)";
  t.float_top1_pct = 90.0;
  t.measured_on = "eval.npy (100 rows)";
  t.points = std::move(points);
  return t;
}

}  // namespace

TEST_CASE("fit: the most accurate point that fits is chosen, and --max-accuracy-drop takes the smallest within it") {
  FitTable t = table_of({point(0, "8", 20000, 3000, std::nullopt),  // too large: not measured
                         point(0.25, "8", 9000, 3000, 0.4), point(0.5, "8", 6000, 2500, 0.9),
                         point(0.5, "4", 4000, 6000, 1.2),  // RAM over
                         point(0.75, "4", 3000, 2000, 3.0)});
  t.points[0].skipped = "over the flash budget by 10,000 B";
  choose_point(t);
  REQUIRE(t.chosen);
  CHECK(*t.chosen == 1);
  CHECK(t.verdict.find("prune 0.25, 8-bit weights") != std::string::npos);

  t.max_accuracy_drop = 1.0;
  choose_point(t);
  CHECK(*t.chosen == 2);  // 6,000 B within a drop of 1.0; the 3,000 B point drops 3.0

  t.max_accuracy_drop = 0.1;
  choose_point(t);
  CHECK(!t.chosen);
  REQUIRE(t.closest);
  CHECK(*t.closest == 1);
  CHECK(t.verdict.find("keeps within --max-accuracy-drop 0.1") != std::string::npos);
}

TEST_CASE("fit: when nothing fits, the closest is the point least over its tighter budget") {
  FitTable t = table_of({point(0, "8", 30000, 3000, std::nullopt),   // 3.0x the flash budget
                         point(0.5, "4", 12000, 6500, std::nullopt),  // 1.3x the RAM budget
                         point(0.5, "8", 11000, 4000, std::nullopt)});  // 1.1x the flash budget
  choose_point(t);
  CHECK(!t.chosen);
  REQUIRE(t.closest);
  CHECK(*t.closest == 2);
  CHECK(t.verdict.find("nothing tried fits board") != std::string::npos);
  CHECK(t.verdict.find("1,000 B over its budget of 10,000 B") != std::string::npos);
}

TEST_CASE("fit: the Pareto front over flash, RAM and loss") {
  std::vector<FitPoint> points{point(0, "8", 9000, 3000, 0.0), point(0.25, "8", 9500, 3000, 0.5),  // dominated by #0
                               point(0.5, "8", 6000, 2500, 0.9), point(0.5, "4", 4000, 4000, 1.2),
                               point(0.75, "8", 6000, 2500, 1.0),  // dominated by #2
                               point(0.75, "4", 30000, 9000, std::nullopt)};
  mark_pareto(points);
  CHECK(points[0].pareto);
  CHECK(!points[1].pareto);
  CHECK(points[2].pareto);
  CHECK(points[3].pareto);
  CHECK(!points[4].pareto);
  CHECK(!points[5].pareto);  // not measured
}

TEST_CASE("fit writers: every point in JSON, Markdown and the summary, and the SVG plots the measured ones") {
  FitTable t = table_of({point(0, "8", 9000, 3000, 0.0), point(0.5, "auto", 6000, 2500, 0.9),
                         point(0.75, "4", 30000, 9000, std::nullopt)});
  t.points[1].four_bit_layers = std::make_pair<int64_t, int64_t>(3, 7);
  t.points[2].skipped = "over the flash budget by 20,000 B";
  mark_pareto(t.points);
  choose_point(t);
  const auto j = fit_to_json(t);
  CHECK(j["schema_version"] == kFitSchemaVersion);
  REQUIRE(j["points"].size() == 3);
  CHECK(j["chosen"] == 0);
  CHECK(j["command"] == "tinyc compress m.onnx --int8");
  CHECK(j["points"][1]["label"] == "prune 0.5, auto widths (3/7 layers 4-bit)");
  CHECK(j["points"][1]["four_bit_layers"] == 3);
  CHECK(j["points"][2]["fits"] == false);
  CHECK(j["points"][2]["loss"].is_null());
  CHECK(j["target"]["flash_budget_bytes"] == 10000);

  const std::string md = fit_to_markdown(t, "fit.svg");
  CHECK(md.find("| 1 | no pruning, 8-bit weights | 9,000 | 3,000 | yes |") != std::string::npos);
  CHECK(md.find("over the flash budget by 20,000 B") != std::string::npos);
  CHECK(md.find("![accuracy against flash](fit.svg)") != std::string::npos);
  CHECK(md.find("```\ntinyc compress m.onnx --int8\n```") != std::string::npos);

  const std::string summary = fit_summary(t);
  CHECK(summary.find("reproduce: tinyc compress m.onnx --int8") != std::string::npos);

  const std::string svg = fit_to_svg(t);
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  size_t circles = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1)) ++circles;
  CHECK(circles == 2);  // the two measured points
  CHECK(svg.find("flash budget") != std::string::npos);
  CHECK(svg.find("<polyline") != std::string::npos);
}

TEST_CASE("fit: a loss measured from many changed rows counts its standard error against it") {
  Metrics m;
  m.rows = 1000;
  m.task = OutputTask::Classification;
  m.outputs.push_back({"output", 10, 20.0});
  m.classification = ClassificationMetrics{};
  m.classification->agreement_pct = 98.2;
  m.classification->disagreements = 18;
  m.classification->top1_float_pct = 92.0;
  m.classification->top1_compressed_pct = 92.3;
  const FitAccuracy lucky = fit_accuracy(m);
  CHECK(lucky.loss == Approx(-0.3));
  CHECK(lucky.loss_se == Approx(100.0 * std::sqrt(18.0) / 1000));  // 0.42
  CHECK(loss_text(lucky) == "-0.30 ±0.42");

  m.classification->agreement_pct = 99.6;
  m.classification->disagreements = 4;
  m.classification->top1_compressed_pct = 92.1;
  const FitAccuracy steady = fit_accuracy(m);
  CHECK(steady.loss_se == Approx(0.2));

  // -0.30 from 18 changed rows is less sure than -0.10 from 4: the steady point wins.
  FitTable t = table_of({point(0.25, "8", 5000, 3000, 0.0), point(0, "8", 9000, 3000, 0.0)});
  t.points[0].accuracy = lucky;
  t.points[1].accuracy = steady;
  choose_point(t);
  REQUIRE(t.chosen);
  CHECK(*t.chosen == 1);
}

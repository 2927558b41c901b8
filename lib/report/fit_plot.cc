// The fit table's plot: accuracy against flash as a small self-contained SVG.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "report/fit_writers.h"
#include "report/text_format.h"

namespace tinyc::report {

namespace {

constexpr double kWidth = 720, kHeight = 440;
constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 60;

// The accuracy measure the plot's y axis shows, and a point's value on it.
struct YAxis {
  std::string title;
  double (*value)(const FitAccuracy&);
  std::optional<double> float_value;
};

YAxis y_axis(const FitTable& t) {
  if (t.float_top1_pct) return {"top-1 accuracy (%)", [](const FitAccuracy& a) { return *a.top1_pct; }, t.float_top1_pct};
  if (t.float_auc) return {"anomaly AUC", [](const FitAccuracy& a) { return *a.auc; }, t.float_auc};
  for (const FitPoint& p : t.points)
    if (p.accuracy && p.accuracy->agreement_pct)
      return {"agreement with the float model (%)", [](const FitAccuracy& a) { return *a.agreement_pct; }, 100.0};
  return {"output SNR (dB)", [](const FitAccuracy& a) { return a.snr_db; }, std::nullopt};
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

// A "nice" step (1, 2 or 5 times a power of ten) giving about `ticks` intervals over `span`.
double nice_step(double span, int ticks) {
  const double raw = span / ticks;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * power) return m * power;
  return 10 * power;
}

}  // namespace

std::string fit_to_svg(const FitTable& t) {
  const YAxis axis = y_axis(t);
  std::vector<size_t> shown;
  for (size_t i = 0; i < t.points.size(); ++i)
    if (t.points[i].accuracy && t.points[i].flash_bytes && std::isfinite(axis.value(*t.points[i].accuracy)))
      shown.push_back(i);
  // The budget is drawn when it is near the points; far beyond them it would crowd them to the left.
  const auto budget = static_cast<double>(std::max<int64_t>(t.target.flash_budget, 0));
  double x_max = 1;
  double y_min = axis.float_value.value_or(0), y_max = y_min;
  for (size_t i : shown) {
    x_max = std::max(x_max, static_cast<double>(*t.points[i].flash_bytes));
    const double y = axis.value(*t.points[i].accuracy);
    y_min = std::min(y_min, y);
    y_max = std::max(y_max, y);
  }
  if (shown.empty()) y_min = 0, y_max = 1;
  const bool budget_shown = shown.empty() || budget <= 1.5 * x_max;
  if (budget_shown) x_max = std::max(x_max, budget);
  const double y_pad = std::max(0.05 * (y_max - y_min), 1e-3 * std::max(1.0, std::fabs(y_max)));
  y_min -= y_pad;
  y_max += y_pad;
  x_max *= 1.08;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const auto px = [&](double x) { return kLeft + plot_w * x / x_max; };
  const auto py = [&](double y) { return kTop + plot_h * (1 - (y - y_min) / (y_max - y_min)); };

  std::ostringstream os;
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << kWidth << "\" height=\"" << kHeight
     << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
     << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
     << "<text x=\"" << kLeft << "\" y=\"22\" font-size=\"14\">" << escape(std::filesystem::path(t.model).filename().string()) << " on "
     << escape(t.target.profile.name) << ": " << escape(axis.title) << " against flash</text>\n";
  // Axes with ticks.
  os << "<g stroke=\"#444\"><line x1=\"" << kLeft << "\" y1=\"" << kTop + plot_h << "\" x2=\"" << kLeft + plot_w
     << "\" y2=\"" << kTop + plot_h << "\"/><line x1=\"" << kLeft << "\" y1=\"" << kTop << "\" x2=\"" << kLeft
     << "\" y2=\"" << kTop + plot_h << "\"/></g>\n";
  const double x_step = nice_step(x_max, 6);
  for (double x = 0; x <= x_max; x += x_step)
    os << "<text x=\"" << px(x) << "\" y=\"" << kTop + plot_h + 16 << "\" text-anchor=\"middle\">"
       << grouped(static_cast<int64_t>(std::llround(x))) << "</text>\n";
  const double y_step = nice_step(y_max - y_min, 5);
  for (double y = std::ceil(y_min / y_step) * y_step; y <= y_max; y += y_step)
    os << "<text x=\"" << kLeft - 6 << "\" y=\"" << py(y) + 4 << "\" text-anchor=\"end\">"
       << fixed(y, y_step < 0.01 ? 3 : y_step < 1 ? 2 : 0) << "</text>\n";
  os << "<text x=\"" << kLeft + plot_w / 2 << "\" y=\"" << kHeight - 18
     << "\" text-anchor=\"middle\">flash: .tflite bytes</text>\n"
     << "<text transform=\"translate(16," << kTop + plot_h / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
     << escape(axis.title) << "</text>\n";
  // The budget and the float model.
  if (budget_shown) {
    const double budget_x = px(budget);
    os << "<line x1=\"" << budget_x << "\" y1=\"" << kTop << "\" x2=\"" << budget_x << "\" y2=\"" << kTop + plot_h
       << "\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>\n<text x=\"" << budget_x - 4 << "\" y=\"" << kTop + 12
       << "\" text-anchor=\"end\" fill=\"#c00\">flash budget</text>\n";
  } else {
    os << "<text x=\"" << kLeft + plot_w << "\" y=\"" << kTop + 12 << "\" text-anchor=\"end\" fill=\"#c00\">flash budget "
       << grouped(static_cast<int64_t>(budget)) << " B, off the chart →</text>\n";
  }
  if (axis.float_value)
    os << "<line x1=\"" << kLeft << "\" y1=\"" << py(*axis.float_value) << "\" x2=\"" << kLeft + plot_w << "\" y2=\""
       << py(*axis.float_value) << "\" stroke=\"#888\" stroke-dasharray=\"2 3\"/>\n<text x=\"" << kLeft + plot_w - 4
       << "\" y=\"" << py(*axis.float_value) - 4 << "\" text-anchor=\"end\" fill=\"#666\">float model</text>\n";
  // The front over flash and accuracy: each point more accurate than every smaller one.
  std::vector<size_t> by_flash = shown;
  std::sort(by_flash.begin(), by_flash.end(), [&](size_t a, size_t b) {
    return std::make_pair(*t.points[a].flash_bytes, t.points[a].accuracy->loss) <
           std::make_pair(*t.points[b].flash_bytes, t.points[b].accuracy->loss);
  });
  std::string front;
  double best = HUGE_VAL;
  for (size_t i : by_flash) {
    if (t.points[i].accuracy->loss >= best) continue;
    best = t.points[i].accuracy->loss;
    front += (front.empty() ? "" : " ") + std::to_string(px(static_cast<double>(*t.points[i].flash_bytes))) + "," +
             std::to_string(py(axis.value(*t.points[i].accuracy)));
  }
  if (!front.empty())
    os << "<polyline points=\"" << front << "\" fill=\"none\" stroke=\"#2a6\" stroke-width=\"1.5\"/>\n";
  for (size_t i : shown) {
    const FitPoint& p = t.points[i];
    const double x = px(static_cast<double>(*p.flash_bytes)), y = py(axis.value(*p.accuracy));
    const bool fits = p.fits(t.target);
    os << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"" << (t.chosen == i ? 7 : 5) << "\" fill=\""
       << (t.chosen == i ? "#d60" : fits ? "#36c" : "#aaa") << "\"><title>" << i + 1 << ": " << escape(p.label())
       << "</title></circle>\n<text x=\"" << x + 8 << "\" y=\"" << y - 6 << "\" font-size=\"10\">" << i + 1
       << "</text>\n";
  }
  os << "<text x=\"" << kLeft << "\" y=\"" << kHeight - 2
     << "\" font-size=\"10\" fill=\"#444\">numbers: rows of the fit table; orange: chosen; blue: fits; grey: does not "
        "fit; green: the front</text>\n</svg>\n";
  return os.str();
}

}  // namespace tinyc::report

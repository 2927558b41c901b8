// Text renderings of the fit table: JSON, Markdown and the terminal summary.
#include "report/fit_writers.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "report/report_json.h"
#include "report/text_format.h"

namespace tinyc::report {

namespace {

using json = nlohmann::ordered_json;

json point_json(const FitPoint& p, const TargetFit& target) {
  const std::optional<FitAccuracy>& a = p.accuracy;
  return {{"label", p.label()},
          {"prune_ratio", p.prune_ratio},
          {"granularity", p.granularity},
          {"weight_bits", p.weight_bits},
          {"four_bit_layers", p.four_bit_layers ? json(p.four_bit_layers->first) : json(nullptr)},
          {"weighted_layers", p.four_bit_layers ? json(p.four_bit_layers->second) : json(nullptr)},
          {"calib_method", p.calib_method},
          {"flash_bytes", optional_value(p.flash_bytes)},
          {"ram_bytes", optional_value(p.ram_bytes)},
          {"fits", p.fits(target)},
          {"top1_pct", a ? optional_value(a->top1_pct) : json(nullptr)},
          {"auc", a ? optional_value(a->auc) : json(nullptr)},
          {"agreement_pct", a ? optional_value(a->agreement_pct) : json(nullptr)},
          {"snr_db", a ? number(a->snr_db) : json(nullptr)},
          {"loss", a ? number(a->loss) : json(nullptr)},
          {"loss_se", a ? number(a->loss_se) : json(nullptr)},
          {"pareto", p.pareto},
          {"skipped", p.skipped.empty() ? json(nullptr) : json(p.skipped)},
          {"seconds", p.seconds},
          {"command", p.command},
          {"pipeline", p.pipeline}};
}

std::string bytes_or_dash(const std::optional<int64_t>& b) { return b ? grouped(*b) : "-"; }

std::string pct_or_dash(const std::optional<double>& v, int decimals) { return v ? fixed(*v, decimals) : "-"; }

// The accuracy columns the measured rows allow: (header, value of a point).
struct Column {
  std::string header;
  std::string (*value)(const FitAccuracy&);
};

std::vector<Column> accuracy_columns(const FitTable& t) {
  std::vector<Column> columns;
  if (t.float_top1_pct) columns.push_back({"top-1 %", [](const FitAccuracy& a) { return pct_or_dash(a.top1_pct, 2); }});
  if (t.float_auc) columns.push_back({"AUC", [](const FitAccuracy& a) { return pct_or_dash(a.auc, 4); }});
  bool agreement = false;
  for (const FitPoint& p : t.points) agreement = agreement || (p.accuracy && p.accuracy->agreement_pct);
  if (agreement)
    columns.push_back({"agreement %", [](const FitAccuracy& a) { return pct_or_dash(a.agreement_pct, 2); }});
  columns.push_back({"SNR dB", [](const FitAccuracy& a) { return fixed(a.snr_db, 1); }});
  return columns;
}

// `text` right-aligned in `width` columns of a terminal, counting UTF-8 characters, not bytes ("±").
std::string right_aligned(const std::string& text, size_t width) {
  const size_t chars = static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  return std::string(width > chars ? width - chars : 0, ' ') + text;
}

std::string mark(const FitTable& t, size_t i) {
  if (t.chosen == i) return "chosen";
  if (t.closest == i) return "closest";
  return t.points[i].pareto ? "pareto" : "";
}

std::string float_line(const FitTable& t) {
  if (t.float_top1_pct) return "float model top-1 " + fixed(*t.float_top1_pct, 2) + " %";
  if (t.float_auc) return "float model AUC " + fixed(*t.float_auc, 4);
  return "";
}

}  // namespace

nlohmann::ordered_json fit_to_json(const FitTable& t) {
  json points = json::array();
  for (const FitPoint& p : t.points) points.push_back(point_json(p, t.target));
  return {{"schema_version", kFitSchemaVersion},
          {"model", t.model},
          {"target", target_to_json(t.target)},
          {"measured_on", t.measured_on},
          {"loss", t.loss_name},
          {"float", {{"top1_pct", optional_value(t.float_top1_pct)}, {"auc", optional_value(t.float_auc)}}},
          {"max_accuracy_drop", optional_value(t.max_accuracy_drop)},
          {"points", points},
          {"chosen", optional_value(t.chosen)},
          {"closest", optional_value(t.closest)},
          {"verdict", t.verdict},
          {"command", t.chosen ? json(t.points[*t.chosen].command) : json(nullptr)},
          {"seconds", t.seconds}};
}

std::string fit_to_markdown(const FitTable& t, const std::string& plot_file) {
  std::ostringstream os;
  const TargetFit& g = t.target;
  os << "# tinyc fit: `" << t.model << "` for " << g.profile.name << "\n\n"
     << g.profile.board << " (" << g.profile.core << "): " << grouped(g.profile.flash_bytes) << " B flash, "
     << grouped(g.profile.ram_bytes) << " B RAM; after the runtime's " << grouped(g.runtime_flash) << " B and "
     << grouped(g.runtime_ram) << " B, the model may use **" << grouped(g.flash_budget) << " B of flash and "
     << grouped(g.ram_budget) << " B of RAM**.\n\n"
     << "Accuracy measured on " << t.measured_on << "; the choice minimises the " << t.loss_name
     << " plus its standard error";
  if (t.max_accuracy_drop) os << ", the smallest flash within a drop of " << fixed(*t.max_accuracy_drop, 2) << " points";
  if (const std::string f = float_line(t); !f.empty()) os << " (" << f << ")";
  os << ".\n\n**" << t.verdict << "**\n\n";
  if (t.chosen) os << "Reproduce it:\n\n```\n" << t.points[*t.chosen].command << "\n```\n\n";
  const std::vector<Column> columns = accuracy_columns(t);
  os << "| # | configuration | flash B | RAM B | fits |";
  for (const Column& c : columns) os << " " << c.header << " |";
  os << " " << t.loss_name << " ± SE | |\n|---:|---|---:|---:|---|";
  for (size_t i = 0; i < columns.size() + 1; ++i) os << "---:|";
  os << "---|\n";
  for (size_t i = 0; i < t.points.size(); ++i) {
    const FitPoint& p = t.points[i];
    os << "| " << i + 1 << " | " << p.label() << " | " << bytes_or_dash(p.flash_bytes) << " | "
       << bytes_or_dash(p.ram_bytes) << " | " << (p.flash_bytes ? (p.fits(g) ? "yes" : "no") : "-") << " |";
    for (const Column& c : columns) os << " " << (p.accuracy ? c.value(*p.accuracy) : "-") << " |";
    os << " " << (p.accuracy ? loss_text(*p.accuracy) : "-") << " | " << mark(t, i)
       << (p.skipped.empty() ? "" : (mark(t, i).empty() ? "" : "; ") + p.skipped) << " |\n";
  }
  if (!plot_file.empty()) os << "\n![accuracy against flash](" << plot_file << ")\n";
  os << "\n" << t.points.size() << " configurations in " << duration(t.seconds) << ".\n";
  return os.str();
}

std::string fit_summary(const FitTable& t) {
  std::ostringstream os;
  const std::vector<Column> columns = accuracy_columns(t);
  os << std::left << std::setw(4) << "#" << std::setw(62) << "configuration" << std::right << std::setw(10) << "flash B"
     << std::setw(10) << "RAM B" << std::setw(6) << "fits";
  for (const Column& c : columns) os << std::setw(13) << c.header;
  os << std::setw(14) << "loss" << "  \n";
  for (size_t i = 0; i < t.points.size(); ++i) {
    const FitPoint& p = t.points[i];
    os << std::left << std::setw(4) << i + 1 << std::setw(62) << p.label() << std::right << std::setw(10)
       << bytes_or_dash(p.flash_bytes) << std::setw(10) << bytes_or_dash(p.ram_bytes) << std::setw(6)
       << (p.flash_bytes ? (p.fits(t.target) ? "yes" : "no") : "-");
    for (const Column& c : columns) os << std::setw(13) << (p.accuracy ? c.value(*p.accuracy) : "-");
    os << right_aligned(p.accuracy ? loss_text(*p.accuracy) : "-", 14) << "  " << mark(t, i);
    if (!p.skipped.empty()) os << (mark(t, i).empty() ? "" : "; ") << p.skipped;
    os << "\n";
  }
  os << "loss: " << t.loss_name << " on " << t.measured_on << "\n" << t.verdict << "\n";
  if (t.chosen) os << "reproduce: " << t.points[*t.chosen].command << "\n";
  return os.str();
}

}  // namespace tinyc::report

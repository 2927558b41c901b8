// Pruning options of `compress`: checking them and summarising the result for the report.
#include "prune_options.h"

#include "ir/error.h"
#include "report/text_format.h"

namespace tinyc::cli {

void add_prune_options(CLI::App& cmd, PruneCliOptions& opt) {
  cmd.add_option("--prune", opt.ratio,
                 "Remove this fraction (0 < R < 1) of the Conv/Gemm weights before quantizing: layer ratios are "
                 "chosen from sensitivity measured on --calib rows, then later layers are refit; without --calib, "
                 "on rows synthesized from the model's BatchNorm statistics (less accurate)")
      ->each([&opt](const std::string&) { opt.given = true; });
  cmd.add_option("--prune-granularity", opt.granularity,
                 "structured: whole channels/neurons (shrinks flash, RAM and MACs); unstructured: single weights "
                 "(the TFLite blob does not shrink)")
      ->check(CLI::IsMember({"structured", "unstructured"}))
      ->capture_default_str();
}

std::string prune_step(const PruneCliOptions& opt) {
  if (!opt.enabled()) {
    if (opt.granularity != "structured") throw InputError("--prune-granularity needs --prune R");
    return "";
  }
  if (!(opt.ratio > 0 && opt.ratio < 1))
    throw InputError("--prune " + std::to_string(opt.ratio) + ": give a fraction between 0 and 1, e.g. --prune 0.5");
  return "prune(ratio=" + report::shortest(opt.ratio) + ",granularity=" + opt.granularity + ")";
}

report::PruningFacts pruning_facts(const passes::PruneReport& pruned_report, const ir::Graph& pruned) {
  report::PruningFacts facts;
  facts.granularity = passes::granularity_name(pruned_report.granularity);
  facts.requested_ratio = pruned_report.requested_ratio;
  facts.achieved_ratio = pruned_report.achieved_ratio();
  facts.prunable_before = pruned_report.prunable_before;
  facts.prunable_after = pruned_report.prunable_after;
  for (const passes::LayerPruning& l : pruned_report.layers)
    facts.layers.push_back({l.name, l.units_before, l.units_after, l.sensitivity_snr_db});
  for (const passes::LayerRefit& f : pruned_report.refits)
    facts.refits.push_back({f.name, f.error_before, f.error_after, f.applied});
  facts.pruned_float = report::model_facts(pruned, "", std::nullopt);
  return facts;
}

}  // namespace tinyc::cli

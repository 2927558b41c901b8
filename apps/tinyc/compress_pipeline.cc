// Composition of compress's pipeline from --passes and the shorthand options.
#include "compress_pipeline.h"

#include <algorithm>

#include "ir/error.h"
#include "passes/default_pipelines.h"

namespace tinyc::cli {

namespace {

std::vector<passes::PipelineStep> steps_of(const std::string& text) {
  return text.empty() ? std::vector<passes::PipelineStep>{} : passes::parse_pipeline(text);
}

void append(std::vector<passes::PipelineStep>& steps, const std::string& text) {
  for (passes::PipelineStep& s : steps_of(text)) steps.push_back(std::move(s));
}

// --prune's step goes where pruning belongs: after the float rewrites, before anything that
// prepares or performs quantization.
void insert_prune(std::vector<passes::PipelineStep>& steps, const std::string& prune) {
  const auto before = std::find_if(steps.begin(), steps.end(), [](const passes::PipelineStep& s) {
    return s.info->name == "equalize_cross_layer" || s.info->name == "bias_correction" ||
           s.info->name == "quantize_int8";
  });
  steps.insert(before, steps_of(prune).front());
}

std::vector<passes::PipelineStep> steps_with_passes(const std::string& passes_text, const std::string& prune,
                                                    const QuantizeOptions& quantize) {
  std::vector<passes::PipelineStep> steps = passes::parse_pipeline(passes_text);
  if (!prune.empty()) {
    if (passes::has_step(steps, "prune"))
      throw InputError("--prune and a prune step in --passes: give the pruning once, as --prune or as prune(ratio=...)");
    insert_prune(steps, prune);
  }
  if (passes::has_step(steps, "quantize_int8")) {
    if (quantize.calib_method != "auto" || quantize.weight_scales != "per_channel" || quantize.weight_bits != "8" ||
        !quantize.rounding.empty())
      throw InputError("--calib-method, --weight-scales, --weight-bits and --rounding shape the default quantization "
                       "steps; --passes has its own quantize_int8: give them as its options, e.g. "
                       "quantize_int8(calib=minmax,weight_bits=4,rounding=optimal)");
  } else if (quantize.int8) {
    append(steps, quantization_steps(quantize, passes::has_step(steps, "prune")));
  }
  return steps;
}

}  // namespace

CompressPipeline compose_pipeline(const std::string& passes_text, const PruneCliOptions& prune,
                                  const QuantizeOptions& quantize, bool repack) {
  CompressPipeline p;
  if (repack) return p;
  const std::string prune_text = prune_step(prune);
  if (passes_text.empty()) {
    p.steps = steps_of(passes::default_folding_pipeline());
    append(p.steps, prune_text);
    append(p.steps, quantization_steps(quantize, !prune_text.empty()));
  } else {
    p.steps = steps_with_passes(passes_text, prune_text, quantize);
  }
  passes::check_pipeline(p.steps);
  if (quantize.data_free && !passes::has_step(p.steps, "prune") && passes::has_step(p.steps, "bias_correction"))
    throw InputError("--data-free: bias_correction measures layer inputs on calibration rows; leave it out of --passes");
  p.text = passes::pipeline_to_full_string(p.steps);
  p.prunes = passes::has_step(p.steps, "prune");
  p.quantizes = passes::has_step(p.steps, "quantize_int8");
  for (const passes::PipelineStep& s : p.steps)
    if (s.info->name == "quantize_int8") p.calib_method = s.options.get_string("calib", "auto");
  return p;
}

}  // namespace tinyc::cli

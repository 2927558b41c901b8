// Fuzz target: the --passes pipeline text parser and checker. Whatever it accepts prints back as
// canonical text that parses to the same canonical text; the full text (every option spelled out)
// parses to the same full text; check_pipeline, which creates every step's pass to check its
// option values and order, refuses only with InputError.
#include <cstdlib>
#include <string>

#include "fuzz_support.h"
#include "passes/pipeline.h"

using namespace tinyc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::refusals_only([&] {
    const auto steps = passes::parse_pipeline(std::string(fuzz::bytes_of(data, size)));
    const std::string canonical = passes::pipeline_to_string(steps);
    if (passes::pipeline_to_string(passes::parse_pipeline(canonical)) != canonical) std::abort();
    const std::string full = passes::pipeline_to_full_string(steps);
    if (passes::pipeline_to_full_string(passes::parse_pipeline(full)) != full) std::abort();
    passes::check_pipeline(steps);
  });
  return 0;
}

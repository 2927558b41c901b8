// Fuzz target: the --passes pipeline text parser. Whatever it accepts prints back as canonical text
// that parses to the same canonical text.
#include <cstdlib>
#include <string>

#include "fuzz_support.h"
#include "passes/pipeline.h"

using namespace tinyc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::refusals_only([&] {
    const std::string canonical = passes::pipeline_to_string(passes::parse_pipeline(std::string(fuzz::bytes_of(data, size))));
    if (passes::pipeline_to_string(passes::parse_pipeline(canonical)) != canonical) std::abort();
  });
  return 0;
}

// Fuzz target: ONNX model bytes -> IR, the support check, shape inference and verify(), as
// `tinyc inspect` and every other command read a model.
#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "fuzz_support.h"
#include "ir/verify.h"

using namespace tinyc;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::refusals_only([&] {
    onnx_format::ImportOptions options;
    options.limits = fuzz::fuzz_limits();
    // External data resolves inside a folder that does not exist: every such reference is refused.
    const auto imported = onnx_format::import_model_bytes(fuzz::bytes_of(data, size), "/nonexistent/fuzz", options);
    ir::Graph& g = *imported.graph;
    exec::check_supported(g);
    exec::infer_shapes(g);
    ir::verify_or_throw(g, "after shape inference");
  });
  return 0;
}

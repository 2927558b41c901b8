// Fuzz target: .tflite bytes through everything that reads them: the summary `tinyc inspect` prints,
// the memory figures, the importer (both interfaces) and one all-zero row through the imported graph,
// as `tinyc run` does.
#include "exec/executor.h"
#include "formats/tflite/blob_memory.h"
#include "formats/tflite/import.h"
#include "formats/tflite/read.h"
#include "fuzz_support.h"

using namespace tinyc;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  fuzz::refusals_only([&] { tflite_format::read_tflite_bytes(bytes); });
  fuzz::refusals_only([&] { tflite_format::blob_memory(bytes); });
  for (const bool float_edges : {false, true}) {
    fuzz::refusals_only([&] {
      tflite_format::ImportOptions options;
      options.float_edges = float_edges;
      options.limits = fuzz::fuzz_limits();
      const auto g = tflite_format::import_tflite_bytes(bytes, options);
      if (float_edges) return;
      std::vector<ir::Tensor> row;
      for (const ir::Value* in : g->inputs()) row.emplace_back(in->dtype, *in->shape);
      exec::Executor(*g, {1, 1}).run(row);
    });
  }
  return 0;
}

// Corpus model -> default int8 pipeline, for the TFLM and Arm NN checks.
#include "corpus_int8.h"

#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "passes/default_pipelines.h"
#include "passes/pass_context.h"
#include "passes/pass_manager.h"
#include "support/test_support.h"

namespace tinyc::tflite_test {

std::unique_ptr<ir::Graph> corpus_int8_graph(const std::string& name, const passes::WeightChoice& weights) {
  auto g = onnx_format::import_model_file(test::corpus_model_path(name)).graph;
  exec::infer_shapes(*g);
  passes::PassContext context;
  const std::string calib = test::corpus_manifest().at("models").at(name).at("calib_data").get<std::string>();
  context.calibration_inputs.push_back(io::read_npy(test::corpus_dir() / calib));
  passes::run_pipeline(*g, passes::parse_pipeline(passes::default_folding_pipeline() + "," +
                                                    passes::quantization_steps("auto", weights)), {}, &context);
  return g;
}

}  // namespace tinyc::tflite_test

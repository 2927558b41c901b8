// QDQ writer test helpers (see qdq_test_util.h).
#include "qdq_test_util.h"

#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "formats/onnx/tensor_proto.h"
#include "io/npy.h"
#include "passes/default_pipelines.h"
#include "passes/pass_context.h"
#include "passes/pass_manager.h"
#include "passes/pipeline.h"
#include "support/ort_compare.h"
#include "support/test_support.h"

namespace tinyc::qdq_test {

std::unique_ptr<ir::Graph> quantized_corpus_model(const std::string& name) {
  const auto& info = test::corpus_manifest().at("models").at(name);
  auto imported = onnx_format::import_model_file(test::corpus_model_path(name));
  exec::infer_shapes(*imported.graph);
  passes::PassContext context;
  context.calibration_inputs.push_back(io::read_npy(test::corpus_dir() / info.at("calib_data").get<std::string>()));
  passes::run_pipeline(*imported.graph, passes::parse_pipeline(passes::default_int8_pipeline()), {}, &context);
  return std::move(imported.graph);
}

FileIndex::FileIndex(const onnx::ModelProto& model) {
  const onnx::GraphProto& g = model.graph();
  for (const onnx::NodeProto& n : g.node()) {
    for (const std::string& out : n.output()) producers_[out] = &n;
    for (const std::string& in : n.input())
      if (!in.empty()) readers_[in].push_back(&n);
  }
  for (const onnx::TensorProto& t : g.initializer()) {
    initializers_[t.name()] = &t;
    elem_types_[t.name()] = t.data_type();
  }
  for (const auto* infos : {&g.input(), &g.value_info(), &g.output()})
    for (const onnx::ValueInfoProto& info : *infos) elem_types_[info.name()] = info.type().tensor_type().elem_type();
}

const onnx::NodeProto* FileIndex::producer(const std::string& name) const {
  const auto it = producers_.find(name);
  return it == producers_.end() ? nullptr : it->second;
}

std::vector<const onnx::NodeProto*> FileIndex::readers(const std::string& name) const {
  const auto it = readers_.find(name);
  return it == readers_.end() ? std::vector<const onnx::NodeProto*>{} : it->second;
}

ir::Tensor FileIndex::initializer(const std::string& name) const {
  const auto it = initializers_.find(name);
  INFO("initializer '" << name << "'");
  REQUIRE(it != initializers_.end());
  return onnx_format::tensor_from_proto(*it->second, "initializer '" + name + "'", ".");
}

int32_t FileIndex::elem_type(const std::string& name) const {
  const auto it = elem_types_.find(name);
  return it == elem_types_.end() ? 0 : it->second;
}

int64_t int_attr(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  for (const onnx::AttributeProto& a : node.attribute())
    if (a.name() == name) return a.i();
  return fallback;
}

namespace {

bool is_qdq(const onnx::NodeProto& n) { return n.op_type() == "QuantizeLinear" || n.op_type() == "DequantizeLinear"; }

std::vector<float> floats_of(const ir::Tensor& t) {
  const auto v = t.values<float>();
  return {v.begin(), v.end()};
}

// Every element of a zero point initializer is 0 and of the given dtype.
void check_zero(const ir::Tensor& zero_point, ir::DType dtype) {
  REQUIRE(zero_point.dtype() == dtype);
  for (int64_t z : zero_point.to_int64()) CHECK(z == 0);
}

void check_activations(const ir::Graph& g, const FileIndex& file) {
  for (const ir::Value* v : g.values()) {
    if (!v->quant || v->is_constant()) continue;
    INFO("int8 value " << v->name);
    const onnx::NodeProto* q = file.producer(v->name);
    REQUIRE(q);
    CHECK(q->op_type() == "QuantizeLinear");
    CHECK(file.elem_type(v->name) == onnx::TensorProto::INT8);
    CHECK(file.initializer(q->input(1)).values<float>()[0] == v->quant->scale[0]);
    CHECK(file.initializer(q->input(2)).to_int64() == v->quant->zero_point);
    const auto readers = file.readers(v->name);
    CHECK((!readers.empty() || v->is_graph_output()));
    for (const onnx::NodeProto* r : readers) {
      CHECK(r->op_type() == "DequantizeLinear");
      CHECK(r->input(1) == q->input(1));
      CHECK(r->input(2) == q->input(2));
    }
  }
}

void check_float_between(const onnx::ModelProto& model, const FileIndex& file) {
  for (const onnx::NodeProto& n : model.graph().node()) {
    for (const std::string& out : n.output()) CHECK(file.elem_type(out) != 0);
    if (is_qdq(n)) continue;
    for (const std::string& in : n.input()) {
      if (in.empty()) continue;
      INFO(n.op_type() << " node '" << n.name() << "' reads " << in);
      CHECK(file.elem_type(in) != onnx::TensorProto::INT8);
      CHECK(file.elem_type(in) != onnx::TensorProto::INT32);
    }
    for (const onnx::AttributeProto& a : n.attribute())
      CHECK((a.name() != "fused_activation" && a.name() != "activation_min" && a.name() != "activation_max"));
  }
}

// The weight's DequantizeLinear; returns the file node that computes n.
const onnx::NodeProto& check_weight(const ir::Node& n, const FileIndex& file) {
  const ir::Value* w = n.input(1);
  REQUIRE(w->quant);
  REQUIRE(w->quant->per_channel());
  const auto readers = file.readers(w->name);
  REQUIRE(readers.size() == 1);
  const onnx::NodeProto& dq = *readers[0];
  CHECK(dq.op_type() == "DequantizeLinear");
  CHECK(file.initializer(w->name).dtype() == ir::DType::Int8);
  CHECK(int_attr(dq, "axis", 1) == w->quant->axis);
  const ir::Tensor scale = file.initializer(dq.input(1));
  CHECK(scale.shape() == ir::Shape{static_cast<int64_t>(w->quant->scale.size())});
  CHECK(floats_of(scale) == w->quant->scale);
  check_zero(file.initializer(dq.input(2)), ir::DType::Int8);
  const auto compute = file.readers(dq.output(0));
  REQUIRE(compute.size() == 1);
  CHECK(compute[0]->op_type() == n.op_type);
  CHECK(compute[0]->input(1) == dq.output(0));
  return *compute[0];
}

void check_bias(const ir::Node& n, const onnx::NodeProto& compute, const FileIndex& file) {
  const onnx::NodeProto* x_dq = file.producer(compute.input(0));
  REQUIRE(x_dq);
  CHECK(x_dq->op_type() == "DequantizeLinear");
  const float s_in = file.initializer(x_dq->input(1)).values<float>()[0];
  const onnx::NodeProto* b_dq = file.producer(compute.input(2));
  REQUIRE(b_dq);
  CHECK(b_dq->op_type() == "DequantizeLinear");
  CHECK(b_dq->input(0) == n.input(2)->name);
  CHECK(file.initializer(b_dq->input(0)).dtype() == ir::DType::Int32);
  CHECK(int_attr(*b_dq, "axis", 1) == 0);
  const std::vector<float> bias_scale = floats_of(file.initializer(b_dq->input(1)));
  const std::vector<float>& weight_scale = n.input(1)->quant->scale;
  REQUIRE(bias_scale.size() == weight_scale.size());
  for (size_t c = 0; c < bias_scale.size(); ++c) CHECK(bias_scale[c] == Approx(s_in * weight_scale[c]).epsilon(1e-6));
  check_zero(file.initializer(b_dq->input(2)), ir::DType::Int32);
}

// compute -> [Relu | Clip] -> QuantizeLinear -> n's int8 output.
void check_output(const ir::Node& n, const onnx::NodeProto& compute, const FileIndex& file) {
  auto readers = file.readers(compute.output(0));
  REQUIRE(readers.size() == 1);
  if (n.has_attr("activation_min") || n.has_attr("activation_max")) {
    CHECK((readers[0]->op_type() == "Relu" || readers[0]->op_type() == "Clip"));
    readers = file.readers(readers[0]->output(0));
    REQUIRE(readers.size() == 1);
  }
  CHECK(readers[0]->op_type() == "QuantizeLinear");
  CHECK(readers[0]->output(0) == n.output(0)->name);
}

}  // namespace

int check_qdq_structure(const ir::Graph& g, const onnx::ModelProto& model) {
  const FileIndex file(model);
  check_activations(g, file);
  check_float_between(model, file);
  int weighted = 0;
  for (const ir::Node* n : g.nodes()) {
    if (n->op_type != "Conv" && n->op_type != "Gemm") continue;
    INFO(n->op_type << " node " << n->name);
    const onnx::NodeProto& compute = check_weight(*n, file);
    if (n->input(2)) check_bias(*n, compute, file);
    check_output(*n, compute, file);
    ++weighted;
  }
  return weighted;
}

ir::Tensor run_in_ort(const std::filesystem::path& model, const std::filesystem::path& inputs, int rows) {
  test::TempDir scratch;
  const std::filesystem::path out = scratch.path() / "ort_output.npy";
  const test::CommandResult run = test::run_ort_compare({"--run", model, inputs, out, std::to_string(rows)});
  INFO("ort_compare.js stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  return io::read_npy(out);
}

}  // namespace tinyc::qdq_test

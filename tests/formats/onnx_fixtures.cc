// Test fixtures for the ONNX format tests (see onnx_fixtures.h).
#include "onnx_fixtures.h"

#include <catch2/catch.hpp>

#include <cctype>

#include "support/test_support.h"

namespace tinyc::onnx_test {

namespace fs = std::filesystem;

onnx::ModelProto empty_model() {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.set_producer_name("fixture");
  m.add_opset_import()->set_version(13);
  m.mutable_graph()->set_name("test");
  return m;
}

void add_input(onnx::GraphProto& g, const std::string& name, const std::vector<std::string>& dims, int32_t elem_type) {
  onnx::ValueInfoProto* in = g.add_input();
  in->set_name(name);
  onnx::TypeProto_Tensor* type = in->mutable_type()->mutable_tensor_type();
  type->set_elem_type(elem_type);
  onnx::TensorShapeProto* shape = type->mutable_shape();
  for (const std::string& d : dims) {
    onnx::TensorShapeProto_Dimension* dim = shape->add_dim();
    if (d == "?") continue;
    if (std::isdigit(static_cast<unsigned char>(d[0])) || d[0] == '-')
      dim->set_dim_value(std::stoll(d));
    else
      dim->set_dim_param(d);
  }
}

void add_output(onnx::GraphProto& g, const std::string& name) { g.add_output()->set_name(name); }

onnx::NodeProto& add_node(onnx::GraphProto& g, const std::string& op_type, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs, const std::string& name) {
  onnx::NodeProto* n = g.add_node();
  n->set_op_type(op_type);
  n->set_name(name);
  for (const std::string& in : inputs) n->add_input(in);
  for (const std::string& out : outputs) n->add_output(out);
  return *n;
}

onnx::TensorProto& add_float_initializer(onnx::GraphProto& g, const std::string& name, const std::vector<int64_t>& dims,
                                         const std::vector<float>& values) {
  onnx::TensorProto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  t->set_raw_data(values.data(), values.size() * sizeof(float));
  return *t;
}

onnx::ModelProto add_model(const std::vector<float>& w) {
  onnx::ModelProto m = empty_model();
  onnx::GraphProto& g = *m.mutable_graph();
  add_input(g, "x", {"1", std::to_string(w.size())});
  add_float_initializer(g, "w", {static_cast<int64_t>(w.size())}, w);
  add_node(g, "Add", {"x", "w"}, {"y"}, "add");
  add_output(g, "y");
  return m;
}

std::string serialize(const onnx::ModelProto& model) {
  std::string bytes;
  REQUIRE(model.SerializeToString(&bytes));
  return bytes;
}

fs::path write_model(const fs::path& dir, const onnx::ModelProto& model, const std::string& file_name) {
  const fs::path path = dir / file_name;
  test::write_bytes(path, serialize(model));
  return path;
}

}  // namespace tinyc::onnx_test

// The sharing serializer writes the same model as the schema's object API, in fewer bytes.
#include <catch2/catch.hpp>

#include "formats/tflite/model_builder.h"
#include "formats/tflite/shared_pack.h"
#include "ir/quant_params.h"

using namespace tinyc;
namespace fb = tflite_fb;

namespace {

std::string plain_pack(const fb::ModelT& model) {
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishModelBuffer(fbb, fb::Model::Pack(fbb, &model));
  return {reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()};
}

// The model the bytes hold, serialized by the object API: equal for files that hold equal models.
std::string canonical(const std::string& bytes) {
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  REQUIRE(fb::VerifyModelBuffer(verifier));
  fb::ModelT model;
  fb::GetModel(bytes.data())->UnPackTo(&model);
  return plain_pack(model);
}

ir::QuantParams params(std::vector<float> scale, std::vector<int64_t> zero_point) {
  ir::QuantParams q;
  q.scale = std::move(scale);
  q.zero_point = std::move(zero_point);
  return q;
}

// Three ADDs over tensors that repeat shapes, scales, zero points and options, plus one that differs.
fb::ModelT repetitive_model() {
  tflite_format::ModelBuilder builder(/*one_zero_point_when_equal=*/true);
  const uint8_t data[] = {1, 2, 3, 4};
  const auto a = builder.add_tensor("a", ir::DType::Int8, {1, 4}, params({0.5f}, {-128}), 0, {});
  const auto b = builder.add_tensor("b", ir::DType::Int8, {1, 4}, params({0.5f}, {-128}), 0, data);
  const auto c = builder.add_tensor("c", ir::DType::Int8, {1, 4}, params({0.25f}, {-128}), 0, {});
  const auto d = builder.add_tensor("d", ir::DType::Int8, {1, 4}, params({0.25f}, {-128}), 0, {});
  const auto e = builder.add_tensor("e", ir::DType::Int8, {2, 2}, params({0.25f, 0.5f}, {0, 0}), 1, {});
  fb::AddOptionsT relu;
  relu.fused_activation_function = fb::ActivationFunctionType::RELU;
  fb::BuiltinOptionsUnion options;
  options.Set(relu);
  builder.add_operator(fb::BuiltinOperator::ADD, 1, {a, b}, {c}, options);
  builder.add_operator(fb::BuiltinOperator::ADD, 1, {c, b}, {d}, options);
  fb::BuiltinOptionsUnion plain_add;
  plain_add.Set(fb::AddOptionsT{});
  builder.add_operator(fb::BuiltinOperator::ADD, 1, {d, b}, {e}, plain_add);
  builder.set_inputs({a});
  builder.set_outputs({e});
  return std::move(builder.model());
}

}  // namespace

TEST_CASE("sharing identical objects keeps the model and saves bytes") {
  const fb::ModelT model = repetitive_model();
  const std::string shared = tflite_format::pack_sharing_identical(model);
  const std::string plain = plain_pack(model);
  CHECK(canonical(shared) == canonical(plain));
  CHECK(shared.size() < plain.size());
  const fb::SubGraph& main = *fb::GetModel(shared.data())->subgraphs()->Get(0);
  const auto tensor = [&](int i) { return main.tensors()->Get(static_cast<flatbuffers::uoffset_t>(i)); };
  CHECK(tensor(0)->shape() == tensor(3)->shape());
  CHECK(tensor(0)->shape() != tensor(4)->shape());
  CHECK(tensor(0)->quantization() == tensor(1)->quantization());
  CHECK(tensor(0)->quantization() != tensor(2)->quantization());
  CHECK(tensor(0)->quantization()->zero_point() == tensor(2)->quantization()->zero_point());
  CHECK(tensor(2)->quantization()->scale() != tensor(0)->quantization()->scale());
  CHECK(tensor(4)->quantization()->quantized_dimension() == 1);
  const auto* ops = main.operators();
  CHECK(ops->Get(0)->builtin_options() == ops->Get(1)->builtin_options());
  CHECK(ops->Get(0)->builtin_options() != ops->Get(2)->builtin_options());
  CHECK(tflite_format::pack_sharing_identical(model) == shared);
}

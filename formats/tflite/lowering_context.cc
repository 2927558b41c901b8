// LoweringContext: IR value -> TFLite tensor bookkeeping, constants on first use, operators.
#include "formats/tflite/lowering.h"

#include "formats/tflite/layout.h"
#include "formats/tflite/plain_rank4.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

LoweringContext::LoweringContext(const ir::Graph& g, const Interface& io, ModelBuilder& builder,
                                 const EmitOptions& options)
    : io_(io), builder_(builder), options_(options), plain_rank4_(plain_rank4_values(g)) {
  for (const char* domain : {"", "ai.onnx"})
    if (auto it = g.opset_imports.find(domain); it != g.opset_imports.end()) opset_ = it->second;
}

std::string LoweringContext::tensor_name(const ir::Value* v) const {
  auto it = io_.names.find(v);
  return it != io_.names.end() ? it->second : v->name;
}

int32_t LoweringContext::add_value_tensor(const ir::Value* v, const ir::Shape& tflite_shape, Layout layout,
                                          std::array<int64_t, 3> chw) {
  if (tensors_.count(v)) throw InternalError("value '" + v->name + "' is lowered twice");
  std::optional<ir::QuantParams> quant = v->quant;
  int64_t axis = quant ? quant->axis : 0;
  if (quant && quant->per_channel() && layout == Layout::Nhwc) axis = kNhwcPositionOf.at(static_cast<size_t>(axis));
  const int32_t index = builder_.add_tensor(tensor_name(v), v->dtype, tflite_shape, quant, axis, {});
  shapes_.push_back(tflite_shape);
  tensors_.emplace(v, ValueTensor{index, layout, chw});
  return index;
}

const ValueTensor& LoweringContext::input(const ir::Value* v) {
  if (auto it = tensors_.find(v); it != tensors_.end()) return it->second;
  if (!v->is_constant()) throw InternalError("value '" + v->name + "' is read before it is lowered");
  const ir::Tensor& data = v->constant();
  const bool nhwc = data.shape().size() == 4;
  const int64_t axis = v->quant ? (nhwc ? kNhwcPositionOf.at(static_cast<size_t>(v->quant->axis)) : v->quant->axis) : 0;
  const int32_t index = constant(tensor_name(v), nhwc ? constant_to_nhwc(data) : data, v->quant, axis);
  return tensors_.emplace(v, ValueTensor{index, nhwc ? Layout::Nhwc : Layout::Plain, {}}).first->second;
}

Layout LoweringContext::layout_of_output(const ir::Value* v) const {
  return v->shape && v->shape->size() == 4 && !plain_rank4_.count(v) ? Layout::Nhwc : Layout::Plain;
}

int32_t LoweringContext::define(const ir::Value* v) {
  if (!v->shape) throw InputError("value '" + v->name + "' has no shape; run shape inference before writing .tflite");
  const Layout layout = layout_of_output(v);
  return add_value_tensor(v, layout == Layout::Nhwc ? nhwc_shape(*v->shape) : *v->shape, layout, {});
}

void LoweringContext::alias(const ir::Value* out, const ir::Value* in) {
  const ValueTensor source = input(in);
  if (!tensors_.emplace(out, source).second) throw InternalError("value '" + out->name + "' is lowered twice");
}

void LoweringContext::alias_flat_hwc(const ir::Value* out, const ir::Value* in, std::array<int64_t, 3> chw) {
  const ValueTensor source = input(in);
  if (!tensors_.emplace(out, ValueTensor{source.index, Layout::FlatHwc, chw}).second)
    throw InternalError("value '" + out->name + "' is lowered twice");
}

int32_t LoweringContext::constant(const std::string& name, const ir::Tensor& data,
                                  const std::optional<ir::QuantParams>& quant, int64_t quantized_dimension) {
  const int32_t index = builder_.add_tensor(name, data.dtype(), data.shape(), quant, quantized_dimension, data.bytes());
  shapes_.push_back(data.shape());
  return index;
}

int32_t LoweringContext::int32_constant(const std::string& name, const std::vector<int64_t>& values) {
  std::vector<int32_t> narrow(values.begin(), values.end());
  return constant(name, ir::Tensor::from_vector<int32_t>({static_cast<int64_t>(narrow.size())}, narrow));
}

int32_t LoweringContext::intermediate(const std::string& name, ir::DType dtype, const ir::Shape& tflite_shape,
                                      const std::optional<ir::QuantParams>& quant) {
  const int32_t index = builder_.add_tensor(name, dtype, tflite_shape, quant, 0, {});
  shapes_.push_back(tflite_shape);
  return index;
}

int32_t LoweringContext::variable(const std::string& name, ir::DType dtype, const ir::Shape& tflite_shape,
                                  const ir::QuantParams& quant) {
  const int32_t index = intermediate(name, dtype, tflite_shape, quant);
  builder_.model().subgraphs.front()->tensors[static_cast<size_t>(index)]->is_variable = true;
  return index;
}

void LoweringContext::add_op(fb::BuiltinOperator code, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                             fb::BuiltinOptionsUnion options, int32_t version) {
  builder_.add_operator(code, version > 0 ? version : op_version(code), std::move(inputs), std::move(outputs),
                        std::move(options));
}

ir::Shape LoweringContext::tflite_shape(int32_t tensor) const { return shapes_.at(static_cast<size_t>(tensor)); }

void LoweringContext::finish_interface() {
  auto indices = [&](const std::vector<const ir::Value*>& values) {
    std::vector<int32_t> out;
    for (const ir::Value* v : values) {
      auto it = tensors_.find(v);
      if (it == tensors_.end()) throw InternalError("interface value '" + v->name + "' was never lowered");
      out.push_back(it->second.index);
    }
    return out;
  };
  builder_.set_inputs(indices(io_.inputs));
  builder_.set_outputs(indices(io_.outputs));
}

const ir::Shape& shape_of(const ir::Node& node, const ir::Value* v) {
  if (!v || !v->shape)
    throw InputError(describe(node) + ": a tensor has no static shape; run shape inference before writing .tflite");
  return *v->shape;
}

const ir::QuantParams& quant_of(const ir::Node& node, const ir::Value* v) {
  if (!v || !v->quant)
    throw InputError(describe(node) + ": tensor '" + (v ? v->name : std::string("?")) +
                     "' has no quantization parameters; quantize the model (quantize_int8) first");
  return *v->quant;
}

const ir::Tensor& constant_of(const ir::Node& node, const ir::Value* v, const std::string& role) {
  if (!v || !v->is_constant())
    throw InputError(describe(node) + ": the " + role + " must be a constant for a TFLite builtin op");
  return v->constant();
}

int64_t axis_attribute(const ir::Node& node, int64_t fallback, size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  int64_t axis = node.attr_int("axis", fallback);
  if (axis < 0) axis += r;
  if (axis < 0 || axis >= r) throw InputError(describe(node) + ": axis out of range");
  return axis;
}

int64_t file_dim(Layout layout, int64_t axis) {
  return layout == Layout::Nhwc ? kNhwcPositionOf.at(static_cast<size_t>(axis)) : axis;
}

std::string describe(const ir::Node& node) { return node.op_type + " '" + node.name + "'"; }

}  // namespace tinyc::tflite_format

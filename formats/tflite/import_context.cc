// ImportContext: file tensor facts, file tensor -> IR value bookkeeping, constants on first use, and
// the Reshape/Transpose/Flatten nodes that move values between the file's layout and the IR's.
#include "formats/tflite/import_context.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "formats/tflite/builtin_names.h"
#include "formats/tflite/int4_packing.h"
#include "formats/tflite/layout.h"
#include "ir/dequantize.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

std::string quant_error(const std::string& tensor, const std::string& why) {
  return "tensor '" + tensor + "' has invalid quantization parameters: " + why;
}

std::optional<ir::QuantParams> read_quant(const fb::Tensor& t, const ir::Shape& shape, const std::string& name) {
  const fb::QuantizationParameters* q = t.quantization();
  if (!q || !q->scale() || q->scale()->size() == 0) return std::nullopt;
  ir::QuantParams p;
  p.scale.assign(q->scale()->begin(), q->scale()->end());
  const size_t n = p.scale.size();
  const size_t zero_points = q->zero_point() ? q->zero_point()->size() : 0;
  if (zero_points == 0) {
    p.zero_point.assign(n, 0);
  } else if (zero_points == 1) {  // one zero point for every channel
    p.zero_point.assign(n, q->zero_point()->Get(0));
  } else if (zero_points == n) {
    p.zero_point.assign(q->zero_point()->begin(), q->zero_point()->end());
  } else {
    throw InputError(quant_error(name, std::to_string(n) + " scales but " + std::to_string(zero_points) +
                                           " zero points"));
  }
  if (n > 1) {
    const int32_t axis = q->quantized_dimension();
    if (axis < 0 || static_cast<size_t>(axis) >= shape.size() || shape[static_cast<size_t>(axis)] != static_cast<int64_t>(n))
      throw InputError(quant_error(name, std::to_string(n) + " scales along dimension " + std::to_string(axis) +
                                             " of shape " + ir::shape_to_string(shape)));
    p.axis = axis;
  }
  return p;
}

// The table behind a generated accessor, to look at fields tinyc's schema subset does not declare.
const flatbuffers::Table& raw(const void* table) { return *static_cast<const flatbuffers::Table*>(table); }

}  // namespace

std::optional<ir::DType> ir_dtype_of(int32_t tensor_type) {
  switch (static_cast<fb::TensorType>(tensor_type)) {
    case fb::TensorType::FLOAT32: return ir::DType::Float32;
    case fb::TensorType::INT8:
    case fb::TensorType::INT4: return ir::DType::Int8;  // held one value per byte (QuantParams.bits = 4)
    case fb::TensorType::INT32: return ir::DType::Int32;
    case fb::TensorType::INT64: return ir::DType::Int64;
    default: return std::nullopt;
  }
}

std::string tensor_type_name(int32_t tensor_type) {
  const char* name = fb::EnumNameTensorType(static_cast<fb::TensorType>(tensor_type));
  return name && *name ? std::string(name) : "TYPE_" + std::to_string(tensor_type);
}

ImportContext::ImportContext(const fb::Model& model, ir::Graph& g) : g_(g) {
  const fb::SubGraph& main = *model.subgraphs()->Get(0);
  const size_t count = main.tensors() ? main.tensors()->size() : 0;
  for (size_t i = 0; i < count; ++i) {
    const fb::Tensor& t = *main.tensors()->Get(static_cast<flatbuffers::uoffset_t>(i));
    FileTensor f;
    f.name = t.name() && t.name()->size() > 0 ? t.name()->str() : "tensor_" + std::to_string(i);
    f.type = static_cast<int32_t>(t.type());
    if (t.shape()) f.shape.assign(t.shape()->begin(), t.shape()->end());
    for (int64_t d : f.shape)
      if (d < 0) throw InputError("tensor '" + f.name + "' has a negative dimension: " + ir::shape_to_string(f.shape));
    f.quant = read_quant(t, f.shape, f.name);
    if (f.quant && t.type() == fb::TensorType::INT4) f.quant->bits = 4;
    f.is_variable = t.is_variable();
    // Public schema slots tinyc's subset leaves out: Tensor.sparsity (field 6), Buffer.offset
    // (field 1: data stored after the FlatBuffer).
    if (raw(&t).GetOptionalFieldOffset(16) != 0)
      throw InputError("tensor '" + f.name + "' is stored sparse; tinyc imports dense tensors only");
    if (model.buffers() && t.buffer() < model.buffers()->size()) {
      const fb::Buffer& b = *model.buffers()->Get(t.buffer());
      if (raw(&b).GetField<uint64_t>(6, 0) > 1)
        throw InputError("tensor '" + f.name +
                         "' keeps its data outside the FlatBuffer (a model above 2 GB); tinyc reads in-file data only");
      if (b.data() && b.data()->size() > 0) f.data = b.data();
    }
    file_names_.insert(f.name);
    tensors_.push_back(std::move(f));
  }
  if (main.outputs()) model_outputs_.insert(main.outputs()->begin(), main.outputs()->end());
  readers_.resize(tensors_.size());
  const size_t op_count = main.operators() ? main.operators()->size() : 0;
  for (size_t i = 0; i < op_count; ++i) {
    const fb::Operator* op = main.operators()->Get(static_cast<flatbuffers::uoffset_t>(i));
    const fb::OperatorCode& code = *model.operator_codes()->Get(op->opcode_index());
    FileOp f;
    f.op = op;
    f.index = i;
    f.code = std::max(static_cast<int32_t>(code.builtin_code()), static_cast<int32_t>(code.deprecated_builtin_code()));
    f.name = code.custom_code() ? "CUSTOM:" + code.custom_code()->str() : builtin_name(f.code);
    if (op->inputs()) f.inputs.assign(op->inputs()->begin(), op->inputs()->end());
    if (op->outputs()) f.outputs.assign(op->outputs()->begin(), op->outputs()->end());
    for (size_t slot = 0; slot < f.inputs.size(); ++slot)
      if (f.inputs[slot] >= 0) readers_[static_cast<size_t>(f.inputs[slot])].emplace_back(i, slot);
    ops_.push_back(std::move(f));
  }
  check_variables();
  mark_hybrid_weights();
}

// A variable is state kept between runs; tinyc's IR has none, except the hidden and cell states of
// UNIDIRECTIONAL_SEQUENCE_LSTM, which live inside the LSTM and start at 0 on every run, as in TFLM
// after allocation.
void ImportContext::check_variables() const {
  constexpr size_t kHiddenStateSlot = 18, kCellStateSlot = 19;
  const auto lstm = static_cast<int32_t>(fb::BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM);
  for (size_t t = 0; t < tensors_.size(); ++t) {
    if (!tensors_[t].is_variable) continue;
    bool lstm_state = !readers_[t].empty();
    for (const auto& [op, slot] : readers_[t])
      lstm_state = lstm_state && ops_[op].code == lstm && (slot == kHiddenStateSlot || slot == kCellStateSlot);
    for (const FileOp& op : ops_)
      lstm_state = lstm_state && std::find(op.outputs.begin(), op.outputs.end(), static_cast<int32_t>(t)) == op.outputs.end();
    if (!lstm_state)
      throw InputError("tensor '" + tensors_[t].name +
                       "' is a variable (state kept between runs); tinyc imports it only as an LSTM's hidden or cell state");
  }
}

void ImportContext::mark_hybrid_weights() {
  const auto float32 = static_cast<int32_t>(fb::TensorType::FLOAT32);
  const auto int8 = static_cast<int32_t>(fb::TensorType::INT8);
  for (const FileOp& op : ops_) {
    if (op.inputs.empty() || op.inputs[0] < 0 || tensor(op.inputs[0]).type != float32) continue;
    for (size_t slot = 1; slot < op.inputs.size(); ++slot) {
      if (op.inputs[slot] < 0) continue;
      FileTensor& f = tensors_.at(static_cast<size_t>(op.inputs[slot]));
      if (f.data && f.type == int8 && f.quant) f.dequantize = std::exchange(f.quant, std::nullopt);
    }
  }
}

ir::DType ImportContext::dtype(int32_t t) const {
  const FileTensor& f = tensor(t);
  if (f.dequantize) return ir::DType::Float32;
  if (auto d = ir_dtype_of(f.type)) return *d;
  throw InputError("tensor '" + f.name + "' has type " + tensor_type_name(f.type) +
                   "; tinyc imports FLOAT32, INT8, INT4, INT32 and INT64 tensors");
}

ir::Tensor ImportContext::file_data(int32_t t) const {
  const FileTensor& f = tensor(t);
  if (!f.data) throw InputError("tensor '" + f.name + "' must be a constant and holds no data");
  const ir::DType stored = f.dequantize ? ir::DType::Int8 : dtype(t);
  const std::string what = "tensor '" + f.name + "'";
  ir::check_tensor_bytes(f.shape, dtype(t), g_.limits, what);  // as the graph holds it: float when dequantized
  const auto need = static_cast<size_t>(ir::check_tensor_bytes(f.shape, stored, g_.limits, what));
  if (f.type == static_cast<int32_t>(fb::TensorType::INT4)) {
    const std::vector<int8_t> values = unpack_int4({f.data->data(), f.data->size()}, ir::num_elements(f.shape));
    return ir::Tensor::from_vector<int8_t>(f.shape, values);
  }
  if (need != f.data->size())
    throw InputError("tensor '" + f.name + "' holds " + std::to_string(f.data->size()) + " bytes, but " +
                     std::string(ir::dtype_name(stored)) + " " + ir::shape_to_string(f.shape) + " needs " +
                     std::to_string(need));
  ir::Tensor out(stored, f.shape);
  if (need != 0) std::memcpy(out.mutable_bytes().data(), f.data->data(), need);
  return f.dequantize ? ir::Tensor::from_vector<float>(f.shape, ir::dequantize(out, *f.dequantize)) : out;
}

const std::vector<std::pair<size_t, size_t>>& ImportContext::readers(int32_t t) const {
  return readers_.at(static_cast<size_t>(t));
}

std::string ImportContext::describe(const FileOp& op) const {
  std::string text = op.name + " (operator " + std::to_string(op.index);
  if (!op.outputs.empty() && op.outputs[0] >= 0 && static_cast<size_t>(op.outputs[0]) < tensors_.size())
    text += ", output '" + tensor(op.outputs[0]).name + "'";
  return text + ")";
}

ir::Shape ImportContext::ir_shape(int32_t t) const {
  const ir::Shape& s = tensor(t).shape;
  return s.size() == 4 ? ir::Shape{s[0], s[3], s[1], s[2]} : s;
}

std::optional<ir::QuantParams> ImportContext::ir_quant(int32_t t) const {
  std::optional<ir::QuantParams> q = tensor(t).quant;
  if (q && q->per_channel() && tensor(t).shape.size() == 4) q->axis = kNhwcFromNchw.at(static_cast<size_t>(q->axis));
  return q;
}

ir::Value* ImportContext::value(int32_t t) {
  if (auto it = values_.find(t); it != values_.end()) return it->second;
  const FileTensor& f = tensor(t);
  if (!f.data)
    throw InputError("tensor '" + f.name + "' is read before any operator writes it, and it is neither a model "
                     "input nor a constant");
  ir::Tensor data = file_data(t);
  if (data.shape().size() == 4) data = tflite_format::transpose(data, kNchwFromNhwc);
  if (data.dtype() == ir::DType::Int8 && !f.quant)
    throw InputError("int8 tensor '" + f.name + "' has no quantization parameters");
  ir::Value* v = constant("tensor:" + std::to_string(t), f.name, std::move(data), ir_quant(t));
  values_[t] = v;
  return v;
}

ir::Value* ImportContext::constant(const std::string& key, const std::string& name, ir::Tensor data,
                                   std::optional<ir::QuantParams> quant) {
  if (auto it = constants_.find(key); it != constants_.end()) return it->second;
  const std::string free_name = g_.find_value(name) ? derived_name(name) : name;
  ir::Value* v = g_.add_constant(free_name, std::move(data));
  v->quant = std::move(quant);
  constants_[key] = v;
  return v;
}

ir::Value* ImportContext::int64_constant(const std::string& base, const std::vector<int64_t>& values) {
  const std::string name = derived_name(base);
  return constant("ir:" + name, name,
                  ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(values.size())}, values));
}

ir::Value* ImportContext::float_scalar(const std::string& base, float value) {
  const std::string name = derived_name(base);
  return constant("ir:" + name, name, ir::Tensor::scalar<float>(value));
}

void ImportContext::bind(int32_t t, ir::Value* v) {
  if (!values_.emplace(t, v).second)
    throw InputError("tensor '" + tensor(t).name + "' is written by more than one operator");
}

const ir::Value* ImportContext::bound_value(int32_t t) const {
  auto it = values_.find(t);
  return it == values_.end() ? nullptr : it->second;
}

bool ImportContext::rebind(const ir::Value* from, ir::Value* to) {
  bool found = false;
  for (auto it = values_.begin(); it != values_.end();) {
    if (it->second != from) {
      ++it;
      continue;
    }
    found = true;
    if (to) {
      it->second = to;
      ++it;
    } else {
      it = values_.erase(it);
    }
  }
  return found;
}

bool ImportContext::is_bound_value(const ir::Value* v, bool model_output) const {
  for (const auto& [t, bound] : values_)
    if (bound == v && (!model_output || is_model_output(t))) return true;
  return false;
}

ir::Node* ImportContext::define(const std::string& op_type, const std::vector<ir::Value*>& inputs, int32_t t) {
  return define(op_type, inputs, std::vector<int32_t>{t});
}

ir::Node* ImportContext::define(const std::string& op_type, const std::vector<ir::Value*>& inputs,
                                const std::vector<int32_t>& ts) {
  std::vector<std::string> names;
  for (int32_t t : ts) {
    const FileTensor& f = tensor(t);
    if (values_.count(t) || std::count(ts.begin(), ts.end(), t) > 1)
      throw InputError("tensor '" + f.name + "' is written by more than one operator");
    if (dtype(t) == ir::DType::Int8 && !f.quant)
      throw InputError("int8 tensor '" + f.name + "' has no quantization parameters");
    const std::string name = g_.find_value(f.name) ? g_.unique_value_name(f.name) : f.name;
    if (std::count(names.begin(), names.end(), name))
      throw InputError("two outputs of one operator are both named '" + f.name + "'");
    names.push_back(name);
  }
  ir::Node* n = g_.add_node(op_type, inputs, names, g_.unique_node_name(names.front()));
  for (size_t i = 0; i < ts.size(); ++i) {
    ir::Value* out = n->output(i);
    out->dtype = dtype(ts[i]);
    out->shape = ir_shape(ts[i]);
    out->quant = ir_quant(ts[i]);
    values_[ts[i]] = out;
  }
  return n;
}

ir::Value* ImportContext::add_graph_input(int32_t t, ir::DType dtype, const std::string& name) {
  return g_.add_input(g_.find_value(name) ? g_.unique_value_name(name) : name, dtype, ir_shape(t));
}

std::string ImportContext::derived_name(const std::string& base) const {
  auto taken = [&](const std::string& n) { return g_.find_value(n) != nullptr || file_names_.count(n) != 0; };
  if (!taken(base)) return base;
  for (size_t i = 1;; ++i) {
    const std::string candidate = base + "_" + std::to_string(i);
    if (!taken(candidate)) return candidate;
  }
}

ir::Node* ImportContext::intermediate(const std::string& op_type, const std::vector<ir::Value*>& inputs,
                                     const std::string& base, ir::DType dtype, const ir::Shape& shape,
                                     const std::optional<ir::QuantParams>& quant) {
  const std::string name = derived_name(base);
  ir::Node* n = g_.add_node(op_type, inputs, {name}, g_.unique_node_name(name));
  ir::Value* out = n->output(0);
  out->dtype = dtype;
  out->shape = shape;
  out->quant = quant;
  return n;
}

ir::Value* ImportContext::moved(const std::string& op_type, const std::vector<ir::Value*>& inputs,
                                const std::string& base, const ir::Value& like, const ir::Shape& shape) {
  if (like.quant && like.quant->per_channel())
    throw InputError("value '" + like.name + "' is quantized per channel; tinyc moves only per-tensor activations");
  return intermediate(op_type, inputs, base, like.dtype, shape, like.quant)->output(0);
}

ir::Value* ImportContext::reshape(ir::Value* v, const ir::Shape& shape, const std::string& base) {
  std::vector<int64_t> target(shape.begin(), shape.end());
  if (!target.empty() && v->shape && !v->shape->empty() && target[0] == (*v->shape)[0]) target[0] = 0;  // keep the batch
  ir::Value* shape_value = int64_constant(base + "_shape", target);
  return moved("Reshape", {v, shape_value}, base, *v, shape);
}

ir::Value* ImportContext::transpose(ir::Value* v, const std::vector<int64_t>& perm, const std::string& base) {
  ir::Shape shape;
  for (int64_t p : perm) shape.push_back(v->shape->at(static_cast<size_t>(p)));
  ir::Value* out = moved("Transpose", {v}, base, *v, shape);
  out->producer()->attrs["perm"] = perm;
  return out;
}

ir::Value* ImportContext::flatten(ir::Value* v, const std::string& base) {
  const ir::Shape& s = *v->shape;
  ir::Value* out = moved("Flatten", {v}, base, *v, {s[0], ir::num_elements(s) / std::max<int64_t>(s[0], 1)});
  out->producer()->attrs["axis"] = int64_t{1};
  return out;
}

ir::Value* ImportContext::in_file_order(ir::Value* v, const ir::Shape& file_shape) {
  if (file_shape.size() != 4) return v;
  if (layouts_share_order(*v->shape)) return reshape(v, file_shape, v->name + "/nhwc");
  return transpose(v, {0, 2, 3, 1}, v->name + "/nhwc");
}

ir::Value* ImportContext::from_file_order(ir::Value* v, const ir::Shape& file_shape) {
  if (file_shape.size() != 4) return v;
  const ir::Shape nchw{file_shape[0], file_shape[3], file_shape[1], file_shape[2]};
  if (layouts_share_order(nchw)) return reshape(v, nchw, v->name + "/nchw");
  return transpose(v, {0, 3, 1, 2}, v->name + "/nchw");
}

void ImportContext::define_from_file_order(ir::Value* v, int32_t t) {
  const ir::Shape& file_shape = tensor(t).shape;
  const ir::Shape target = ir_shape(t);
  if (file_shape.size() == 4 && !layouts_share_order(target)) {
    ir::Value* nhwc = *v->shape == file_shape ? v : reshape(v, file_shape, tensor(t).name + "/nhwc");
    define("Transpose", {nhwc}, t)->attrs["perm"] = std::vector<int64_t>{0, 3, 1, 2};
    return;
  }
  std::vector<int64_t> dims(target.begin(), target.end());
  if (!dims.empty() && !v->shape->empty() && dims[0] == (*v->shape)[0]) dims[0] = 0;  // keep the batch
  define("Reshape", {v, int64_constant(tensor(t).name + "_shape", dims)}, t);
}

std::optional<std::array<int64_t, 3>> ImportContext::flat_chw(int32_t t) const {
  auto it = flat_chw_.find(t);
  if (it == flat_chw_.end()) return std::nullopt;
  return it->second;
}

}  // namespace tinyc::tflite_format

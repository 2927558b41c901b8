// Ops that move elements: RESHAPE -> Reshape (with a Transpose to the file's NHWC order where the
// element orders differ; a flatten only FULLY_CONNECTED reads -> Flatten of the NCHW value),
// TRANSPOSE -> Transpose, STRIDED_SLICE -> Slice, SPLIT / SPLIT_V -> Split, GATHER -> Gather, PAD and
// MIRROR_PAD (reflect) -> Pad,
// CONCATENATION -> Concat, with axes,
// permutations and paddings moved from NHWC to NCHW positions; and MEAN / REDUCE_MAX -> ReduceMean /
// ReduceMax over the moved axes.
#include <algorithm>
#include <limits>
#include <set>

#include "formats/tflite/import_ops.h"
#include "formats/tflite/layout.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

// The IR dim that file dim d of a rank-`rank` tensor holds.
int64_t ir_dim(int64_t d, size_t rank) { return rank == 4 ? kNhwcFromNchw.at(static_cast<size_t>(d)) : d; }

int64_t normalized_axis(const FileOp& op, const ImportContext& ctx, int64_t axis, size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r)
    throw InputError(ctx.describe(op) + ": axis " + std::to_string(axis) + " is out of range for rank " +
                     std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

// True when t feeds only FULLY_CONNECTED ops as their input, each with constant weights of width
// `depth`, so it may hold its elements in C, H, W order (the weights' columns follow).
bool read_only_by_fully_connected(const ImportContext& ctx, int32_t t, int64_t depth) {
  if (ctx.is_model_output(t) || ctx.readers(t).empty()) return false;
  for (const auto& [index, slot] : ctx.readers(t)) {
    const FileOp& reader = ctx.op(index);
    if (reader.code != static_cast<int32_t>(fb::BuiltinOperator::FULLY_CONNECTED) || slot != 0) return false;
    if (reader.inputs.size() < 2 || reader.inputs[1] < 0) return false;
    const FileTensor& w = ctx.tensor(reader.inputs[1]);
    if (!w.data || w.shape.size() != 2 || w.shape[1] != depth) return false;
  }
  return true;
}

}  // namespace

void import_reshape(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const ir::Shape& in = ctx.tensor(input).shape;
  const ir::Shape& out = ctx.tensor(output).shape;
  if (ir::num_elements(in) != ir::num_elements(out))
    throw InputError(ctx.describe(op) + ": " + ir::shape_to_string(in) + " and " + ir::shape_to_string(out) +
                     " hold different element counts");
  if (ctx.dtype(input) == ir::DType::Int8) require_same_quant(op, ctx, input, output);
  ir::Value* x = ctx.value(input);
  const bool reordered = in.size() == 4 && !layouts_share_order(*x->shape);
  if (reordered && out.size() == 2 && out[0] == in[0] && read_only_by_fully_connected(ctx, output, out[1])) {
    ctx.define("Flatten", {x}, output)->attrs["axis"] = int64_t{1};
    ctx.set_flat_chw(output, {in[3], in[1], in[2]});
    return;
  }
  ctx.define_from_file_order(reordered ? ctx.in_file_order(x, in) : x, output);
}

void import_transpose(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const size_t rank = ctx.tensor(input).shape.size();
  std::vector<int64_t> perm = constant_ints(op, ctx, 1, "permutation");
  if (perm.size() != rank) throw InputError(ctx.describe(op) + ": the permutation does not match the input's rank");
  for (int64_t& p : perm) p = normalized_axis(op, ctx, p, rank);
  if (std::set<int64_t>(perm.begin(), perm.end()).size() != rank)
    throw InputError(ctx.describe(op) + ": the permutation repeats a dim");
  if (ctx.dtype(input) == ir::DType::Int8) require_same_quant(op, ctx, input, output);
  std::vector<int64_t> ir_perm = perm;
  if (rank == 4)  // output IR dim a = input IR dim kNhwcFromNchw[perm[kNhwcPositionOf[a]]]
    for (size_t a = 0; a < 4; ++a)
      ir_perm[a] = kNhwcFromNchw.at(static_cast<size_t>(perm.at(static_cast<size_t>(kNhwcPositionOf[a]))));
  ctx.define("Transpose", {ctx.value(input)}, output)->attrs["perm"] = ir_perm;
}

// Begin and end count from the end when negative and clamp as ONNX Slice's starts and ends do; a
// begin_mask or end_mask bit means "from the first" or "to the last" element in the stride's
// direction, which the largest index of that sign says in ONNX.
void import_strided_slice(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const size_t rank = ctx.tensor(input).shape.size();
  std::vector<int64_t> begin = constant_ints(op, ctx, 1, "begin");
  std::vector<int64_t> end = constant_ints(op, ctx, 2, "end");
  const std::vector<int64_t> strides = constant_ints(op, ctx, 3, "strides");
  if (begin.size() != rank || end.size() != rank || strides.size() != rank)
    throw InputError(ctx.describe(op) + ": begin, end and strides need one entry per input dim");
  const fb::StridedSliceOptions* o = op.op->builtin_options_as_StridedSliceOptions();
  if (o && (o->ellipsis_mask() || o->new_axis_mask() || o->shrink_axis_mask() || o->offset()))
    throw InputError(ctx.describe(op) + ": ellipsis, new-axis and shrink-axis masks and offset ends are not supported");
  if (ctx.dtype(input) == ir::DType::Int8) require_same_quant(op, ctx, input, output);
  std::vector<int64_t> axes(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (strides[d] == 0) throw InputError(ctx.describe(op) + ": a stride is 0");
    const int64_t from_start = strides[d] > 0 ? 0 : std::numeric_limits<int64_t>::max();
    const int64_t to_end = strides[d] > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
    if (o && (o->begin_mask() >> d) & 1) begin[d] = from_start;
    if (o && (o->end_mask() >> d) & 1) end[d] = to_end;
    axes[d] = ir_dim(static_cast<int64_t>(d), rank);
  }
  const std::string base = ctx.tensor(output).name;
  ctx.define("Slice",
             {ctx.value(input), ctx.int64_constant(base + "_starts", begin), ctx.int64_constant(base + "_ends", end),
              ctx.int64_constant(base + "_axes", axes), ctx.int64_constant(base + "_steps", strides)},
             output);
}

// SPLIT reads (axis, input), SPLIT_V (input, size_splits, axis); the parts' sizes are the outputs'
// shapes along the axis, which size_splits must match.
void import_split(const FileOp& op, ImportContext& ctx) {
  const bool sized = op.code == static_cast<int32_t>(fb::BuiltinOperator::SPLIT_V);
  const int32_t input = required_input(op, ctx, sized ? 0 : 1, "input");
  const std::vector<int64_t> axis_values = constant_ints(op, ctx, sized ? 2 : 0, "axis");
  const size_t rank = ctx.tensor(input).shape.size();
  if (axis_values.size() != 1) throw InputError(ctx.describe(op) + ": the axis is not one number");
  const int64_t axis = normalized_axis(op, ctx, axis_values[0], rank);
  if (op.outputs.empty()) throw InputError(ctx.describe(op) + ": no outputs");
  std::vector<int64_t> sizes;
  for (int32_t t : op.outputs) {
    if (t < 0 || ctx.tensor(t).shape.size() != rank) throw InputError(ctx.describe(op) + ": an output's rank differs");
    if (ctx.dtype(input) == ir::DType::Int8) require_same_quant(op, ctx, input, t);
    sizes.push_back(ctx.tensor(t).shape[static_cast<size_t>(axis)]);
  }
  if (sized && constant_ints(op, ctx, 1, "size_splits") != sizes)
    throw InputError(ctx.describe(op) + ": size_splits disagrees with the outputs' shapes");
  ir::Node* n = ctx.define("Split", {ctx.value(input), ctx.int64_constant(ctx.tensor(op.outputs[0]).name + "_split", sizes)},
                           op.outputs);
  n->attrs["axis"] = ir_dim(axis, rank);
}

// Constant positions only, batch_dims 0; a 4-D (NHWC) input keeps its layout with 1-D positions.
void import_gather(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const size_t rank = ctx.tensor(input).shape.size();
  const std::vector<int64_t> positions = constant_ints(op, ctx, 1, "positions");
  const ir::Shape& positions_shape = ctx.tensor(op.inputs[1]).shape;
  const fb::GatherOptions* o = op.op->builtin_options_as_GatherOptions();
  if (o && o->batch_dims() != 0) throw InputError(ctx.describe(op) + ": batch_dims other than 0 is not supported");
  const int64_t axis = normalized_axis(op, ctx, o ? o->axis() : 0, rank);
  const size_t out_rank = ctx.tensor(output).shape.size();
  if ((rank == 4 || out_rank == 4) && !(rank == 4 && positions_shape.size() == 1))
    throw InputError(ctx.describe(op) + ": a GATHER into or out of a 4-D (NHWC) tensor needs 1-D positions");
  if (ctx.dtype(input) == ir::DType::Int8) require_same_quant(op, ctx, input, output);
  const std::string name = ctx.derived_name(ctx.tensor(output).name + "_indices");
  ir::Value* indices = ctx.constant("ir:" + name, name, ir::Tensor::from_vector<int64_t>(positions_shape, positions));
  ctx.define("Gather", {ctx.value(input), indices}, output)->attrs["axis"] = ir_dim(axis, rank);
}

void import_pad(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const size_t rank = ctx.tensor(input).shape.size();
  const std::vector<int64_t> rows = constant_ints(op, ctx, 1, "paddings");
  if (rows.size() != 2 * rank) throw InputError(ctx.describe(op) + ": expected " + std::to_string(rank) + " x 2 paddings");
  if (std::any_of(rows.begin(), rows.end(), [](int64_t p) { return p < 0; }))
    throw InputError(ctx.describe(op) + ": negative paddings");
  // TFLite Micro's int8 PAD fills with the output's zero point and copies the rest unchanged.
  if (ctx.dtype(input) == ir::DType::Int8) require_same_quant(op, ctx, input, output);
  std::vector<int64_t> pads(2 * rank);
  for (size_t d = 0; d < rank; ++d) {
    const auto a = static_cast<size_t>(ir_dim(static_cast<int64_t>(d), rank));
    pads[a] = rows[2 * d];
    pads[rank + a] = rows[2 * d + 1];
  }
  ir::Value* pads_value = ctx.int64_constant(ctx.tensor(output).name + "_pads", pads);
  ir::Node* n = ctx.define("Pad", {ctx.value(input), pads_value}, output);
  if (op.code != static_cast<int32_t>(fb::BuiltinOperator::MIRROR_PAD)) return;
  const fb::MirrorPadOptions* o = op.op->builtin_options_as_MirrorPadOptions();
  if (!o || o->mode() != fb::MirrorPadMode::REFLECT)
    throw InputError(ctx.describe(op) + ": only REFLECT mirror padding is supported (SYMMETRIC has no ONNX mode)");
  n->attrs["mode"] = std::string("reflect");
}

void import_concatenation(const FileOp& op, ImportContext& ctx) {
  const int32_t output = single_output(op, ctx);
  const fb::ConcatenationOptions* o = op.op->builtin_options_as_ConcatenationOptions();
  if (!o) throw InputError(ctx.describe(op) + ": the options (axis) are missing");
  if (o->fused_activation_function() != fb::ActivationFunctionType::NONE)
    throw InputError(ctx.describe(op) + ": a fused activation on CONCATENATION, which TFLite Micro refuses too");
  const size_t rank = ctx.tensor(output).shape.size();
  const int64_t axis = normalized_axis(op, ctx, o->axis(), rank);
  std::vector<ir::Value*> inputs;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const int32_t t = required_input(op, ctx, i, "input " + std::to_string(i));
    if (ctx.tensor(t).shape.size() != rank) throw InputError(ctx.describe(op) + ": inputs differ in rank");
    // TFLite Micro's int8 CONCATENATION copies bytes and refuses inputs with other parameters;
    // tinyc's would requantize them, so only equal parameters mean the same thing.
    if (ctx.dtype(t) == ir::DType::Int8) require_same_quant(op, ctx, t, output);
    inputs.push_back(ctx.value(t));
  }
  if (inputs.empty()) throw InputError(ctx.describe(op) + ": no inputs");
  ctx.define("Concat", inputs, output)->attrs["axis"] = ir_dim(axis, rank);
}

void import_reduce(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const ir::Shape& in = ctx.tensor(input).shape;
  const size_t rank = in.size();
  std::set<int64_t> axes;
  for (int64_t a : constant_ints(op, ctx, 1, "axes")) axes.insert(normalized_axis(op, ctx, a, rank));
  if (axes.empty()) throw InputError(ctx.describe(op) + ": no axes to average over");
  const fb::ReducerOptions* o = op.op->builtin_options_as_ReducerOptions();
  const bool keep_dims = o && o->keep_dims();
  const bool max = op.code == static_cast<int32_t>(fb::BuiltinOperator::REDUCE_MAX);
  const std::string reducer = max ? "ReduceMax" : "ReduceMean";
  // TFLite Micro's int8 REDUCE_MAX refuses other output parameters; the maximum keeps them.
  if (max && ctx.dtype(input) == ir::DType::Int8) require_same_quant(op, ctx, input, output);
  std::vector<int64_t> ir_axes;
  for (int64_t a : axes) ir_axes.push_back(ir_dim(a, rank));
  std::sort(ir_axes.begin(), ir_axes.end());
  ir::Value* x = ctx.value(input);

  // With keep_dims = 0 the kept dims leave in IR order; that is the file's output when they have
  // the file's shape and their dims above 1 come in the same order in both layouts.
  auto reduced_axis = [&](int64_t a) { return std::count(ir_axes.begin(), ir_axes.end(), a) != 0; };
  ir::Shape kept;
  std::vector<int64_t> ir_order, file_order;  // kept IR dims above 1, in IR and in file order
  for (size_t d = 0; d < rank; ++d) {
    const auto a = static_cast<int64_t>(d);
    const int64_t b = ir_dim(a, rank);
    if (!reduced_axis(a)) kept.push_back((*x->shape)[d]);
    if (!reduced_axis(a) && (*x->shape)[d] > 1) ir_order.push_back(a);
    if (!reduced_axis(b) && (*x->shape)[static_cast<size_t>(b)] > 1) file_order.push_back(b);
  }
  if (keep_dims || (kept == ctx.tensor(output).shape && ir_order == file_order)) {
    ir::Node* n = ctx.define(reducer, {x}, output);
    n->attrs["axes"] = ir_axes;
    n->attrs["keepdims"] = int64_t{keep_dims ? 1 : 0};
    return;
  }
  ir::Shape reduced = *x->shape;
  for (int64_t a : ir_axes) reduced[static_cast<size_t>(a)] = 1;
  ir::Node* n = ctx.intermediate(reducer, {x}, ctx.tensor(output).name + "/keepdims", ctx.dtype(output), reduced,
                                 ctx.ir_quant(output));
  n->attrs["axes"] = ir_axes;
  n->attrs["keepdims"] = int64_t{1};
  ir::Value* kept_dims = n->output(0);
  ctx.define_from_file_order(rank == 4 ? ctx.in_file_order(kept_dims, nhwc_shape(reduced)) : kept_dims, output);
}

}  // namespace tinyc::tflite_format

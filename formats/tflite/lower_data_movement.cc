// Ops that only move int8 bytes: Reshape / Flatten / Squeeze / Unsqueeze -> RESHAPE, Transpose ->
// TRANSPOSE, Slice -> STRIDED_SLICE, Split -> SPLIT (equal parts) or SPLIT_V, Gather -> GATHER, Pad ->
// PAD (constant) or MIRROR_PAD (reflect),
// Concat -> CONCATENATION. A reshape of an NHWC activation whose element
// order differs from NCHW goes through a TRANSPOSE, except a flatten read only by FullyConnected
// layers, which is stored as Layout::FlatHwc instead.
#include <algorithm>
#include <numeric>
#include <vector>

#include "exec/shape/slicing.h"
#include "formats/tflite/activation.h"
#include "formats/tflite/layout.h"
#include "formats/tflite/lowering.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

void add_reshape(LoweringContext& ctx, const ir::Node& node, int32_t input, int32_t output, const ir::Shape& shape) {
  const int32_t shape_tensor = ctx.int32_constant(node.name + "/shape", shape);
  fb::ReshapeOptionsT o;
  o.new_shape.assign(shape.begin(), shape.end());
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  ctx.add_op(fb::BuiltinOperator::RESHAPE, {input, shape_tensor}, {output}, std::move(options));
}

namespace {

// Tensor dim k of a value in `layout` holds IR dim result[k].
std::vector<int64_t> ir_dims_of_tensor(Layout layout, size_t rank) {
  if (layout == Layout::Nhwc) return {kNhwcFromNchw.begin(), kNhwcFromNchw.end()};
  std::vector<int64_t> identity(rank);
  std::iota(identity.begin(), identity.end(), 0);
  return identity;
}

std::vector<int64_t> read_pads(const ir::Node& node, LoweringContext& ctx) {
  if (ctx.opset() < 11) return node.attr_ints("pads", {});
  return constant_of(node, node.input(1), "pads input").to_int64();
}

void check_pad_value(const ir::Node& node) {
  const ir::Value* v = node.input(2);
  if (!v) return;
  const ir::Tensor& t = constant_of(node, v, "constant_value");
  const double value = t.num_elements() == 1 ? t.to_double().front() : 1.0;
  const bool zero = is_float(t.dtype()) ? value == 0.0
                                        : value == static_cast<double>(quant_of(node, node.output(0)).zero_point.at(0));
  if (!zero)
    throw InputError(describe(node) + ": TFLite's int8 PAD fills with the zero point (0.0), not another value");
}

// Slice's selection of every IR dim, from constant inputs (opset >= 10) or attributes.
std::vector<exec::shape::AxisRange> slice_ranges(const ir::Node& node, LoweringContext& ctx) {
  auto ints = [&](size_t index, const std::string& role) {
    if (ctx.opset() < 10) return node.attr_ints(role, {});
    const ir::Value* v = node.input(index);
    return v ? constant_of(node, v, role + " input").to_int64() : std::vector<int64_t>{};
  };
  return exec::shape::resolve_slice(node, shape_of(node, node.input(0)), ints(1, "starts"), ints(2, "ends"),
                                    ints(3, "axes"), ints(4, "steps"));
}

}  // namespace

void add_transpose(LoweringContext& ctx, const ir::Node& node, int32_t input, int32_t output,
                   const std::vector<int64_t>& perm) {
  const int32_t perm_tensor = ctx.int32_constant(node.name + "/perm", perm);
  fb::BuiltinOptionsUnion options;
  options.Set(fb::TransposeOptionsT{});
  ctx.add_op(fb::BuiltinOperator::TRANSPOSE, {input, perm_tensor}, {output}, std::move(options));
}

void lower_reshape(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* x = node.input(0);
  const ir::Value* y = node.output(0);
  const ir::Shape& xs = shape_of(node, x);
  const ir::Shape& ys = shape_of(node, y);
  const ValueTensor source = ctx.input(x);
  const bool flattens_for_fc = ys.size() == 2 && ys[0] == xs[0] && read_only_by_fully_connected(y);
  if (source.layout == Layout::Nhwc && flattens_for_fc) {
    ctx.alias_flat_hwc(y, x, {xs[1], xs[2], xs[3]});
    return;
  }
  if (source.layout == Layout::Plain && flattens_for_fc) {
    ctx.alias(y, x);
    return;
  }
  int32_t plain = source.index;  // a tensor whose element order is the IR's
  if (source.layout == Layout::Nhwc && !layouts_share_order(xs)) {
    plain = ctx.intermediate(node.name + "/nchw_in", x->dtype, xs, x->quant);
    add_transpose(ctx, node, source.index, plain, {kNchwFromNhwc.begin(), kNchwFromNhwc.end()});
  }
  const bool nhwc_out = ctx.layout_of_output(y) == Layout::Nhwc;
  if (nhwc_out && !layouts_share_order(ys)) {
    const int32_t nchw = ctx.intermediate(node.name + "/nchw_out", y->dtype, ys, y->quant);
    add_reshape(ctx, node, plain, nchw, ys);
    add_transpose(ctx, node, nchw, ctx.define(y), {kNhwcFromNchw.begin(), kNhwcFromNchw.end()});
    return;
  }
  add_reshape(ctx, node, plain, ctx.define(y), nhwc_out ? nhwc_shape(ys) : ys);
}

void lower_transpose(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* x = node.input(0);
  const ir::Value* y = node.output(0);
  const size_t rank = shape_of(node, x).size();
  std::vector<int64_t> perm = node.attr_ints("perm", {});
  if (perm.empty())
    for (size_t d = rank; d-- > 0;) perm.push_back(static_cast<int64_t>(d));
  const ValueTensor source = ctx.input(x);
  const std::vector<int64_t> in_dims = ir_dims_of_tensor(source.layout, rank);
  std::vector<int64_t> tensor_of_ir(rank);  // IR dim -> tensor dim of the input
  for (size_t k = 0; k < rank; ++k) tensor_of_ir[static_cast<size_t>(in_dims[k])] = static_cast<int64_t>(k);
  const std::vector<int64_t> out_dims = ir_dims_of_tensor(ctx.layout_of_output(y), rank);
  std::vector<int64_t> tflite_perm;
  for (size_t k = 0; k < rank; ++k)
    tflite_perm.push_back(tensor_of_ir.at(static_cast<size_t>(perm.at(static_cast<size_t>(out_dims[k])))));
  add_transpose(ctx, node, source.index, ctx.define(y), tflite_perm);
}

// Every dim gets its resolved first index, stride and the index past its last element; where that
// is -1 (a negative stride down to index 0) the dim's end_mask bit says "to the start" instead.
void lower_slice(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* x = node.input(0);
  const size_t rank = shape_of(node, x).size();
  if (rank > 4) throw InputError(describe(node) + ": TFLite Micro's STRIDED_SLICE takes at most 4 dims");
  const std::vector<exec::shape::AxisRange> ranges = slice_ranges(node, ctx);
  const ValueTensor source = ctx.input(x);
  std::vector<int64_t> begin, end, strides;
  fb::StridedSliceOptionsT o;
  const std::vector<int64_t> dims = ir_dims_of_tensor(source.layout, rank);
  for (size_t k = 0; k < rank; ++k) {
    const exec::shape::AxisRange& r = ranges.at(static_cast<size_t>(dims[k]));
    if (r.count == 0) throw InputError(describe(node) + ": an empty slice has no TFLite form");
    const int64_t stop = r.start + r.count * r.step;
    begin.push_back(r.start);
    end.push_back(std::max<int64_t>(stop, 0));
    strides.push_back(r.step);
    if (stop < 0) o.end_mask |= 1 << k;
  }
  const int32_t begin_tensor = ctx.int32_constant(node.name + "/begin", begin);
  const int32_t end_tensor = ctx.int32_constant(node.name + "/end", end);
  const int32_t strides_tensor = ctx.int32_constant(node.name + "/strides", strides);
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  ctx.add_op(fb::BuiltinOperator::STRIDED_SLICE, {source.index, begin_tensor, end_tensor, strides_tensor},
             {ctx.define(node.output(0))}, std::move(options));
}

void lower_split(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* x = node.input(0);
  const int64_t axis = axis_attribute(node, 0, shape_of(node, x).size());
  const ValueTensor source = ctx.input(x);
  const int32_t axis_tensor = ctx.int32_constant(node.name + "/axis", {file_dim(source.layout, axis)});
  std::vector<int64_t> sizes;
  std::vector<int32_t> outputs;
  for (const ir::Value* y : node.outputs()) {
    sizes.push_back(shape_of(node, y).at(static_cast<size_t>(axis)));
    outputs.push_back(ctx.define(y));
  }
  const auto parts = static_cast<int32_t>(sizes.size());
  fb::BuiltinOptionsUnion options;
  if (std::all_of(sizes.begin(), sizes.end(), [&](int64_t s) { return s == sizes.front(); })) {
    fb::SplitOptionsT o;
    o.num_splits = parts;
    options.Set(std::move(o));
    ctx.add_op(fb::BuiltinOperator::SPLIT, {axis_tensor, source.index}, std::move(outputs), std::move(options));
    return;
  }
  const int32_t sizes_tensor = ctx.int32_constant(node.name + "/size_splits", sizes);
  fb::SplitVOptionsT o;
  o.num_splits = parts;
  options.Set(std::move(o));
  ctx.add_op(fb::BuiltinOperator::SPLIT_V, {source.index, sizes_tensor, axis_tensor}, std::move(outputs),
             std::move(options));
}

// The indices become int32 and non-negative. A rank-4 (NHWC) value keeps its layout only when 1-D
// indices leave the rank at 4; other gathers into or out of rank 4 are refused.
void lower_gather(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* x = node.input(0);
  const ir::Shape& xs = shape_of(node, x);
  const ir::Tensor& indices = constant_of(node, node.input(1), "indices");
  const int64_t axis = axis_attribute(node, 0, xs.size());
  const size_t out_rank = shape_of(node, node.output(0)).size();
  if ((xs.size() == 4 || out_rank == 4) && !(xs.size() == 4 && indices.shape().size() == 1))
    throw InputError(describe(node) + ": a Gather into or out of a 4-D (NHWC) tensor needs 1-D indices");
  const ValueTensor source = ctx.input(x);
  std::vector<int32_t> positions;
  for (int64_t i : indices.to_int64()) positions.push_back(static_cast<int32_t>(i < 0 ? i + xs[static_cast<size_t>(axis)] : i));
  const int32_t positions_tensor =
      ctx.constant(node.name + "/indices", ir::Tensor::from_vector<int32_t>(indices.shape(), positions));
  fb::GatherOptionsT o;
  o.axis = static_cast<int32_t>(file_dim(source.layout, axis));
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  ctx.add_op(fb::BuiltinOperator::GATHER, {source.index, positions_tensor}, {ctx.define(node.output(0))}, std::move(options));
}

void lower_pad(const ir::Node& node, LoweringContext& ctx) {
  const std::string mode = node.attr_string("mode", "constant");
  if (mode != "constant" && mode != "reflect")
    throw InputError(describe(node) + ": mode '" + mode + "' has no TFLite form (constant and reflect do)");
  if (node.input(3)) throw InputError(describe(node) + ": the axes input has no TFLite form");
  const bool reflect = mode == "reflect";
  if (!reflect) check_pad_value(node);
  const ir::Value* x = node.input(0);
  const size_t rank = shape_of(node, x).size();
  const std::vector<int64_t> pads = read_pads(node, ctx);
  if (pads.size() != 2 * rank) throw InputError(describe(node) + ": expected " + std::to_string(2 * rank) + " pads");
  if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p < 0; }))
    throw InputError(describe(node) + ": negative pads (cropping) have no TFLite PAD form");
  const ValueTensor source = ctx.input(x);
  std::vector<int32_t> rows;
  for (int64_t d : ir_dims_of_tensor(source.layout, rank)) {
    rows.push_back(static_cast<int32_t>(pads[static_cast<size_t>(d)]));
    rows.push_back(static_cast<int32_t>(pads[rank + static_cast<size_t>(d)]));
  }
  const int32_t paddings =
      ctx.constant(node.name + "/paddings", ir::Tensor::from_vector<int32_t>({static_cast<int64_t>(rank), 2}, rows));
  fb::BuiltinOptionsUnion options;
  if (reflect) {
    const ir::Shape& xs = shape_of(node, x);
    for (size_t d = 0; d < rank; ++d)
      if (pads[d] >= xs[d] || pads[rank + d] >= xs[d])
        throw InputError(describe(node) + ": a reflect pad must be smaller than its dim");
    fb::MirrorPadOptionsT o;
    o.mode = fb::MirrorPadMode::REFLECT;
    options.Set(std::move(o));
    ctx.add_op(fb::BuiltinOperator::MIRROR_PAD, {source.index, paddings}, {ctx.define(node.output(0))},
               std::move(options));
    return;
  }
  options.Set(fb::PadOptionsT{});
  ctx.add_op(fb::BuiltinOperator::PAD, {source.index, paddings}, {ctx.define(node.output(0))}, std::move(options));
}

void lower_concat(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* y = node.output(0);
  const size_t rank = shape_of(node, y).size();
  const int64_t axis = axis_attribute(node, 0, rank);
  const ir::QuantParams& out_q = quant_of(node, y);
  std::vector<int32_t> inputs;
  for (const ir::Value* v : node.inputs()) {
    const ValueTensor operand = ctx.input(v);
    if (operand.layout == Layout::FlatHwc) throw InternalError("a FlatHwc value reached Concat");
    if (quant_of(node, v) == out_q) {
      inputs.push_back(operand.index);
      continue;
    }
    // TFLite's int8 CONCATENATION copies bytes: inputs with other parameters are requantized first.
    const int32_t requantized =
        ctx.intermediate(v->name + "/requantized", ir::DType::Int8, ctx.tflite_shape(operand.index), out_q);
    fb::BuiltinOptionsUnion quantize;
    quantize.Set(fb::QuantizeOptionsT{});
    ctx.add_op(fb::BuiltinOperator::QUANTIZE, {operand.index}, {requantized}, std::move(quantize));
    inputs.push_back(requantized);
  }
  fb::ConcatenationOptionsT o;
  o.axis = static_cast<int32_t>(file_dim(ctx.layout_of_output(y), axis));
  o.fused_activation_function = fused_activation(node);
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  ctx.add_op(fb::BuiltinOperator::CONCATENATION, std::move(inputs), {ctx.define(y)}, std::move(options));
}

}  // namespace tinyc::tflite_format

// Node attributes: AttributeProto <-> ir::Attribute (ints, floats, strings, their lists, tensors).
#pragma once

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <string>

#include "ir/attribute.h"
#include "ir/limits.h"

namespace tinyc::onnx_format {

// Every attribute of `node`. `node_label` names it in errors ("node 'conv1' (Conv)"). Throws
// InputError for kinds the IR cannot hold (subgraphs, sparse tensors, tensor lists, types),
// nameless or repeated attributes. Tensor attributes may use external data beside the model.
ir::Attributes attributes_from_proto(const onnx::NodeProto& node, const std::string& node_label,
                                     const std::filesystem::path& base_dir, const ir::Limits& limits);

// Appends the attributes to `node` in name order.
void attributes_to_proto(const ir::Attributes& attrs, onnx::NodeProto& node);

}  // namespace tinyc::onnx_format

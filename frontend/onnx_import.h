// ONNX ModelProto -> qcc IR. Only translation happens here: attributes are normalized to the IR's
// conventions (see ir/shape_inference.h), Constant nodes become constant values, and every
// unsupported construct is an error naming the node, op and opset.
#pragma once

#include <string>

#include <onnx/onnx_pb.h>

#include "ir/graph.h"

namespace qcc {

/// Highest ai.onnx opset the importer understands.
constexpr int kMaxOpset = 18;

/// Loads and translates a model file (external data is resolved next to it). Throws
/// std::runtime_error with a one-line message starting with the file name.
Graph import_onnx_file(const std::string& path);

/// Translates a parsed model; `base_dir` resolves external data.
Graph import_onnx_model(const onnx::ModelProto& model, const std::string& base_dir);

}  // namespace qcc

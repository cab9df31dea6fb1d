// qcc IR -> ONNX ModelProto (the inverse of the importer): normalized attributes go back to the
// form of the graph's opset, fused activations become separate nodes, constants become
// initializers. Only NCHW graphs (before layout lowering) are exportable.
#pragma once

#include <string>

#include <onnx/onnx_pb.h>

#include "ir/graph.h"

namespace qcc {

/// Throws std::runtime_error naming the node when something cannot be expressed in ONNX.
onnx::ModelProto export_onnx(const Graph& g);
/// Writes the model atomically (see write_file); throws naming the file on failure.
void save_onnx_file(const Graph& g, const std::string& path);

}  // namespace qcc

// ONNX ModelProto -> qcc IR. Only translation happens here: attributes are normalized to the IR's
// conventions (see ir/shape_inference.h), Constant nodes become constant values, and every
// unsupported construct is an error naming the node, op and opset.
//
// The importer is the door for files from strangers: every node's inputs, ranks and attributes
// are validated (shape inference checks the op rules), every tensor's size is checked against
// the data present and against a byte limit before it is allocated, and external data must stay
// inside the model's folder.
#pragma once

#include <string>

#include <onnx/onnx_pb.h>

#include "frontend/tensor_proto.h"
#include "ir/graph.h"

namespace qcc {

/// Highest ai.onnx opset the importer understands.
constexpr int kMaxOpset = 18;

struct ImportOptions {
  uint64_t max_bytes = kDefaultMaxModelBytes;  ///< bound on all constant data of the model
};

/// Loads and translates a model file (external data is resolved next to it). Throws
/// std::runtime_error with a one-line message starting with the file name.
Graph import_onnx_file(const std::string& path, const ImportOptions& options = {});

/// Translates a parsed model; `base_dir` resolves external data.
Graph import_onnx_model(const onnx::ModelProto& model, const std::string& base_dir,
                        const ImportOptions& options = {});

}  // namespace qcc

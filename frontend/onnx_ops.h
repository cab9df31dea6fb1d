// Per-op translation of ONNX nodes into IR nodes (one small loader per op type).
#pragma once

#include <string>
#include <unordered_map>

#include <onnx/onnx_pb.h>

#include "frontend/tensor_proto.h"
#include "ir/graph.h"

namespace qcc {

struct ImportContext {
  Graph graph;
  std::unordered_map<std::string, Value*> values;  ///< ONNX name -> value
  std::string base_dir;
  int opset = 13;
  uint64_t bytes_left = kDefaultMaxModelBytes;  ///< what constant data may still take

  /// Decodes a tensor of the model (initializer or Constant) within the remaining byte budget.
  Tensor read_tensor(const onnx::TensorProto& p);
};

/// Translates node `index` of the graph; throws naming node, op type and opset.
void import_node(const onnx::NodeProto& np, int index, ImportContext& ctx);

}  // namespace qcc

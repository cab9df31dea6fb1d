// Per-op translation of ONNX nodes into IR nodes (one small loader per op type).
#pragma once

#include <string>
#include <unordered_map>

#include <onnx/onnx_pb.h>

#include "ir/graph.h"

namespace qcc {

struct ImportContext {
  Graph graph;
  std::unordered_map<std::string, Value*> values;  ///< ONNX name -> value
  std::string base_dir;
  int opset = 13;
};

/// Translates node `index` of the graph; throws naming node, op type and opset.
void import_node(const onnx::NodeProto& np, int index, ImportContext& ctx);

}  // namespace qcc

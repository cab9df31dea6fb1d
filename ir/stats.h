// Static cost figures of a graph: multiply-accumulates per node and parameter bytes.
#pragma once

#include "ir/graph.h"

namespace qcc {

/// Multiply-accumulates of a Conv/Gemm/MatMul node (0 for others or unknown shapes).
int64_t node_macs(const Node& n);
/// Bytes of all constant data the nodes read.
int64_t parameter_bytes(const Graph& g);

}  // namespace qcc

// Static figures of a graph: multiply-accumulates per node, parameter bytes, a fingerprint.
#pragma once

#include "ir/graph.h"

namespace qcc {

/// Multiply-accumulates of a Conv/Gemm/MatMul node (0 for others or unknown shapes).
int64_t node_macs(const Node& n);
/// Bytes of all constant data the nodes read.
int64_t parameter_bytes(const Graph& g);
/// FNV-1a (64-bit) of `n` bytes, continuing from `h` (kFnv1aSeed to start).
constexpr uint64_t kFnv1aSeed = 0xcbf29ce484222325ull;
uint64_t fnv1a(uint64_t h, const uint8_t* p, size_t n);
/// A 64-bit hash of what the graph computes: ops, attributes, value names, shapes and constant
/// data. Calibration profiles record it so they are not applied to another model.
uint64_t graph_fingerprint(const Graph& g);

}  // namespace qcc


// Static memory planning: every non-constant value gets a place in one arena, computed once per
// plan from value lifetimes (greedy best-fit over storage lifetimes).
//
// Aliasing removes copies: reshape-like ops (Identity, Dropout, Reshape, Flatten, Squeeze,
// Unsqueeze) share their input's bytes, and a value whose producer can write with a pixel stride
// (conv, pool, concat) and whose only reader is a channel-axis Concat is placed directly inside
// the concat's output as a channel slice -- so Inception's concats cost nothing.
#pragma once

#include <cstddef>
#include <unordered_map>

#include "ir/graph.h"

namespace qcc {

struct Placement {
  size_t offset = 0;         ///< bytes from the arena start
  int64_t pixel_stride = 0;  ///< elements between rows of the last dim (== last dim if dense)
  bool in_place_slice = false;  ///< written directly into a concat output
};

struct MemoryPlan {
  size_t arena_bytes = 0;
  std::unordered_map<const Value*, Placement> place;
  /// Sum of all value sizes without reuse (to report the planner's saving).
  size_t unshared_bytes = 0;
};

/// True for ops that run as a no-op view of their first input.
bool is_alias_op(const Node& n);

/// Plans the graph (nodes in execution order, static shapes). `strided_writer(n)` says whether the
/// step bound to n can write its output with a pixel stride.
MemoryPlan plan_memory(const Graph& g, bool (*strided_writer)(const Node&));

}  // namespace qcc

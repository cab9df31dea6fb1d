// Structural checks on a graph: SSA, topological order, typed values.
#pragma once

#include <string>

#include "ir/graph.h"

namespace qcc {

/// Empty when the graph is well formed, else the first problem found (naming node/value).
std::string verify(const Graph& g);

}  // namespace qcc

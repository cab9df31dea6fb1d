// Human-readable listing of a graph: one line per node.
#pragma once

#include <ostream>

#include "ir/graph.h"

namespace qcc {

void print_graph(std::ostream& os, const Graph& g);
std::string value_str(const Value& v);  ///< "name:f32[N,3,299,299]"

}  // namespace qcc

// Small helpers shared by passes.
#pragma once

#include "ir/graph.h"

namespace qcc {

/// The single node reading `v`, if `v` has exactly one reader and is not a graph output.
Node* sole_user(const Graph& g, const Value* v);

/// Conv weight and bias as float vectors (bias zero-filled when absent); false if not constant f32.
bool conv_params(const Node& conv, std::vector<float>& w, std::vector<float>& b);
/// Replaces a conv's weight/bias inputs with new f32 constants.
void set_conv_params(Graph& g, Node& conv, const std::vector<float>& w, const std::vector<float>& b);

}  // namespace qcc

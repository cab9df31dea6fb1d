// Small helpers shared by passes.
#pragma once

#include <set>
#include <vector>

#include "ir/graph.h"

namespace qcc {

/// The single node reading `v`, if `v` has exactly one reader and is not a graph output.
Node* sole_user(const Graph& g, const Value* v);

/// Conv weight and bias as float vectors (bias zero-filled when absent); false if not constant f32.
bool conv_params(const Node& conv, std::vector<float>& w, std::vector<float>& b);
/// Replaces a conv's weight/bias inputs with new f32 constants.
void set_conv_params(Graph& g, Node& conv, const std::vector<float>& w, const std::vector<float>& b);

/// Input slots that carry data: all of them for kAllData ops (Concat), else slot 0.
std::vector<size_t> data_inputs(const Node& n);

/// Values that cannot be negative, proven from the graph's structure: ReLU outputs (also fused
/// into a Conv/Gemm), u8 values, and what sign-keeping ops (pools, concat, copies, (de)quantize)
/// make of such values.
std::set<const Value*> nonnegative_values(const Graph& g);

}  // namespace qcc

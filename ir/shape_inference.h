// Output dtype and shape of each node from its inputs and (normalized) attributes.
//
// Attribute conventions the frontend establishes and every pass keeps:
//  * Conv/MaxPool/AveragePool: kernel_shape, strides, dilations (2 each), pads (4: top, left,
//    bottom, right), ceil_mode, count_include_pad, group; optional auto_pad is resolved into pads
//    here. `layout` is "NCHW" (default) or "NHWC" after layout assignment.
//  * Pad: pads (2*rank), mode, value. Unsqueeze/Squeeze: axes. Slice: starts, ends, axes, steps.
//  * Conv may carry `activation` = "relu" after fusion.
#pragma once

#include "ir/graph.h"

namespace qcc {

/// Computes the outputs of `n`. Dtypes are set only when `set_dtypes` (at import/creation); later
/// re-inference (a concrete batch size) only refreshes shapes. Throws std::runtime_error naming the
/// node on inconsistent inputs.
void infer_node(Node& n, bool set_dtypes);

/// Re-infers every node's output shapes in order (after changing input shapes).
void infer_shapes(Graph& g);

/// Output extent of a sliding window (conv/pool) along one axis.
int64_t window_out_extent(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                          int64_t pad_begin, int64_t pad_end, bool ceil_mode);

/// Numpy-style broadcast of two shapes; throws on mismatch.
Shape broadcast_shapes(const Shape& a, const Shape& b);

}  // namespace qcc

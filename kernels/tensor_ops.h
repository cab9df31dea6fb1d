// Data movement on dense row-major tensors of any element size: strided copies (transpose,
// slice, broadcast), gather, pad and channel-slice copies. Shapes and strides are in elements.
#pragma once

#include <cstdint>
#include <vector>

namespace qcc::kernels {

using Dims = std::vector<int64_t>;

/// Row-major strides of a shape.
Dims contiguous_strides(const Dims& shape);

/// dst[i...] = src[base + sum(i_d * src_strides[d])] for every index of `shape`; dst contiguous.
void strided_copy(const void* src, const Dims& src_strides, void* dst, const Dims& shape,
                  int elem_bytes);

/// ONNX Gather: out = data indexed along `axis` by `indices` (negative indices wrap).
/// Returns false when an index is out of range.
bool gather(const void* data, const Dims& data_shape, int axis, const int64_t* indices,
            int64_t num_indices, void* out, int elem_bytes);

enum class PadMode { constant, edge, reflect };
/// ONNX Pad on any rank; `pads` = begins then ends (negative pads crop). `value` points at one
/// element of the tensor's type (constant mode).
void pad(const void* src, const Dims& shape, const Dims& pads, PadMode mode, const void* value,
         void* dst, int elem_bytes);

/// Copies `rows` rows of `cols` elements between buffers with different row strides (a channel
/// slice of an NHWC tensor, or a concat input into its slice).
void copy_rows(const void* src, int64_t src_stride, void* dst, int64_t dst_stride, int64_t rows,
               int64_t cols, int elem_bytes);

}  // namespace qcc::kernels

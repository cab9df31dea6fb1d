// Arithmetic on dense tensors: broadcast binary ops, activations, softmax, normalization,
// global pooling, reference matmul, casts. Scalar loops written so the compiler vectorizes them;
// float paths of the hot ones use xsimd.
#pragma once

#include <cstdint>

#include "kernels/tensor_ops.h"

namespace qcc::kernels {

enum class BinaryOp { add, sub, mul, div };
enum class ElemType { f32, f16, s8, u8, s32, s64 };

/// out[shape] = a op b, with a/b element strides per output dim (0 = broadcast).
/// Returns false for an unsupported element type (f16) or integer division by zero.
bool binary(BinaryOp op, ElemType t, const void* a, const Dims& a_strides, const void* b,
            const Dims& b_strides, void* out, const Dims& shape);

/// Strides to read a tensor of `in_shape` broadcast to `out_shape` (numpy rules).
Dims broadcast_strides(const Dims& in_shape, const Dims& out_shape);

void relu_f32(const float* x, float* y, int64_t n);
void relu_f16(const uint16_t* x, uint16_t* y, int64_t n);
/// Relu on quantized values: max(x, zero), the zero point being the quantized 0.
template <typename T>
void relu_q(const T* x, T* y, int64_t n, T zero);

/// Softmax over `axis_len` elements spaced `inner` apart, for `outer` x `inner` independent rows.
void softmax_f32(const float* x, float* y, int64_t outer, int64_t axis_len, int64_t inner);

/// Inference BatchNormalization on [N, C, inner] (NCHW flattened spatially).
void batchnorm_f32(const float* x, float* y, int64_t n, int64_t c, int64_t inner,
                   const float* scale, const float* bias, const float* mean, const float* var,
                   float eps);

/// Mean over `pixels` positions of an NHWC tensor: [N, pixels, C] (pixel stride) -> [N, C].
void global_avgpool_nhwc_f32(const float* x, int64_t n, int64_t pixels, int64_t c,
                             int64_t pixel_stride, float* y);
/// Mean over the trailing `inner` elements: [N*C, inner] -> [N*C].
void global_avgpool_nchw_f32(const float* x, int64_t rows, int64_t inner, float* y);

/// Batched row-major matmul: [batch][m][k] x [batch][k][n] with per-batch offsets given by
/// a_offsets/b_offsets (elements) to express broadcasting.
void matmul_f32(const float* a, const int64_t* a_offsets, const float* b, const int64_t* b_offsets,
                float* y, int64_t batch, int64_t m, int64_t k, int64_t n);

/// Element conversion between any two element types (round-to-nearest for float->float,
/// truncation toward zero for float->int as C++ and ONNX Cast do).
void cast(ElemType from, const void* x, ElemType to, void* y, int64_t n);

}  // namespace qcc::kernels

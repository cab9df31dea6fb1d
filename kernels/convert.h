// Element type conversions on arrays (half conversions: the variant the kernel configuration
// chose, F16C on CPUs that have it).
#pragma once

#include <cstdint>

namespace qcc::kernels {

void convert_f16_to_f32(const uint16_t* src, float* dst, int64_t n);
void convert_f32_to_f16(const float* src, uint16_t* dst, int64_t n);

/// Symmetric/affine quantization, ONNX QuantizeLinear semantics: round half to even, saturate.
void quantize_f32_to_s8(const float* src, int8_t* dst, int64_t n, float scale, int32_t zero_point);
void quantize_f32_to_u8(const float* src, uint8_t* dst, int64_t n, float scale, int32_t zero_point);
void dequantize_s8_to_f32(const int8_t* src, float* dst, int64_t n, float scale, int32_t zero_point);
void dequantize_u8_to_f32(const uint8_t* src, float* dst, int64_t n, float scale, int32_t zero_point);

}  // namespace qcc::kernels

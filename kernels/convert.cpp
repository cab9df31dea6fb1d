#include "kernels/convert.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "ir/half.h"
#include "ir/saturate.h"
#include "kernels/config.h"

namespace qcc::kernels {

namespace {
// The definition every variant must reproduce bit for bit (ONNX QuantizeLinear: x / scale, round
// half to even, + zero point, saturate; NaN -> 0).
template <typename Q>
void quantize_scalar(const float* src, Q* dst, int64_t n, float scale, int32_t zp) {
  constexpr float lo = std::is_signed_v<Q> ? -128.f : 0.f, hi = std::is_signed_v<Q> ? 127.f : 255.f;
  for (int64_t i = 0; i < n; ++i) {
    float q = std::nearbyint(src[i] / scale) + static_cast<float>(zp);
    dst[i] = saturate_cast<Q>(std::clamp(q, lo, hi));  // (NaN stays NaN through clamp)
  }
}
void f16_to_f32_scalar(const uint16_t* src, float* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = half_to_float(src[i]);
}
void f32_to_f16_scalar(const float* src, uint16_t* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = float_to_half(src[i]);
}
}  // namespace

const ConvertKernels& convert_kernels_scalar() {
  static const ConvertKernels k{"scalar", f16_to_f32_scalar, f32_to_f16_scalar,
                                quantize_scalar<int8_t>, quantize_scalar<uint8_t>};
  return k;
}

void convert_f16_to_f32(const uint16_t* src, float* dst, int64_t n) { kernel_config().convert->f16_to_f32(src, dst, n); }

void convert_f32_to_f16(const float* src, uint16_t* dst, int64_t n) { kernel_config().convert->f32_to_f16(src, dst, n); }

namespace {
template <typename Q>
void dequantize(const Q* src, float* dst, int64_t n, float scale, int32_t zp) {
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(int32_t{src[i]} - zp) * scale;
}
}  // namespace

void quantize_f32_to_s8(const float* s, int8_t* d, int64_t n, float scale, int32_t zp) {
  kernel_config().convert->quantize_s8(s, d, n, scale, zp);
}
void quantize_f32_to_u8(const float* s, uint8_t* d, int64_t n, float scale, int32_t zp) {
  kernel_config().convert->quantize_u8(s, d, n, scale, zp);
}
void dequantize_s8_to_f32(const int8_t* s, float* d, int64_t n, float scale, int32_t zp) {
  dequantize(s, d, n, scale, zp);
}
void dequantize_u8_to_f32(const uint8_t* s, float* d, int64_t n, float scale, int32_t zp) {
  dequantize(s, d, n, scale, zp);
}

}  // namespace qcc::kernels

// F16C half conversions (compiled with AVX2/F16C flags only).
#include <immintrin.h>

#include <cstring>

#include "kernels/config.h"

namespace qcc::kernels {

namespace {

void f16_to_f32(const uint16_t* src, float* dst, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
  for (; i < n; ++i) dst[i] = _cvtsh_ss(src[i]);
}

void f32_to_f16(const float* src, uint16_t* dst, int64_t n) {
  constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), kRound));
  for (; i < n; ++i) dst[i] = _cvtss_sh(src[i], kRound);
}

}  // namespace

const ConvertKernels& convert_kernels_avx2() {
  static const ConvertKernels k{"avx2", f16_to_f32, f32_to_f16};
  return k;
}

}  // namespace qcc::kernels

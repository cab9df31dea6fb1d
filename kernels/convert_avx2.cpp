// F16C half conversions and AVX2 quantization (compiled with AVX2/F16C flags only).
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#include "kernels/config.h"

namespace qcc::kernels {

namespace {

void f16_to_f32(const uint16_t* src, float* dst, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
  for (; i < n; ++i) dst[i] = _cvtsh_ss(src[i]);
}

constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

void f32_to_f16(const float* src, uint16_t* dst, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), kRound));
  for (; i < n; ++i) dst[i] = _cvtss_sh(src[i], kRound);
}

// QuantizeLinear 8 floats at a time with the scalar definition's operations in the same order
// (divide, round half to even, add the zero point, clamp), so the results are identical; NaN is
// zeroed before the clamp, which would otherwise turn it into the low bound.
template <typename Q>
void quantize(const float* src, Q* dst, int64_t n, float scale, int32_t zp) {
  constexpr bool kSigned = std::is_signed_v<Q>;
  const __m256 s = _mm256_set1_ps(scale), z = _mm256_set1_ps(static_cast<float>(zp));
  const __m256 lo = _mm256_set1_ps(kSigned ? -128.f : 0.f),
               hi = _mm256_set1_ps(kSigned ? 127.f : 255.f);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 q =
        _mm256_add_ps(_mm256_round_ps(_mm256_div_ps(_mm256_loadu_ps(src + i), s), kRound), z);
    q = _mm256_and_ps(q, _mm256_cmp_ps(q, q, _CMP_ORD_Q));
    const __m256i v = _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(q, lo), hi));
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + i),
                     kSigned ? _mm_packs_epi16(w, w) : _mm_packus_epi16(w, w));
  }
  if constexpr (kSigned)
    convert_kernels_scalar().quantize_s8(src + i, dst + i, n - i, scale, zp);
  else
    convert_kernels_scalar().quantize_u8(src + i, dst + i, n - i, scale, zp);
}

}  // namespace

const ConvertKernels& convert_kernels_avx2() {
  static const ConvertKernels k{"avx2", f16_to_f32, f32_to_f16, quantize<int8_t>,
                                quantize<uint8_t>};
  return k;
}

}  // namespace qcc::kernels

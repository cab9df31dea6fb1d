// Peak loops for AVX2 (compiled with those flags only): 8 independent FMA chains; the int8
// GEMM's vpmaddubsw + vpmaddwd + vpaddd triple in 8 chains.
#include <immintrin.h>

#include <cstdint>

#include "kernels/peak.h"
#include "kernels/peak_int8_256.h"

namespace qcc::kernels::peak {

double fma_avx2(int64_t iters) {
  __m256 acc[8];
  for (int i = 0; i < 8; ++i) acc[i] = _mm256_set1_ps(static_cast<float>(i));
  const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(0.001f);
  for (int64_t t = 0; t < iters; ++t)
    for (int i = 0; i < 8; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  __m256 s = acc[0];
  for (int i = 1; i < 8; ++i) s = _mm256_add_ps(s, acc[i]);
  volatile float sink = _mm256_cvtss_f32(s);
  (void)sink;
  return static_cast<double>(iters) * 8 * 8;
}

double int8_avx2(int64_t iters) {
  return int8_chains_256(iters, [](__m256i acc, __m256i a, __m256i b) {
    return _mm256_add_epi32(acc,
                            _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), _mm256_set1_epi16(1)));
  });
}

}  // namespace qcc::kernels::peak

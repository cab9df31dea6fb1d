// Peak loop for AVX-VNNI (compiled with those flags only): the int8 GEMM's 256-bit vpdpbusd in
// 8 independent chains.
#include <immintrin.h>

#include <cstdint>

#include "kernels/peak.h"

namespace qcc::kernels::peak {

double int8_avx2vnni(int64_t iters) {
  __m256i acc[8];
  for (int i = 0; i < 8; ++i) acc[i] = _mm256_set1_epi32(i);
  const __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-2);
  for (int64_t t = 0; t < iters; ++t)
    for (int i = 0; i < 8; ++i) acc[i] = _mm256_dpbusd_avx_epi32(acc[i], a, b);
  __m256i s = acc[0];
  for (int i = 1; i < 8; ++i) s = _mm256_add_epi32(s, acc[i]);
  volatile int sink = _mm256_extract_epi32(s, 0);
  (void)sink;
  return static_cast<double>(iters) * 8 * 32;
}

}  // namespace qcc::kernels::peak

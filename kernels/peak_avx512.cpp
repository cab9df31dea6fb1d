// Peak loops for AVX-512 (compiled with those flags only): 8 independent vfmadd231ps zmm chains
// and 8 vpdpbusd zmm chains.
#include <immintrin.h>

#include <cstdint>

#include "kernels/peak.h"

namespace qcc::kernels::peak {

double fma_avx512(int64_t iters) {
  __m512 acc[8];
  for (int i = 0; i < 8; ++i) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
  for (int64_t t = 0; t < iters; ++t)
    for (int i = 0; i < 8; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 s = acc[0];
  for (int i = 1; i < 8; ++i) s = _mm512_add_ps(s, acc[i]);
  asm volatile(""
               :
               : "v"(s));  // keeps the chains alive (reduce_add trips GCC 12's -Wuninitialized)
  return static_cast<double>(iters) * 8 * 16;
}

double int8_avx512(int64_t iters) {
  __m512i acc[8];
  for (int i = 0; i < 8; ++i) acc[i] = _mm512_set1_epi32(i);
  const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
  for (int64_t t = 0; t < iters; ++t)
    for (int i = 0; i < 8; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
  __m512i s = acc[0];
  for (int i = 1; i < 8; ++i) s = _mm512_add_epi32(s, acc[i]);
  asm volatile("" : : "v"(s));
  return static_cast<double>(iters) * 8 * 64;
}

}  // namespace qcc::kernels::peak

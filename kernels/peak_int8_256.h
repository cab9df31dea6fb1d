// The int8 peak loop of the 256-bit ISAs (included by TUs compiled for AVX2 or AVX-VNNI, with
// internal linkage in each): 8 independent accumulator chains of `dot(acc, a, b)`, the ISA's
// multiply-add of 32 u8 x s8 products into 8 int32 lanes.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace qcc::kernels::peak {
namespace {

template <typename Dot>
double int8_chains_256(int64_t iters, Dot dot) {
  __m256i acc[8];
  for (int i = 0; i < 8; ++i) acc[i] = _mm256_set1_epi32(i);
  const __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-2);
  for (int64_t t = 0; t < iters; ++t)
    for (int i = 0; i < 8; ++i) acc[i] = dot(acc[i], a, b);
  __m256i s = acc[0];
  for (int i = 1; i < 8; ++i) s = _mm256_add_epi32(s, acc[i]);
  volatile int sink = _mm256_extract_epi32(s, 0);
  (void)sink;
  return static_cast<double>(iters) * 8 * 32;
}

}  // namespace
}  // namespace qcc::kernels::peak

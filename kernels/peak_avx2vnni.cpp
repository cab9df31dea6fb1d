// Peak loop for AVX-VNNI (compiled with those flags only): the int8 GEMM's 256-bit vpdpbusd in
// 8 independent chains.
#include <immintrin.h>

#include <cstdint>

#include "kernels/peak.h"
#include "kernels/peak_int8_256.h"

namespace qcc::kernels::peak {

double int8_avx2vnni(int64_t iters) {
  return int8_chains_256(
      iters, [](__m256i acc, __m256i a, __m256i b) { return _mm256_dpbusd_avx_epi32(acc, a, b); });
}

}  // namespace qcc::kernels::peak

// The 512-bit vector traits the AVX-512 VNNI and AMX micro-kernel sets share (see
// gemm_ukernel_impl.h). Included by TUs compiled for those ISAs, with internal linkage in each.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace qcc::kernels {
namespace {

struct Avx512 {
  static constexpr int kLanes = 16;
  using F = __m512;
  using I = __m512i;
  static __mmask16 mask(int n) { return static_cast<__mmask16>((1u << n) - 1); }
  static F load(const float* p) { return _mm512_loadu_ps(p); }
  static F load_half(const uint16_t* p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static F bcast(float x) { return _mm512_set1_ps(x); }
  static F fma(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
  static F min(F a, F b) { return _mm512_min_ps(a, b); }
  static F max(F a, F b) { return _mm512_max_ps(a, b); }
  static void store(float* p, F x, int n) {
    if (n == kLanes) return _mm512_storeu_ps(p, x);
    _mm512_mask_storeu_ps(p, mask(n), x);
  }
  static void store_half(uint16_t* p, F x, int n) {
    __m256i h = _mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm256_mask_storeu_epi16(p, mask(n), h);
  }
  // Full vectors take a plain store: a masked one cost measurably more in the small-K 1x1 layers.
  static void store_bytes(void* p, __m128i b, int n) {
    if (n == kLanes) return _mm_storeu_si128(static_cast<__m128i*>(p), b);
    _mm_mask_storeu_epi8(p, mask(n), b);
  }
  static void store_s8(int8_t* p, F x, int n) {
    store_bytes(p, _mm512_cvtsepi32_epi8(_mm512_cvtps_epi32(x)), n);
  }
  static void store_u8(uint8_t* p, F x, int n) {
    store_bytes(p, _mm512_cvtusepi32_epi8(_mm512_cvtps_epu32(x)), n);
  }
  static I iload(const void* p) { return _mm512_loadu_si512(p); }
  static I ibcast4(const uint8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
  }
  static I dot4(I acc, I a, I b) { return _mm512_dpbusd_epi32(acc, a, b); }  // any u8 a: exact
  static F to_float(I x) { return _mm512_cvtepi32_ps(x); }
};

}  // namespace
}  // namespace qcc::kernels

// The 256-bit vector traits the AVX2 and AVX-VNNI micro-kernel sets share (loads, broadcasts,
// stores, conversions; see gemm_ukernel_impl.h): the sets differ only in how they multiply int8.
// Included by TUs compiled for those ISAs, with internal linkage in each.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace qcc::kernels {
namespace {

struct Avx2Common {
  static constexpr int kLanes = 8;
  using F = __m256;
  using I = __m256i;
  static F load(const float* p) { return _mm256_loadu_ps(p); }
  static F load_half(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  static F bcast(float x) { return _mm256_set1_ps(x); }
  static F fma(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
  static F min(F a, F b) { return _mm256_min_ps(a, b); }
  static F max(F a, F b) { return _mm256_max_ps(a, b); }
  static void store(float* p, F x, int n) {
    if (n == kLanes) return _mm256_storeu_ps(p, x);
    alignas(32) float t[kLanes];
    _mm256_store_ps(t, x);
    std::memcpy(p, t, n * sizeof(float));
  }
  static void store_half(uint16_t* p, F x, int n) {
    __m128i h = _mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    if (n == kLanes) return _mm_storeu_si128(reinterpret_cast<__m128i*>(p), h);
    alignas(16) uint16_t t[kLanes];
    _mm_store_si128(reinterpret_cast<__m128i*>(t), h);
    std::memcpy(p, t, n * sizeof(uint16_t));
  }
  static void store_s8(int8_t* p, F x, int n) {
    __m256i q = _mm256_cvtps_epi32(x);  // round half to even (MXCSR default)
    __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    __m128i b = _mm_packs_epi16(w, w);  // saturating to s8
    alignas(16) int8_t t[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(t), b);
    std::memcpy(p, t, n);
  }
  static void store_u8(uint8_t* p, F x, int n) {
    __m256i q = _mm256_cvtps_epi32(x);
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    __m128i b = _mm_packus_epi16(w, w);  // saturating to u8
    alignas(16) uint8_t t[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(t), b);
    std::memcpy(p, t, n);
  }
  static I iload(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
  static I ibcast4(const uint8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
  }
  static F to_float(I x) { return _mm256_cvtepi32_ps(x); }
};

}  // namespace
}  // namespace qcc::kernels

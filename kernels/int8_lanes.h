// Bytes <-> int32 (and int16) lanes for int8 kernels written with xsimd, which (version 8) has no
// widening or narrowing conversion: one instruction each, chosen by the vector width of the
// architecture A the variant is compiled for (8 lanes: AVX2, 16: AVX-512BW). The scalar variant
// never names them.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

namespace qcc::kernels::impl {

template <class A, size_t kLanes = xsimd::batch<int32_t, A>::size>
struct Int8Lanes;

template <class A>
struct Int8Lanes<A, 8> {
  using I = xsimd::batch<int32_t, A>;
  using S = xsimd::batch<int16_t, A>;  ///< 16 lanes
  /// 16 bytes from p as int16 lanes, sign- or zero-extended by T.
  template <typename T>
  static S load16(const T* p) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return std::is_signed_v<T> ? _mm256_cvtepi8_epi16(b) : _mm256_cvtepu8_epi16(b);
  }
  /// The low and high halves of s, sign-extended to int32 lanes.
  static I widen_lo(S s) { return _mm256_cvtepi16_epi32(_mm256_castsi256_si128(s)); }
  static I widen_hi(S s) { return _mm256_cvtepi16_epi32(_mm256_extracti128_si256(s, 1)); }
  /// 8 bytes from p, sign- or zero-extended by T.
  template <typename T>
  static I load(const T* p) {
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    return std::is_signed_v<T> ? _mm256_cvtepi8_epi32(b) : _mm256_cvtepu8_epi32(b);
  }
  /// 8 lanes already within T's range to p.
  template <typename T>
  static void store(I v, T* p) {
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p),
                     std::is_signed_v<T> ? _mm_packs_epi16(w, w) : _mm_packus_epi16(w, w));
  }
};

template <class A>
struct Int8Lanes<A, 16> {
  using I = xsimd::batch<int32_t, A>;
  using S = xsimd::batch<int16_t, A>;  ///< 32 lanes
  /// 32 bytes from p as int16 lanes, sign- or zero-extended by T.
  template <typename T>
  static S load16(const T* p) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return std::is_signed_v<T> ? _mm512_cvtepi8_epi16(b) : _mm512_cvtepu8_epi16(b);
  }
  /// The low and high halves of s, sign-extended to int32 lanes.
  static I widen_lo(S s) { return _mm512_cvtepi16_epi32(_mm512_castsi512_si256(s)); }
  static I widen_hi(S s) { return _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(s, 1)); }
  /// 16 bytes from p, sign- or zero-extended by T.
  template <typename T>
  static I load(const T* p) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return std::is_signed_v<T> ? _mm512_cvtepi8_epi32(b) : _mm512_cvtepu8_epi32(b);
  }
  /// 16 lanes already within T's range to p (their low bytes are the values).
  template <typename T>
  static void store(I v, T* p) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm512_cvtepi32_epi8(v));
  }
};

}  // namespace qcc::kernels::impl

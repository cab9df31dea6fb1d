// AVX2 + FMA + F16C instantiation of the micro-kernels (compiled with those flags only).
// Int8 without VNNI: vpmaddubsw (u8 x s8 -> pairwise s16, saturating) then vpmaddwd by ones.
// The s16 pair sums cannot saturate for u7 activations (0..127) and weights -128..127:
// |a0 b0 + a1 b1| <= 2 * 127 * 128 = 32512 < 32767. Full u8 activations (0..255) could
// saturate vpmaddubsw, so they (and signed ones, read as a + 128) take int16 pairs instead:
// a's even and odd bytes widened in-register and multiplied by vpmaddwd (exact: 2 * 255 * 128
// fits easily) against b widened to int16 pairs once, at packing (pair_lanes), as many
// multiply instructions as the u7 path. With 7-bit weights (-63..63) neither can saturate: u8 goes
// straight to vpmaddubsw, and u7 adds two groups' pair sums in int16 (|sum| <= 4 * 127 * 63 =
// 32004) before one vpmaddwd, 3 multiplies per 8 k instead of 4.
#include <immintrin.h>

#include "kernels/gemm_ukernel_impl.h"

namespace qcc::kernels {

namespace {

struct Avx2 {
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
  static I dot4(I acc, I a, I b) {
    __m256i pairs = _mm256_maddubs_epi16(a, b);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
  }
  static constexpr bool kU8Pairs = true;
  static void pairs_a(I a, I& even, I& odd) {
    even = _mm256_and_si256(a, _mm256_set1_epi16(0xff));
    odd = _mm256_srli_epi16(a, 8);
  }
  static I dot_pairs(I acc, I a_even, I b_even, I a_odd, I b_odd) {
    const __m256i sum =
        _mm256_add_epi32(_mm256_madd_epi16(a_even, b_even), _mm256_madd_epi16(a_odd, b_odd));
    return _mm256_add_epi32(acc, sum);
  }
  static I dot8(I acc, I a0, I b0, I a1, I b1) {
    const __m256i pairs =
        _mm256_add_epi16(_mm256_maddubs_epi16(a0, b0), _mm256_maddubs_epi16(a1, b1));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
  }
  static F to_float(I x) { return _mm256_cvtepi32_ps(x); }
};

}  // namespace

const UkernelSet& ukernels_avx2() {
  // Float 6x16: 12 accumulators + 2 B + 1 broadcast of the 16 ymm registers. Int8 4x16.
  static const UkernelSet s = impl::make_set<Avx2, 6, 2, 4, 2>("avx2", "avx2-w7");
  return s;
}

}  // namespace qcc::kernels

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
#include "kernels/gemm_ukernel_avx2_traits.h"
#include "kernels/gemm_ukernel_impl.h"

namespace qcc::kernels {

namespace {

struct Avx2 : Avx2Common {
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
};

}  // namespace

const UkernelSet& ukernels_avx2() {
  // Float 6x16: 12 accumulators + 2 B + 1 broadcast of the 16 ymm registers. Int8 4x16.
  static const UkernelSet s = impl::make_set<Avx2, 6, 2, 4, 2>("avx2", "avx2-w7");
  return s;
}

}  // namespace qcc::kernels

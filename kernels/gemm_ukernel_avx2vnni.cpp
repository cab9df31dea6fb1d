// AVX-VNNI instantiation of the micro-kernels: AVX2 + FMA + F16C with the VEX-encoded 256-bit
// vpdpbusd (Alder Lake and later Intel cores, Zen 5; compiled with those flags only, no AVX-512).
// vpdpbusd multiplies u8 x s8 and adds 4 products per int32 lane without intermediate saturation,
// so every activation kind takes one instruction per 4 k and no int16 pairs or 7-bit-weight
// variants are needed; signed activations are flipped to a + 128 with the bias compensated at
// packing, as on AVX-512.
#include "kernels/gemm_ukernel_avx2_traits.h"
#include "kernels/gemm_ukernel_impl.h"

namespace qcc::kernels {

namespace {

struct Avx2Vnni : Avx2Common {
  static I dot4(I acc, I a, I b) { return _mm256_dpbusd_avx_epi32(acc, a, b); }  // any u8 a: exact
};

}  // namespace

const UkernelSet& ukernels_avx2vnni() {
  // Float and int8 6x16: 12 accumulators + 2 B + 1 broadcast of the 16 ymm registers.
  static const UkernelSet s = impl::make_set<Avx2Vnni, 6, 2, 6, 2>("avx2vnni");
  return s;
}

}  // namespace qcc::kernels

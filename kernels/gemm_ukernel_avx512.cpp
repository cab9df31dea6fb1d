// AVX-512 (F, BW, VL, VNNI) instantiation of the micro-kernels (compiled with those flags only).
// Int8 uses vpdpbusd (u8 x s8, 4 products per int32 lane, no intermediate saturation); signed
// activations are flipped to a + 128 with the bias compensated at packing.
#include "kernels/gemm_ukernel_avx512_traits.h"
#include "kernels/gemm_ukernel_impl.h"

namespace qcc::kernels {

const UkernelSet& ukernels_avx512() {
  // 12x32 tiles: 24 accumulators + 2 B + 1 broadcast of the 32 zmm registers.
  static const UkernelSet s = impl::make_set<Avx512, 12, 2, 12, 2>("avx512vnni");
  return s;
}

}  // namespace qcc::kernels

// AVX-512 (F, BW, VL, VNNI) instantiation of the micro-kernels (compiled with those flags only).
// Int8 uses vpdpbusd (u8 x s8, 4 products per int32 lane, no intermediate saturation); signed
// activations are flipped to a + 128 with the bias compensated at packing.
#include "kernels/gemm_ukernel_avx512_traits.h"
#include "kernels/gemm_ukernel_impl.h"

namespace qcc::kernels {

const UkernelSet& ukernels_avx512() {
  // Float 14x32: 28 accumulators + 2 B + 1 broadcast of the 32 zmm registers; each B vector
  // serving 14 rows instead of 12 measured 0.95-0.97x the FP32 time (batch 1 and 16).
  // Int8 stays 12x32: 14x32 measured 1.007x its time on VNNI (default and u8 models).
  static const UkernelSet s = impl::make_set<Avx512, 14, 2, 12, 2>("avx512vnni");
  return s;
}

}  // namespace qcc::kernels

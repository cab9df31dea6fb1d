// AVX2 + FMA Winograd transforms (compiled with those flags only).
#include "kernels/winograd_impl.h"

namespace qcc::kernels {

const WinogradKernels& winograd_kernels_avx2() {
  static const WinogradKernels k = impl::make_winograd_kernels<xsimd::fma3<xsimd::avx2>>("avx2");
  return k;
}

}  // namespace qcc::kernels

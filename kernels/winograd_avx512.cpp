// AVX-512 Winograd transforms (compiled with those flags only).
#include "kernels/winograd_impl.h"

namespace qcc::kernels {

const WinogradKernels& winograd_kernels_avx512() {
  static const WinogradKernels k = impl::make_winograd_kernels<xsimd::avx512bw>("avx512vnni");
  return k;
}

}  // namespace qcc::kernels

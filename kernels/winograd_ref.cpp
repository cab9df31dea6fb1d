// Scalar Winograd transforms (the reference the SIMD variants are tested against).
#include "kernels/winograd_impl.h"

namespace qcc::kernels {

const WinogradKernels& winograd_kernels_scalar() {
  static const WinogradKernels k = impl::make_winograd_kernels<void>("scalar");
  return k;
}

}  // namespace qcc::kernels

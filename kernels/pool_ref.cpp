// Scalar pooling: the pool_impl.h bodies without vector loops (the reference the SIMD
// variants are tested against).
#include "kernels/pool_impl.h"

namespace qcc::kernels {

const PoolKernels& pool_kernels_scalar() {
  static const PoolKernels k = impl::make_pool_kernels<void>("scalar");
  return k;
}

}  // namespace qcc::kernels

// AVX-512 pooling (compiled with those flags only).
#include "kernels/pool_impl.h"

namespace qcc::kernels {

const PoolKernels& pool_kernels_avx512() {
  static const PoolKernels k = impl::make_pool_kernels<xsimd::avx512bw>("avx512vnni");
  return k;
}

}  // namespace qcc::kernels

// AVX2 + FMA pooling (compiled with those flags only).
#include "kernels/pool_impl.h"

namespace qcc::kernels {

const PoolKernels& pool_kernels_avx2() {
  static const PoolKernels k = impl::make_pool_kernels<xsimd::fma3<xsimd::avx2>>("avx2");
  return k;
}

}  // namespace qcc::kernels

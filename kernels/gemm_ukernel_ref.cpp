// Scalar reference micro-kernels: obviously right, used as the fallback and as the test oracle.
// They take their tile shape from the arguments, so one reference serves every ISA's layout.
#include <algorithm>
#include <cmath>

#include "ir/half.h"
#include "ir/saturate.h"
#include "kernels/cpu.h"
#include "kernels/gemm_ukernel.h"

namespace qcc::kernels {

namespace {

template <typename BT, typename CT>
void ref_float(const UkernelArgs& p) {
  const float* bias = static_cast<const float*>(p.bias);
  for (int r = 0; r < p.m; ++r)
    for (int j = 0; j < p.n; ++j) {
      float acc = bias[j];
      for (int t = 0; t < p.taps; ++t) {
        const float* a = static_cast<const float*>(p.a[t * p.mr + r]);
        const BT* b = static_cast<const BT*>(p.b) + t * p.kc * p.nr;
        for (int64_t k = 0; k < p.kc; ++k) {
          float w;
          if constexpr (sizeof(BT) == 2)
            w = half_to_float(b[k * p.nr + j]);
          else
            w = b[k * p.nr + j];
          acc += a[k] * w;
        }
      }
      float v = std::min(std::max(acc, p.lo), p.hi);
      CT* c = static_cast<CT*>(p.c) + r * p.ldc + j;
      if constexpr (sizeof(CT) == 2)
        *c = float_to_half(v);
      else
        *c = v;
    }
}

template <typename AT, typename CT>
void ref_q8(const UkernelArgs& p) {
  const int32_t* bias = static_cast<const int32_t*>(p.bias);
  for (int r = 0; r < p.m; ++r)
    for (int j = 0; j < p.n; ++j) {
      int32_t acc = bias[j];
      for (int t = 0; t < p.taps; ++t) {
        const AT* a = static_cast<const AT*>(p.a[t * p.mr + r]);
        const int8_t* b = static_cast<const int8_t*>(p.b) + t * p.kc * p.nr;
        for (int64_t k = 0; k < p.kc; ++k)
          acc += int32_t{a[k]} * b[(k / 4) * p.nr * 4 + j * 4 + k % 4];
      }
      float v = std::min(std::max(static_cast<float>(acc) * p.scale[j], p.lo), p.hi);
      CT* c = static_cast<CT*>(p.c) + r * p.ldc + j;
      if constexpr (sizeof(CT) == 1)
        *c = saturate_cast<int8_t>(std::nearbyint(v));
      else
        *c = v;
    }
}

}  // namespace

const Ukernel& UkernelSet::get(GemmType t) const {
  switch (t) {
    case GemmType::f32: return f32;
    case GemmType::f16: return f16;
    case GemmType::q8_s8out: return q8_s8out;
    case GemmType::q8_f32out: return q8_f32out;
    case GemmType::q8s_s8out: return q8s_s8out;
    case GemmType::q8s_f32out: return q8s_f32out;
  }
  return f32;
}

UkernelSet ukernels_ref(int mr, int nr) {
  return {"scalar",
          {ref_float<float, float>, mr, nr, false},
          {ref_float<uint16_t, uint16_t>, mr, nr, false},
          {ref_q8<uint8_t, int8_t>, mr, nr, false},
          {ref_q8<uint8_t, float>, mr, nr, false},
          {ref_q8<int8_t, int8_t>, mr, nr, false},
          {ref_q8<int8_t, float>, mr, nr, false}};
}

const UkernelSet& ukernels_best() {
  static const UkernelSet s = [] {
    const CpuFeatures& f = cpu_features();
    if (f.avx512_core() && f.avx512vnni) return ukernels_avx512();
    if (f.avx2 && f.fma && f.f16c) return ukernels_avx2();
    return ukernels_ref(4, 8);
  }();
  return s;
}

}  // namespace qcc::kernels

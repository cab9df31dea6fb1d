// Scalar reference micro-kernels: obviously right, used as the fallback and as the test oracle.
// They take their tile shape from the arguments, so one reference serves every ISA's layout.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "ir/half.h"
#include "ir/saturate.h"
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
      float v = std::min(std::max(std::fma(static_cast<float>(acc), p.scale[j], p.zero), p.lo), p.hi);
      CT* c = static_cast<CT*>(p.c) + r * p.ldc + j;
      if constexpr (std::is_same_v<CT, int8_t>)
        *c = static_cast<int8_t>(std::nearbyint(std::min(std::max(v, -128.f), 127.f)));
      else if constexpr (std::is_same_v<CT, uint8_t>)
        *c = static_cast<uint8_t>(std::nearbyint(std::min(std::max(v, 0.f), 255.f)));
      else
        *c = v;
    }
}

template <typename AT>
void ref_q8_row(Ukernel (&row)[3], int mr, int nr) {
  row[0] = {ref_q8<AT, int8_t>, "scalar", mr, nr, false};
  row[1] = {ref_q8<AT, uint8_t>, "scalar", mr, nr, false};
  row[2] = {ref_q8<AT, float>, "scalar", mr, nr, false};
}

}  // namespace

const Ukernel& UkernelSet::get(GemmType t) const {
  if (t.a == AType::f32) return f32;
  if (t.a == AType::f16) return f16;
  const int a = t.a == AType::u7 ? 0 : t.a == AType::u8 ? 1 : 2;
  const int c = t.c == CType::s8 ? 0 : t.c == CType::u8 ? 1 : 2;
  return t.w7 && q8w7[a][c].fn ? q8w7[a][c] : q8[a][c];
}

UkernelSet ukernels_ref(int mr, int nr) {
  UkernelSet s{"scalar",
               {ref_float<float, float>, "scalar", mr, nr, false},
               {ref_float<uint16_t, uint16_t>, "scalar", mr, nr, false},
               {},
               {}};
  ref_q8_row<uint8_t>(s.q8[0], mr, nr);
  ref_q8_row<uint8_t>(s.q8[1], mr, nr);
  ref_q8_row<int8_t>(s.q8[2], mr, nr);
  return s;
}

}  // namespace qcc::kernels

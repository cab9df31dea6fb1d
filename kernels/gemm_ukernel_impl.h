// The micro-kernel bodies, written once over a vector-traits class V and compiled per ISA
// (gemm_ukernel_avx2.cpp, gemm_ukernel_avx512.cpp). V provides, for its lane count L:
//   F  (float vector), I (int32 vector), and
//   load(const float*), load_half(const uint16_t*), bcast(float), fma(a, b, c) = a * b + c,
//   min/max, store(float*, F, n) / store_half(uint16_t*, F, n) / store_s8(int8_t*, F, n) /
//   store_u8(uint8_t*, F, n) for n <= L lanes, iload(const void*), ibcast4(const uint8_t*),
//   dot4(I acc, I a, I b) (a x s8, 4 per lane; a in 0..255, or only 0..127 when V sets
//   kU8Pairs), to_float(I). A V whose dot4 would be inexact or slow for a in 0..255 sets
//   kU8Pairs and gets u8 A's B widened to int16 pairs at packing (Ukernel::pair_lanes); it
//   provides, per 4-byte group,
//   pairs_a(I a, I& even, I& odd): a's k0,k2 and k1,k3 bytes zero-extended to int16 pairs, and
//   dot_pairs(acc, a_even, b_even, a_odd, b_odd): both int16 pair products added to acc, and
//   for 7-bit weights (W7: every b in -63..63, so dot4 is exact for a in 0..255)
//   dot8(acc, a0, b0, a1, b1): two 4-byte groups whose int16 pair sums are added before
//   widening, exact for a in 0..127;
// B is loaded once per K group and reused by every row.
// Accumulators stay in registers for the whole K loop; A is broadcast one element per row.
#pragma once

#include <cstring>
#include <type_traits>

#include "kernels/gemm_ukernel.h"

namespace qcc::kernels::impl {

template <class V, int MR, int NV, typename BT, typename CT>
void ukernel_float(const UkernelArgs& p) {
  constexpr int L = V::kLanes, NR = L * NV;
  typename V::F acc[MR][NV];
  const float* bias = static_cast<const float*>(p.bias);
  for (int v = 0; v < NV; ++v) {
    auto bv = V::load(bias + L * v);
    for (int r = 0; r < MR; ++r) acc[r][v] = bv;
  }
  const BT* b = static_cast<const BT*>(p.b);
  for (int t = 0; t < p.taps; ++t) {
    const float* a[MR];
    for (int r = 0; r < MR; ++r) a[r] = static_cast<const float*>(p.a[t * MR + r]);
    for (int64_t k = 0; k < p.kc; ++k) {
      typename V::F bv[NV];
      for (int v = 0; v < NV; ++v) {
        if constexpr (sizeof(BT) == 2)
          bv[v] = V::load_half(b + L * v);
        else
          bv[v] = V::load(b + L * v);
      }
      for (int r = 0; r < MR; ++r) {
        auto av = V::bcast(a[r][k]);
        for (int v = 0; v < NV; ++v) acc[r][v] = V::fma(av, bv[v], acc[r][v]);
      }
      b += NR;
    }
  }
  const auto lo = V::bcast(p.lo), hi = V::bcast(p.hi);
  CT* c = static_cast<CT*>(p.c);
  for (int r = 0; r < p.m; ++r)
    for (int v = 0; v < NV && L * v < p.n; ++v) {
      auto x = V::min(V::max(acc[r][v], lo), hi);
      int n = p.n - L * v < L ? p.n - L * v : L;
      if constexpr (sizeof(CT) == 2)
        V::store_half(c + r * p.ldc + L * v, x, n);
      else
        V::store(c + r * p.ldc + L * v, x, n);
    }
}

template <class V>
constexpr bool kU8Pairs = requires {
  requires V::kU8Pairs;
};

/// Whether the int8 kernel for A takes int16 pairs (B widened at packing): u8 A where dot4
/// could saturate, unless the weights have 7 bits.
template <class V, AType A, bool W7>
constexpr bool kPairsPath = A == AType::u8 && kU8Pairs<V> && !W7;

/// The int8 epilogue of an MR x (NV lanes) tile: C = clamp(round(acc * scale + zero)) for the
/// tile's m valid rows and n columns (acc already holds the bias).
template <class V, int MR, int NV, typename CT>
[[gnu::always_inline]] inline void store_q8_tile(const UkernelArgs& p,
                                                 const typename V::I (&acc)[MR][NV]) {
  constexpr int L = V::kLanes;
  // Everything the stores could alias (they write bytes) is read into locals first: otherwise
  // the compiler reloads the scales, n and ldc after every row's store.
  const auto lo = V::bcast(p.lo), hi = V::bcast(p.hi), zero = V::bcast(p.zero);
  const int m = p.m, n = p.n;
  const int64_t ldc = p.ldc;
  typename V::F scale[NV];
  int lanes[NV];
  for (int v = 0; v < NV; ++v) {
    scale[v] = V::load(p.scale + L * v);
    lanes[v] = n - L * v < L ? n - L * v : L;
  }
  CT* c = static_cast<CT*>(p.c);
  for (int r = 0; r < m; ++r)
    for (int v = 0; v < NV && lanes[v] > 0; ++v) {
      auto x = V::min(V::max(V::fma(V::to_float(acc[r][v]), scale[v], zero), lo), hi);
      CT* out = c + r * ldc + L * v;
      if constexpr (std::is_same_v<CT, int8_t>)
        V::store_s8(out, x, lanes[v]);
      else if constexpr (std::is_same_v<CT, uint8_t>)
        V::store_u8(out, x, lanes[v]);
      else
        V::store(out, x, lanes[v]);
    }
}

template <class V, int MR, int NV, AType A, typename CT, bool W7>
void ukernel_q8(const UkernelArgs& p) {
  constexpr int L = V::kLanes, NR = L * NV;
  // 7-bit weights and u7 A take two groups per dot8.
  constexpr bool kPairs = kPairsPath<V, A, W7>;
  constexpr bool kDot8 = A == AType::u7 && W7;
  typename V::I acc[MR][NV];
  const int32_t* bias = static_cast<const int32_t*>(p.bias);
  for (int v = 0; v < NV; ++v) {
    auto bv = V::iload(bias + L * v);
    for (int r = 0; r < MR; ++r) acc[r][v] = bv;
  }
  const int8_t* b = static_cast<const int8_t*>(p.b);
  for (int t = 0; t < p.taps; ++t) {
    const uint8_t* a[MR];
    for (int r = 0; r < MR; ++r) a[r] = static_cast<const uint8_t*>(p.a[t * MR + r]);
    int64_t k = 0;
    if constexpr (kDot8) {
      for (; k + 8 <= p.kc; k += 8) {
        typename V::I b0[NV], b1[NV];
        for (int v = 0; v < NV; ++v)
          b0[v] = V::iload(b + 4 * L * v), b1[v] = V::iload(b + 4 * (NR + L * v));
        for (int r = 0; r < MR; ++r) {
          auto a0 = V::ibcast4(a[r] + k), a1 = V::ibcast4(a[r] + k + 4);
          for (int v = 0; v < NV; ++v) acc[r][v] = V::dot8(acc[r][v], a0, b0[v], a1, b1[v]);
        }
        b += 8 * NR;
      }
    }
    for (; k < p.kc; k += 4) {
      if constexpr (kPairs) {  // B as int16: per column block, the even pairs then the odd ones
        typename V::I b_even[NV], b_odd[NV];
        for (int v = 0; v < NV; ++v)
          b_even[v] = V::iload(b + 8 * L * v), b_odd[v] = V::iload(b + 8 * L * v + 4 * L);
        for (int r = 0; r < MR; ++r) {
          typename V::I a_even, a_odd;
          V::pairs_a(V::ibcast4(a[r] + k), a_even, a_odd);
          for (int v = 0; v < NV; ++v)
            acc[r][v] = V::dot_pairs(acc[r][v], a_even, b_even[v], a_odd, b_odd[v]);
        }
        b += 8 * NR;
      } else {
        typename V::I bv[NV];
        for (int v = 0; v < NV; ++v) bv[v] = V::iload(b + 4 * L * v);
        for (int r = 0; r < MR; ++r) {
          auto av = V::ibcast4(a[r] + k);
          for (int v = 0; v < NV; ++v) acc[r][v] = V::dot4(acc[r][v], av, bv[v]);
        }
        b += 4 * NR;
      }
    }
  }
  store_q8_tile<V, MR, NV, CT>(p, acc);
}

/// The three output types of one int8 A kind.
template <class V, int MR, int NV, AType A, bool W7 = false>
void set_q8_row(Ukernel (&row)[3], const char* isa, bool flip) {
  constexpr int NR = V::kLanes * NV;
  constexpr int pairs = kPairsPath<V, A, W7> ? V::kLanes : 0;
  row[0] = {ukernel_q8<V, MR, NV, A, int8_t, W7>, isa, MR, NR, flip, pairs};
  row[1] = {ukernel_q8<V, MR, NV, A, uint8_t, W7>, isa, MR, NR, flip, pairs};
  row[2] = {ukernel_q8<V, MR, NV, A, float, W7>, isa, MR, NR, flip, pairs};
}

/// The standard set for an ISA: float tile MR x (NV lanes), int8 tile QMR x (QNV lanes); isa_w7
/// names the 7-bit-weight kernels in reports. The unsigned kernel also serves signed A, read as
/// a + 128 with the bias compensated: exact for every s8 weight including -128, which a
/// sign-transfer (vpsignb) kernel would wrap.
template <class V, int MR, int NV, int QMR, int QNV>
UkernelSet make_set(const char* isa, const char* isa_w7 = "") {
  constexpr int L = V::kLanes;
  UkernelSet s{isa, {}, {}, {}, {}};
  s.f32 = {ukernel_float<V, MR, NV, float, float>, isa, MR, L * NV, false};
  s.f16 = {ukernel_float<V, MR, NV, uint16_t, uint16_t>, isa, MR, L * NV, false};
  set_q8_row<V, QMR, QNV, AType::u7>(s.q8[0], isa, false);
  set_q8_row<V, QMR, QNV, AType::u8>(s.q8[1], isa, false);
  set_q8_row<V, QMR, QNV, AType::u8>(s.q8[2], isa, true);
  if constexpr (kU8Pairs<V>) {  // where dot4 saturates, 7-bit weights have faster kernels
    set_q8_row<V, QMR, QNV, AType::u7, true>(s.q8w7[0], isa_w7, false);
    set_q8_row<V, QMR, QNV, AType::u8, true>(s.q8w7[1], isa_w7, false);
    set_q8_row<V, QMR, QNV, AType::u8, true>(s.q8w7[2], isa_w7, true);
  }
  return s;
}

}  // namespace qcc::kernels::impl

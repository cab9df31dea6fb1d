// Pooling kernel bodies, written once and compiled per ISA (pool_ref.cpp, pool_avx2.cpp,
// pool_avx512.cpp, each with its own flags): A is an xsimd architecture, or void for the scalar
// variant (the same code with the vector loops left out). make_pool_kernels<A>() gives the
// variant's entry in the kernel configuration.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "ir/saturate.h"
#include "kernels/config.h"
#include "kernels/convert.h"
#include "kernels/int8_lanes.h"

namespace qcc::kernels::impl {

// Collects the in-bounds input pixels of output pixel (n, oh, ow) into `taps` and returns the
// divisor of an average over this window.
template <typename T>
int64_t window_taps(const PoolGeom& g, const T* in, int64_t n, int64_t oh, int64_t ow,
                    std::vector<const T*>& taps) {
  taps.clear();
  int64_t padded = 0;
  for (int64_t i = 0; i < g.k_h; ++i) {
    int64_t ih = oh * g.stride_h - g.pad_t + i * g.dil_h;
    for (int64_t j = 0; j < g.k_w; ++j) {
      int64_t iw = ow * g.stride_w - g.pad_l + j * g.dil_w;
      if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) {
        // count_include_pad counts taps over the padding, not beyond it (ceil-mode overhang).
        if (ih >= -g.pad_t && iw >= -g.pad_l && ih < g.in_h + g.pad_b && iw < g.in_w + g.pad_r)
          ++padded;
        continue;
      }
      taps.push_back(in + ((n * g.in_h + ih) * g.in_w + iw) * g.in_pixel_stride);
    }
  }
  int64_t valid = static_cast<int64_t>(taps.size());
  return g.count_include_pad ? valid + padded : valid;
}

// A per-thread buffer that keeps its capacity: the pools allocate only on their first runs, never
// on the hot path afterwards.
template <typename T, int kTag = 0>
std::vector<T>& thread_buffer(size_t n) {
  thread_local std::vector<T> b;
  b.resize(n);
  return b;
}

// Runs fn(taps, divisor, out_pixel) for every output pixel of rows [r0, r1).
template <typename T, typename F>
void for_each_window(const PoolGeom& g, const T* in, T* out, int64_t r0, int64_t r1, F fn) {
  std::vector<const T*>& taps = thread_buffer<const T*>(g.k_h * g.k_w);
  for (int64_t r = r0; r < r1; ++r) {
    int64_t n = r / g.out_h, oh = r % g.out_h;
    for (int64_t ow = 0; ow < g.out_w; ++ow) {
      int64_t count = window_taps(g, in, n, oh, ow, taps);
      fn(taps, count, out + ((n * g.out_h + oh) * g.out_w + ow) * g.out_pixel_stride);
    }
  }
}

inline float average_scale(int64_t count) {
  return 1.f / static_cast<float>(std::max<int64_t>(count, 1));
}

template <class A>
struct Pool {
  static constexpr bool kSimd = !std::is_void_v<A>;

  // Window reduction over float taps: channel blocks of kVecs vectors stay in registers across
  // taps. store(i, v) receives channels [i, i + lanes) as a batch, or channel i as a float
  // (the tail, and everything in the scalar variant); sums arrive multiplied by `scale`.
  template <bool kMax, typename Store>
  static void reduce_window(const std::vector<const float*>& taps, float scale, int64_t c,
                            Store store) {
    const float init = kMax ? -std::numeric_limits<float>::infinity() : 0.f;
    int64_t i = 0;
    if constexpr (kSimd) {
      using B = xsimd::batch<float, A>;
      constexpr int64_t L = B::size, kVecs = 4;
      for (; i + kVecs * L <= c; i += kVecs * L) {
        B acc[kVecs];
        for (auto& a : acc) a = B(init);
        for (const float* x : taps)
          for (int64_t v = 0; v < kVecs; ++v) {
            B xv = B::load_unaligned(x + i + v * L);
            acc[v] = kMax ? xsimd::max(acc[v], xv) : acc[v] + xv;
          }
        for (int64_t v = 0; v < kVecs; ++v) store(i + v * L, kMax ? acc[v] : acc[v] * B(scale));
      }
    }
    for (; i < c; ++i) {
      float a = init;
      for (const float* x : taps) a = kMax ? std::max(a, x[i]) : a + x[i];
      store(i, kMax ? a : a * scale);
    }
  }

  template <bool kMax>
  static void reduce_window_f32(const std::vector<const float*>& taps, int64_t count, int64_t c,
                                float* y) {
    reduce_window<kMax>(taps, average_scale(count), c, [y](int64_t i, auto v) {
      if constexpr (std::is_same_v<decltype(v), float>)
        y[i] = v;
      else
        v.store_unaligned(y + i);
    });
  }

  static void avgpool_f32(const PoolGeom& g, const float* in, float* out, int64_t r0, int64_t r1) {
    for_each_window(g, in, out, r0, r1,
                    [&](const std::vector<const float*>& taps, int64_t count, float* y) {
                      reduce_window_f32<false>(taps, count, g.c, y);
                    });
  }

  // Half pooling converts the window's pixels to float, then reduces like the float path.
  template <bool kMax>
  static void pool_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t r0,
                       int64_t r1) {
    std::vector<float>& px = thread_buffer<float, 1>(g.k_h * g.k_w * g.c);
    std::vector<float>& acc = thread_buffer<float, 2>(g.c);
    std::vector<const float*>& ftaps = thread_buffer<const float*, 3>(g.k_h * g.k_w);
    for_each_window(g, in, out, r0, r1,
                    [&](const std::vector<const uint16_t*>& taps, int64_t count, uint16_t* y) {
                      ftaps.clear();
                      for (size_t t = 0; t < taps.size(); ++t) {
                        convert_f16_to_f32(taps[t], px.data() + t * g.c, g.c);
                        ftaps.push_back(px.data() + t * g.c);
                      }
                      reduce_window_f32<kMax>(ftaps, count, g.c, acc.data());
                      convert_f32_to_f16(acc.data(), y, g.c);
                    });
  }

  // Max pooling, separable like the int8 averages below: the window's input rows are reduced into
  // one row of column maxima, then each output pixel takes the max of k_w of those columns. The
  // same loads as visiting each window, without per-pixel bounds work (Inception V3's four u8
  // max-pools at batch 16 on AVX-512: 4.3 -> 3.9 ms; they are bound by memory traffic). Exact in
  // any type; int8 stays in int8 lanes.
  template <typename T>
  static void maxpool(const PoolGeom& g, const T* in, T* out, int64_t r0, int64_t r1) {
    for_each_separable<T, T>(
        g, in, out, r0, r1,
        [&](const std::vector<const T*>& rows, int64_t offset, T* col) {
          max_taps(rows, offset, g.c, col);
        },
        [&](const std::vector<const T*>& cols, const Span&, const Span&, T* y) {
          max_taps(cols, 0, g.c, y);
        });
  }

  // The separable traversal of max pooling and the int8 averages: for each output row,
  // column(rows, offset, col) reduces the window's valid input rows at one input column into
  // `col` (C lanes per channel), then pixel(cols, row_span, col_span, y) combines one output
  // pixel's valid columns into y.
  template <typename T, typename C, typename Column, typename Pixel>
  static void for_each_separable(const PoolGeom& g, const T* in, T* out, int64_t r0, int64_t r1,
                                 Column column, Pixel pixel) {
    std::vector<C>& cols = thread_buffer<C, 4>(g.in_w * g.c);
    std::vector<const T*>& rows = thread_buffer<const T*, 5>(g.k_h);
    std::vector<const C*>& taps = thread_buffer<const C*, 6>(g.k_w);
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / g.out_h, oh = r % g.out_h;
      const Span rs = window_span(oh, g.stride_h, g.pad_t, g.pad_b, g.dil_h, g.k_h, g.in_h);
      rows.clear();
      for (int64_t i = 0; i < rs.valid; ++i)
        rows.push_back(in + ((n * g.in_h + rs.first + i * g.dil_h) * g.in_w) * g.in_pixel_stride);
      for (int64_t w = 0; w < g.in_w; ++w)
        column(rows, w * g.in_pixel_stride, cols.data() + w * g.c);
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const Span cs = window_span(ow, g.stride_w, g.pad_l, g.pad_r, g.dil_w, g.k_w, g.in_w);
        taps.clear();
        for (int64_t j = 0; j < cs.valid; ++j)
          taps.push_back(cols.data() + (cs.first + j * g.dil_w) * g.c);
        pixel(taps, rs, cs, out + ((n * g.out_h + oh) * g.out_w + ow) * g.out_pixel_stride);
      }
    }
  }

  // y[ch] = max over the taps of tap[offset + ch]; a window wholly in the padding gives the
  // type's lowest value (-inf for floats: ONNX pads max pooling with -inf).
  template <typename T>
  static void max_taps(const std::vector<const T*>& taps, int64_t offset, int64_t c, T* y) {
    constexpr T lowest = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                              : std::numeric_limits<T>::lowest();
    int64_t ch = 0;
    if constexpr (kSimd)
      ch = for_lane_blocks<T>(c, [&]<int V>(int64_t c0) {
        using B = xsimd::batch<T, A>;
        B acc[V];
        for (auto& a : acc) a = B(lowest);
        for (const T* x : taps)
          for (int v = 0; v < V; ++v)
            acc[v] = xsimd::max(acc[v], B::load_unaligned(x + offset + c0 + v * B::size));
        for (int v = 0; v < V; ++v) acc[v].store_unaligned(y + c0 + v * B::size);
      });
    for (; ch < c; ++ch) {
      T acc = lowest;
      for (const T* x : taps) acc = std::max(acc, x[offset + ch]);
      y[ch] = acc;
    }
  }

  // Int8 averages, separable and in exact integers: the window's input rows are summed into one
  // row of column sums, then each output pixel adds k_w of those columns. Then
  // out = saturate(round((sum_valid(q) - valid * zx) * sx / (count * sy)) + zy): padded taps hold
  // the real zero, so they add nothing but may count (count_include_pad). One float multiply and
  // no other float arithmetic, so every variant gives the same bytes. The sums are int16 when no
  // window's can leave its range (k * 255 <= 32767; Inception's 3x3 windows): twice the lanes of
  // int32, the same integers.
  template <typename T>
  static void avgpool_q8(const PoolGeom& g, const T* in, T* out, const QuantPair& q, int64_t r0,
                         int64_t r1) {
    if (g.k_h * g.k_w * 255 <= std::numeric_limits<int16_t>::max())
      avgpool_q8_sums<T, int16_t>(g, in, out, q, r0, r1);
    else
      avgpool_q8_sums<T, int32_t>(g, in, out, q, r0, r1);
  }

  template <typename T, typename C>
  static void avgpool_q8_sums(const PoolGeom& g, const T* in, T* out, const QuantPair& q,
                              int64_t r0, int64_t r1) {
    for_each_separable<T, C>(
        g, in, out, r0, r1,
        [&](const std::vector<const T*>& rows, int64_t offset, C* col) {
          sum_taps(rows, offset, g.c, col);
        },
        [&](const std::vector<const C*>& cols, const Span& rs, const Span& cs, T* y) {
          const int64_t count = g.count_include_pad ? rs.in_pads * cs.in_pads : rs.valid * cs.valid;
          const Requant rq{saturate_multiplier(average_scale(count) * q.in_scale / q.out_scale),
                           static_cast<int32_t>(rs.valid * cs.valid) * q.in_zero, q.out_zero};
          average_taps(cols, g.c, rq, y);
        });
  }

  // The taps of output index o along one axis: `valid` in-bounds ones from input index `first`
  // on (step dil), and `in_pads` that lie within the input or its padding (count_include_pad).
  struct Span {
    int64_t first = 0, valid = 0, in_pads = 0;
  };
  static Span window_span(int64_t o, int64_t stride, int64_t pad_begin, int64_t pad_end,
                          int64_t dil, int64_t k, int64_t in) {
    Span s;
    for (int64_t i = 0; i < k; ++i) {
      const int64_t x = o * stride - pad_begin + i * dil;
      if (x >= 0 && x < in && s.valid++ == 0) s.first = x;
      s.in_pads += x >= -pad_begin && x < in + pad_end;
    }
    return s;
  }

  // Runs block.template operator()<V>(ch) over channels [0, c) in blocks of V vectors of C lanes,
  // 4 while they fit (independent accumulators hide the loads' latency), then 1; returns where
  // the scalar tail starts. Vector variants only.
  template <typename C, typename Block>
  static int64_t for_lane_blocks(int64_t c, Block block) {
    constexpr int64_t L = xsimd::batch<C, A>::size;
    int64_t ch = 0;
    for (; ch + 4 * L <= c; ch += 4 * L) block.template operator()<4>(ch);
    for (; ch + L <= c; ch += L) block.template operator()<1>(ch);
    return ch;
  }

  // Bytes from p widened to a vector of C lanes (int16 or int32).
  template <typename C, typename T>
  static xsimd::batch<C, A> load_widened(const T* p) {
    if constexpr (sizeof(C) == 2)
      return Int8Lanes<A>::load16(p);
    else
      return Int8Lanes<A>::load(p);
  }

  // sums[ch] = sum over the taps of tap[offset + ch], bytes widened to C lanes in registers.
  template <typename T, typename C>
  static void sum_taps(const std::vector<const T*>& taps, int64_t offset, int64_t c, C* sums) {
    int64_t ch = 0;
    if constexpr (kSimd)
      ch = for_lane_blocks<C>(c, [&]<int V>(int64_t c0) {
        using B = xsimd::batch<C, A>;
        B acc[V];
        for (auto& a : acc) a = B(0);
        for (const T* x : taps)
          for (int v = 0; v < V; ++v) acc[v] += load_widened<C>(x + offset + c0 + v * B::size);
        for (int v = 0; v < V; ++v) acc[v].store_unaligned(sums + c0 + v * B::size);
      });
    for (; ch < c; ++ch) {
      C acc = 0;
      for (const T* x : taps) acc = static_cast<C>(acc + x[offset + ch]);
      sums[ch] = acc;
    }
  }

  // y = saturate(round((sum - zero_sum) * k) + zy); clamped before rounding, so a huge k cannot
  // overflow the conversion.
  struct Requant {
    float k;
    int32_t zero_sum, zy;
  };
  template <typename C, typename T>
  static void average_taps(const std::vector<const C*>& taps, int64_t c, const Requant& rq, T* y) {
    const float lo = static_cast<float>(std::numeric_limits<T>::min() - rq.zy);
    const float hi = static_cast<float>(std::numeric_limits<T>::max() - rq.zy);
    int64_t ch = 0;
    if constexpr (kSimd) {
      using L = Int8Lanes<A>;
      using I = typename L::I;
      using F = xsimd::batch<float, A>;
      const auto requant_store = [&](I sum, T* dst) {
        const F f =
            xsimd::clip(xsimd::batch_cast<float>(sum - I(rq.zero_sum)) * F(rq.k), F(lo), F(hi));
        L::store(xsimd::nearbyint_as_int(f) + I(rq.zy), dst);
      };
      ch = for_lane_blocks<C>(c, [&]<int V>(int64_t c0) {
        using B = xsimd::batch<C, A>;
        B acc[V];
        for (auto& a : acc) a = B(0);
        for (const C* x : taps)
          for (int v = 0; v < V; ++v) acc[v] += B::load_unaligned(x + c0 + v * B::size);
        for (int v = 0; v < V; ++v) {
          T* dst = y + c0 + v * B::size;
          if constexpr (sizeof(C) == 2) {
            requant_store(L::widen_lo(acc[v]), dst);
            requant_store(L::widen_hi(acc[v]), dst + I::size);
          } else {
            requant_store(acc[v], dst);
          }
        }
      });
    }
    for (; ch < c; ++ch) {
      int32_t acc = 0;
      for (const C* x : taps) acc += x[ch];
      const float v = std::min(std::max(static_cast<float>(acc - rq.zero_sum) * rq.k, lo), hi);
      y[ch] = static_cast<T>(static_cast<int32_t>(std::nearbyint(v)) + rq.zy);
    }
  }
};

template <class A>
PoolKernels make_pool_kernels(const char* isa) {
  using P = Pool<A>;
  return {isa,
          P::template maxpool<float>,
          P::avgpool_f32,
          P::template pool_f16<true>,
          P::template pool_f16<false>,
          P::template maxpool<int8_t>,
          P::template maxpool<uint8_t>,
          P::template avgpool_q8<int8_t>,
          P::template avgpool_q8<uint8_t>};
}

}  // namespace qcc::kernels::impl

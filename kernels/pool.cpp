#include "kernels/pool.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "ir/saturate.h"
#include "kernels/convert.h"

namespace qcc::kernels {

namespace {

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

// Runs fn(taps, divisor, out_pixel) for every output pixel of rows [r0, r1).
template <typename T, typename F>
void for_each_window(const PoolGeom& g, const T* in, T* out, int64_t r0, int64_t r1, F fn) {
  std::vector<const T*> taps;
  taps.reserve(g.k_h * g.k_w);
  for (int64_t r = r0; r < r1; ++r) {
    int64_t n = r / g.out_h, oh = r % g.out_h;
    for (int64_t ow = 0; ow < g.out_w; ++ow) {
      int64_t count = window_taps(g, in, n, oh, ow, taps);
      fn(taps, count, out + ((n * g.out_h + oh) * g.out_w + ow) * g.out_pixel_stride);
    }
  }
}

using FloatBatch = xsimd::batch<float>;

// A tap's channels [i, i + lanes) as floats (int8 sums stay exact in float: |sum| < 2^24).
inline FloatBatch load_floats(const float* p) {
  return FloatBatch::load_unaligned(p);
}
inline FloatBatch load_floats(const int8_t* p) {
  return xsimd::batch_cast<float>(xsimd::batch<int32_t>::load_unaligned(p));
}
inline FloatBatch load_floats(const uint8_t* p) {
  return xsimd::batch_cast<float>(xsimd::batch<int32_t>::load_unaligned(p));
}

// Window reduction over float or int8 taps: channel blocks of kVecs xsimd batches stay in
// registers across taps. store(i, v) receives channels [i, i + lanes) as a batch, or channel i
// as a float in the tail; sums arrive multiplied by `scale`.
template <bool kMax, typename T, typename Store>
void reduce_window(const std::vector<const T*>& taps, float scale, int64_t c, Store store) {
  using B = FloatBatch;
  constexpr int64_t L = B::size, kVecs = 4;
  const float init = kMax ? -std::numeric_limits<float>::infinity() : 0.f;
  int64_t i = 0;
  for (; i + kVecs * L <= c; i += kVecs * L) {
    B acc[kVecs];
    for (auto& a : acc) a = B(init);
    for (const T* x : taps)
      for (int64_t v = 0; v < kVecs; ++v) {
        B xv = load_floats(x + i + v * L);
        acc[v] = kMax ? xsimd::max(acc[v], xv) : acc[v] + xv;
      }
    for (int64_t v = 0; v < kVecs; ++v) store(i + v * L, kMax ? acc[v] : acc[v] * B(scale));
  }
  for (; i < c; ++i) {
    float a = init;
    for (const T* x : taps)
      a = kMax ? std::max(a, static_cast<float>(x[i])) : a + static_cast<float>(x[i]);
    store(i, kMax ? a : a * scale);
  }
}

float average_scale(int64_t count) {
  return 1.f / static_cast<float>(std::max<int64_t>(count, 1));
}

template <bool kMax>
void reduce_window_f32(const std::vector<const float*>& taps, int64_t count, int64_t c, float* y) {
  reduce_window<kMax>(taps, average_scale(count), c, [y](int64_t i, auto v) {
    if constexpr (std::is_same_v<decltype(v), float>)
      y[i] = v;
    else
      v.store_unaligned(y + i);
  });
}

template <bool kMax>
void pool_f32(const PoolGeom& g, const float* in, float* out, int64_t r0, int64_t r1) {
  for_each_window(g, in, out, r0, r1,
                  [&](const std::vector<const float*>& taps, int64_t count, float* y) {
                    reduce_window_f32<kMax>(taps, count, g.c, y);
                  });
}

// Half pooling converts the window's pixels to float, then reduces like the float path.
template <bool kMax>
void pool_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t r0, int64_t r1) {
  std::vector<float> px(g.k_h * g.k_w * g.c), acc(g.c);
  std::vector<const float*> ftaps;
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

}  // namespace

void maxpool_nhwc_f32(const PoolGeom& g, const float* in, float* out, int64_t r0, int64_t r1) {
  pool_f32<true>(g, in, out, r0, r1);
}
void avgpool_nhwc_f32(const PoolGeom& g, const float* in, float* out, int64_t r0, int64_t r1) {
  pool_f32<false>(g, in, out, r0, r1);
}
void maxpool_nhwc_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t r0,
                      int64_t r1) {
  pool_f16<true>(g, in, out, r0, r1);
}
void avgpool_nhwc_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t r0,
                      int64_t r1) {
  pool_f16<false>(g, in, out, r0, r1);
}

// Int8 max pooling stays in int8 (exact, 4x the lanes of float): channel blocks go into a local
// accumulator that cannot alias the taps or the output, so the compiler vectorizes the tap loops
// (measured 20x faster than accumulating in the output). Int8 averages use reduce_window above.
namespace {

constexpr int64_t kQ8Block = 256;

template <typename T>
void maxpool_q8(const PoolGeom& g, const T* in, T* out, int64_t r0, int64_t r1) {
  for_each_window(g, in, out, r0, r1, [&](const std::vector<const T*>& taps, int64_t, T* y) {
    for (int64_t c0 = 0; c0 < g.c; c0 += kQ8Block) {
      const int64_t n = std::min(kQ8Block, g.c - c0);
      T acc[kQ8Block];
      std::fill_n(acc, n, std::numeric_limits<T>::min());
      for (const T* x : taps)
        for (int64_t i = 0; i < n; ++i) {
          const T v = x[c0 + i];  // by value: std::max's references defeat the vectorizer
          acc[i] = acc[i] > v ? acc[i] : v;
        }
      std::copy_n(acc, n, y + c0);
    }
  });
}

template <typename T>
void avgpool_q8(const PoolGeom& g, const T* in, T* out, float in_scale, float out_scale, int64_t r0, int64_t r1) {
  constexpr float lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  for_each_window(g, in, out, r0, r1, [&](const std::vector<const T*>& taps, int64_t count, T* y) {
    reduce_window<false>(taps, average_scale(count) * in_scale / out_scale, g.c, [y](int64_t i, auto v) {
      if constexpr (std::is_same_v<decltype(v), float>) {
        y[i] = saturate_cast<T>(std::nearbyint(v));
      } else {
        using I = xsimd::batch<int32_t>;
        static_assert(I::size == FloatBatch::size, "one int32 lane per float lane");
        alignas(64) int32_t q[I::size];
        xsimd::nearbyint_as_int(xsimd::clip(v, decltype(v)(lo), decltype(v)(hi))).store_aligned(q);
        for (size_t k = 0; k < I::size; ++k) y[i + k] = static_cast<T>(q[k]);
      }
    });
  });
}

}  // namespace

void maxpool_nhwc_s8(const PoolGeom& g, const int8_t* in, int8_t* out, int64_t r0, int64_t r1) {
  maxpool_q8(g, in, out, r0, r1);
}
void maxpool_nhwc_u8(const PoolGeom& g, const uint8_t* in, uint8_t* out, int64_t r0, int64_t r1) {
  maxpool_q8(g, in, out, r0, r1);
}
void avgpool_nhwc_s8(const PoolGeom& g, const int8_t* in, int8_t* out, float in_scale, float out_scale, int64_t r0,
                     int64_t r1) {
  avgpool_q8(g, in, out, in_scale, out_scale, r0, r1);
}
void avgpool_nhwc_u8(const PoolGeom& g, const uint8_t* in, uint8_t* out, float in_scale, float out_scale,
                     int64_t r0, int64_t r1) {
  avgpool_q8(g, in, out, in_scale, out_scale, r0, r1);
}

}  // namespace qcc::kernels

#include "kernels/pool.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "kernels/convert.h"

namespace qcc::kernels {

namespace {

// Calls visit(input pixel pointer) for each in-bounds tap of output pixel (n, oh, ow) and
// returns the divisor of an average over this window.
template <typename T, typename F>
int64_t for_each_tap(const PoolGeom& g, const T* in, int64_t n, int64_t oh, int64_t ow, F visit) {
  int64_t valid = 0, padded = 0;
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
      visit(in + ((n * g.in_h + ih) * g.in_w + iw) * g.in_pixel_stride);
      ++valid;
    }
  }
  return g.count_include_pad ? valid + padded : valid;
}

// Runs fn(n, oh, ow, out_pixel) for the output rows of a task.
template <typename T, typename F>
void for_each_out(const PoolGeom& g, T* out, int64_t r0, int64_t r1, F fn) {
  for (int64_t r = r0; r < r1; ++r) {
    int64_t n = r / g.out_h, oh = r % g.out_h;
    for (int64_t ow = 0; ow < g.out_w; ++ow)
      fn(n, oh, ow, out + ((n * g.out_h + oh) * g.out_w + ow) * g.out_pixel_stride);
  }
}

// Float pooling over a pixel: acc[c] = reduce(acc[c], x[c]) with xsimd batches, scalar tail.
template <bool kMax>
void reduce_pixel(float* acc, const float* x, int64_t c) {
  using B = xsimd::batch<float>;
  int64_t i = 0;
  for (; i + static_cast<int64_t>(B::size) <= c; i += B::size) {
    B a = B::load_unaligned(acc + i), v = B::load_unaligned(x + i);
    (kMax ? xsimd::max(a, v) : a + v).store_unaligned(acc + i);
  }
  for (; i < c; ++i) acc[i] = kMax ? std::max(acc[i], x[i]) : acc[i] + x[i];
}

template <bool kMax>
void pool_f32(const PoolGeom& g, const float* in, float* out, int64_t r0, int64_t r1) {
  for_each_out(g, out, r0, r1, [&](int64_t n, int64_t oh, int64_t ow, float* y) {
    std::fill(y, y + g.c, kMax ? -std::numeric_limits<float>::infinity() : 0.f);
    int64_t count = for_each_tap(g, in, n, oh, ow, [&](const float* x) { reduce_pixel<kMax>(y, x, g.c); });
    if (!kMax) {
      float inv = 1.f / static_cast<float>(std::max<int64_t>(count, 1));
      for (int64_t i = 0; i < g.c; ++i) y[i] *= inv;
    }
  });
}

// Half pooling converts one pixel at a time through a float buffer.
template <bool kMax>
void pool_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t r0, int64_t r1) {
  std::vector<float> acc(g.c), px(g.c);
  for_each_out(g, out, r0, r1, [&](int64_t n, int64_t oh, int64_t ow, uint16_t* y) {
    std::fill(acc.begin(), acc.end(), kMax ? -std::numeric_limits<float>::infinity() : 0.f);
    int64_t count = for_each_tap(g, in, n, oh, ow, [&](const uint16_t* x) {
      convert_f16_to_f32(x, px.data(), g.c);
      reduce_pixel<kMax>(acc.data(), px.data(), g.c);
    });
    if (!kMax) {
      float inv = 1.f / static_cast<float>(std::max<int64_t>(count, 1));
      for (auto& v : acc) v *= inv;
    }
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
void maxpool_nhwc_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t r0, int64_t r1) {
  pool_f16<true>(g, in, out, r0, r1);
}
void avgpool_nhwc_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t r0, int64_t r1) {
  pool_f16<false>(g, in, out, r0, r1);
}

void maxpool_nhwc_s8(const PoolGeom& g, const int8_t* in, int8_t* out, int64_t r0, int64_t r1) {
  for_each_out(g, out, r0, r1, [&](int64_t n, int64_t oh, int64_t ow, int8_t* y) {
    std::fill(y, y + g.c, int8_t{-128});
    for_each_tap(g, in, n, oh, ow, [&](const int8_t* x) {
      for (int64_t i = 0; i < g.c; ++i) y[i] = std::max(y[i], x[i]);
    });
  });
}

void avgpool_nhwc_s8(const PoolGeom& g, const int8_t* in, int8_t* out, float in_scale,
                     float out_scale, int64_t r0, int64_t r1) {
  std::vector<int32_t> acc(g.c);
  for_each_out(g, out, r0, r1, [&](int64_t n, int64_t oh, int64_t ow, int8_t* y) {
    std::fill(acc.begin(), acc.end(), 0);
    int64_t count = for_each_tap(g, in, n, oh, ow, [&](const int8_t* x) {
      for (int64_t i = 0; i < g.c; ++i) acc[i] += x[i];
    });
    float mul = in_scale / (static_cast<float>(std::max<int64_t>(count, 1)) * out_scale);
    for (int64_t i = 0; i < g.c; ++i)
      y[i] = static_cast<int8_t>(std::clamp(std::nearbyint(acc[i] * mul), -128.f, 127.f));
  });
}

}  // namespace qcc::kernels

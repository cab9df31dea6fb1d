// Winograd F(MxM, 3x3) transform bodies (M = 2 or 4), written once and compiled per ISA
// (winograd_ref.cpp, winograd_avx2.cpp, winograd_avx512.cpp, each with its own flags): A is an
// xsimd architecture, or void for the scalar variant (the same code without the vector loops).
// Each 2-D transform is its 1-D transform applied down the columns, then along the rows.
#pragma once

#include <algorithm>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "kernels/config.h"
#include "kernels/convert.h"
#include "kernels/winograd.h"

namespace qcc::kernels::impl {

/// Patch side T = M + 2 and transform positions P = T * T of F(MxM, 3x3).
constexpr int patch(int m) {
  return m + 2;
}
constexpr int positions(int m) {
  return patch(m) * patch(m);
}

struct Tile {
  int64_t n, th, tw;  // image, tile row, tile column
};
struct TileGrid {
  int64_t tiles_h, tiles_w;
  Tile at(int64_t t) const { return {t / (tiles_w * tiles_h), (t / tiles_w) % tiles_h, t % tiles_w}; }
};
inline TileGrid grid(const ConvGeom& g, int m) {
  return {(g.out_h + m - 1) / m, (g.out_w + m - 1) / m};
}

// B^T d of T values, in place (F is float or an xsimd batch). F(2,3): points 0, 1, -1;
// F(4,3): 0, 1, -1, 2, -2 (Lavin & Gray 2016), the products' rounding stays near float's.
template <int M, typename F>
void input_1d(F (&d)[patch(M)]) {
  if constexpr (M == 2) {
    const F v0 = d[0] - d[2], v1 = d[1] + d[2], v2 = d[2] - d[1], v3 = d[1] - d[3];
    d[0] = v0, d[1] = v1, d[2] = v2, d[3] = v3;
  } else {
    const F v0 = 4.f * d[0] - 5.f * d[2] + d[4];
    const F v1 = (d[3] + d[4]) - 4.f * (d[1] + d[2]);
    const F v2 = (d[4] - d[3]) + 4.f * (d[1] - d[2]);
    const F v3 = (d[4] - d[2]) - 2.f * (d[1] - d[3]);
    const F v4 = (d[4] - d[2]) + 2.f * (d[1] - d[3]);
    const F v5 = 4.f * d[1] - 5.f * d[3] + d[5];
    d[0] = v0, d[1] = v1, d[2] = v2, d[3] = v3, d[4] = v4, d[5] = v5;
  }
}

// A^T m: the M outputs of T products.
template <int M, typename F>
void output_1d(const F (&m)[patch(M)], F (&y)[M]) {
  if constexpr (M == 2) {
    y[0] = m[0] + m[1] + m[2];
    y[1] = m[1] - m[2] - m[3];
  } else {
    const F s12 = m[1] + m[2], d12 = m[1] - m[2], s34 = m[3] + m[4], d34 = m[3] - m[4];
    y[0] = m[0] + s12 + s34;
    y[1] = d12 + 2.f * d34;
    y[2] = s12 + 4.f * s34;
    y[3] = d12 + 8.f * d34 + m[5];
  }
}

// B^T d B of a T x T patch into v[T * i + j].
template <int M, typename F>
void input_transform(const F (&d)[patch(M)][patch(M)], F (&v)[positions(M)]) {
  constexpr int T = patch(M);
  F r[T][T];
  for (int j = 0; j < T; ++j) {
    F col[T];
    for (int i = 0; i < T; ++i) col[i] = d[i][j];
    input_1d<M>(col);
    for (int i = 0; i < T; ++i) r[i][j] = col[i];
  }
  for (int i = 0; i < T; ++i) {
    input_1d<M>(r[i]);
    for (int j = 0; j < T; ++j) v[T * i + j] = r[i][j];
  }
}

// A^T m A: a tile's M x M outputs from its products m[T * i + j].
template <int M, typename F>
void output_transform(const F (&m)[positions(M)], F (&y)[M][M]) {
  constexpr int T = patch(M);
  F s[M][T];
  for (int j = 0; j < T; ++j) {
    F col[T], out[M];
    for (int i = 0; i < T; ++i) col[i] = m[T * i + j];
    output_1d<M>(col, out);
    for (int i = 0; i < M; ++i) s[i][j] = out[i];
  }
  for (int i = 0; i < M; ++i) output_1d<M>(s[i], y[i]);
}

// Transforms the input patches of tiles [t0, t1) into v: [position][tile][C]. `pixels` is room
// for T * T f32 pixels, used to convert f16 inputs.
template <class A, int M>
void transform_tiles(const WinogradArgs& a, int64_t t0, int64_t t1, const float* zero,
                     float* pixels, float* v) {
  constexpr int T = patch(M), P = positions(M);
  const ConvGeom& g = a.g;
  const TileGrid tg = grid(g, M);
  const int64_t c = g.in_c, tiles = t1 - t0;
  for (int64_t t = t0; t < t1; ++t) {
    const auto [n, th, tw] = tg.at(t);
    const float* px[T][T];
    for (int i = 0; i < T; ++i)
      for (int j = 0; j < T; ++j) {
        int64_t ih = M * th - g.pad_t + i, iw = M * tw - g.pad_l + j;
        px[i][j] = zero;
        if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) continue;
        int64_t offset = ((n * g.in_h + ih) * g.in_w + iw) * g.in_pixel_stride;
        if (a.half) {
          float* f = pixels + (T * i + j) * c;
          convert_f16_to_f32(static_cast<const uint16_t*>(a.in) + offset, f, c);
          px[i][j] = f;
        } else {
          px[i][j] = static_cast<const float*>(a.in) + offset;
        }
      }
    float* out = v + (t - t0) * c;
    int64_t ch = 0;
    if constexpr (!std::is_void_v<A>) {
      using B = xsimd::batch<float, A>;
      for (; ch + static_cast<int64_t>(B::size) <= c; ch += B::size) {
        B d[T][T], r[P];
        for (int i = 0; i < T; ++i)
          for (int j = 0; j < T; ++j) d[i][j] = B::load_unaligned(px[i][j] + ch);
        input_transform<M>(d, r);
        for (int x = 0; x < P; ++x) r[x].store_unaligned(out + x * tiles * c + ch);
      }
    }
    for (; ch < c; ++ch) {
      float d[T][T], r[P];
      for (int i = 0; i < T; ++i)
        for (int j = 0; j < T; ++j) d[i][j] = px[i][j][ch];
      input_transform<M>(d, r);
      for (int x = 0; x < P; ++x) out[x * tiles * c + ch] = r[x];
    }
  }
}

// Output transform, bias and clamp for tiles [t0, t1), written into the NHWC output (through
// `pixels`, room for M * M f32 pixels, when the output is f16).
template <class A, int M>
void finish_tiles(const WinogradArgs& a, int64_t t0, int64_t t1, const float* m, float* pixels) {
  constexpr int P = positions(M);
  const ConvGeom& g = a.g;
  const TileGrid tg = grid(g, M);
  const int64_t oc = g.out_c, tiles = t1 - t0;
  const float* bias = a.w->bias.data();
  for (int64_t t = t0; t < t1; ++t) {
    const auto [n, th, tw] = tg.at(t);
    float* dst[M][M];
    bool keep[M][M];
    int64_t offset[M][M];
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < M; ++j) {
        int64_t oh = M * th + i, ow = M * tw + j;
        keep[i][j] = oh < g.out_h && ow < g.out_w;
        offset[i][j] = ((n * g.out_h + oh) * g.out_w + ow) * g.out_pixel_stride;
        dst[i][j] = a.half ? pixels + (M * i + j) * oc : static_cast<float*>(a.out) + offset[i][j];
      }
    const float* src = m + (t - t0) * oc;
    int64_t o = 0;
    if constexpr (!std::is_void_v<A>) {
      using B = xsimd::batch<float, A>;
      for (; o + static_cast<int64_t>(B::size) <= oc; o += B::size) {
        B mv[P], y[M][M];
        for (int x = 0; x < P; ++x) mv[x] = B::load_unaligned(src + x * tiles * oc + o);
        output_transform<M>(mv, y);
        B b = B::load_unaligned(bias + o), lo(a.lo), hi(a.hi);
        for (int i = 0; i < M; ++i)
          for (int j = 0; j < M; ++j)
            if (keep[i][j]) xsimd::min(xsimd::max(y[i][j] + b, lo), hi).store_unaligned(dst[i][j] + o);
      }
    }
    for (; o < oc; ++o) {
      float mv[P], y[M][M];
      for (int x = 0; x < P; ++x) mv[x] = src[x * tiles * oc + o];
      output_transform<M>(mv, y);
      for (int i = 0; i < M; ++i)
        for (int j = 0; j < M; ++j)
          if (keep[i][j]) dst[i][j][o] = std::min(std::max(y[i][j] + bias[o], a.lo), a.hi);
    }
    if (a.half)
      for (int i = 0; i < M; ++i)
        for (int j = 0; j < M; ++j)
          if (keep[i][j]) convert_f32_to_f16(dst[i][j], static_cast<uint16_t*>(a.out) + offset[i][j], oc);
  }
}

// The tile size is the packed weights' (WinogradWeights::m).
template <class A>
void transform_any(const WinogradArgs& a, int64_t t0, int64_t t1, const float* zero, float* pixels,
                   float* v) {
  if (a.w->m == 4) return transform_tiles<A, 4>(a, t0, t1, zero, pixels, v);
  transform_tiles<A, 2>(a, t0, t1, zero, pixels, v);
}
template <class A>
void finish_any(const WinogradArgs& a, int64_t t0, int64_t t1, const float* m, float* pixels) {
  if (a.w->m == 4) return finish_tiles<A, 4>(a, t0, t1, m, pixels);
  finish_tiles<A, 2>(a, t0, t1, m, pixels);
}

template <class A>
WinogradKernels make_winograd_kernels(const char* isa) {
  return {isa, transform_any<A>, finish_any<A>};
}

}  // namespace qcc::kernels::impl

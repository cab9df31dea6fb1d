// Winograd F(2x2, 3x3) transform bodies, written once and compiled per ISA (winograd_ref.cpp,
// winograd_avx2.cpp, winograd_avx512.cpp, each with its own flags): A is an xsimd architecture,
// or void for the scalar variant (the same code without the vector loops).
#pragma once

#include <algorithm>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "kernels/config.h"
#include "kernels/convert.h"
#include "kernels/winograd.h"

namespace qcc::kernels::impl {

constexpr int kPositions = 16;  // 4x4 transform positions

struct Tile {
  int64_t n, th, tw;  // image, tile row, tile column
};
struct TileGrid {
  int64_t tiles_h, tiles_w;
  Tile at(int64_t t) const { return {t / (tiles_w * tiles_h), (t / tiles_w) % tiles_h, t % tiles_w}; }
};
inline TileGrid grid(const ConvGeom& g) { return {(g.out_h + 1) / 2, (g.out_w + 1) / 2}; }

// B^T d B of a 4x4 patch, one value (or vector) per position; F is float or an xsimd batch.
template <typename F>
void input_transform(const F d[4][4], F v[kPositions]) {
  F r[4][4];
  for (int j = 0; j < 4; ++j) {
    r[0][j] = d[0][j] - d[2][j];
    r[1][j] = d[1][j] + d[2][j];
    r[2][j] = d[2][j] - d[1][j];
    r[3][j] = d[1][j] - d[3][j];
  }
  for (int i = 0; i < 4; ++i) {
    v[4 * i + 0] = r[i][0] - r[i][2];
    v[4 * i + 1] = r[i][1] + r[i][2];
    v[4 * i + 2] = r[i][2] - r[i][1];
    v[4 * i + 3] = r[i][1] - r[i][3];
  }
}

// A^T m A: the 2x2 outputs of a tile from its 16 products.
template <typename F>
void output_transform(const F m[kPositions], F y[2][2]) {
  F s[2][4];
  for (int j = 0; j < 4; ++j) {
    s[0][j] = m[j] + m[4 + j] + m[8 + j];
    s[1][j] = m[4 + j] - m[8 + j] - m[12 + j];
  }
  for (int i = 0; i < 2; ++i) {
    y[i][0] = s[i][0] + s[i][1] + s[i][2];
    y[i][1] = s[i][1] - s[i][2] - s[i][3];
  }
}

// Transforms the input patches of tiles [t0, t1) into v: [position][tile][C]. `pixels` is room
// for 16 f32 pixels, used to convert f16 inputs.
template <class A>
void transform_tiles(const WinogradArgs& a, int64_t t0, int64_t t1, const float* zero, float* pixels, float* v) {
  const ConvGeom& g = a.g;
  const TileGrid tg = grid(g);
  const int64_t c = g.in_c, tiles = t1 - t0;
  for (int64_t t = t0; t < t1; ++t) {
    const auto [n, th, tw] = tg.at(t);
    const float* px[4][4];
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        int64_t ih = 2 * th - g.pad_t + i, iw = 2 * tw - g.pad_l + j;
        px[i][j] = zero;
        if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) continue;
        int64_t offset = ((n * g.in_h + ih) * g.in_w + iw) * g.in_pixel_stride;
        if (a.half) {
          float* f = pixels + (4 * i + j) * c;
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
        B d[4][4], r[kPositions];
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 4; ++j) d[i][j] = B::load_unaligned(px[i][j] + ch);
        input_transform(d, r);
        for (int x = 0; x < kPositions; ++x) r[x].store_unaligned(out + x * tiles * c + ch);
      }
    }
    for (; ch < c; ++ch) {
      float d[4][4], r[kPositions];
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) d[i][j] = px[i][j][ch];
      input_transform(d, r);
      for (int x = 0; x < kPositions; ++x) out[x * tiles * c + ch] = r[x];
    }
  }
}

// Output transform, bias and clamp for tiles [t0, t1), written into the NHWC output (through
// `pixels`, room for 4 f32 pixels, when the output is f16).
template <class A>
void finish_tiles(const WinogradArgs& a, int64_t t0, int64_t t1, const float* m, float* pixels) {
  const ConvGeom& g = a.g;
  const TileGrid tg = grid(g);
  const int64_t oc = g.out_c, tiles = t1 - t0;
  const float* bias = a.w->bias.data();
  for (int64_t t = t0; t < t1; ++t) {
    const auto [n, th, tw] = tg.at(t);
    float* dst[2][2];
    bool keep[2][2];
    int64_t offset[2][2];
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) {
        int64_t oh = 2 * th + i, ow = 2 * tw + j;
        keep[i][j] = oh < g.out_h && ow < g.out_w;
        offset[i][j] = ((n * g.out_h + oh) * g.out_w + ow) * g.out_pixel_stride;
        dst[i][j] = a.half ? pixels + (2 * i + j) * oc : static_cast<float*>(a.out) + offset[i][j];
      }
    const float* src = m + (t - t0) * oc;
    int64_t o = 0;
    if constexpr (!std::is_void_v<A>) {
      using B = xsimd::batch<float, A>;
      for (; o + static_cast<int64_t>(B::size) <= oc; o += B::size) {
        B mv[kPositions], y[2][2];
        for (int x = 0; x < kPositions; ++x) mv[x] = B::load_unaligned(src + x * tiles * oc + o);
        output_transform(mv, y);
        B b = B::load_unaligned(bias + o), lo(a.lo), hi(a.hi);
        for (int i = 0; i < 2; ++i)
          for (int j = 0; j < 2; ++j)
            if (keep[i][j]) xsimd::min(xsimd::max(y[i][j] + b, lo), hi).store_unaligned(dst[i][j] + o);
      }
    }
    for (; o < oc; ++o) {
      float mv[kPositions], y[2][2];
      for (int x = 0; x < kPositions; ++x) mv[x] = src[x * tiles * oc + o];
      output_transform(mv, y);
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          if (keep[i][j]) dst[i][j][o] = std::min(std::max(y[i][j] + bias[o], a.lo), a.hi);
    }
    if (a.half)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          if (keep[i][j]) convert_f32_to_f16(dst[i][j], static_cast<uint16_t*>(a.out) + offset[i][j], oc);
  }
}

template <class A>
WinogradKernels make_winograd_kernels(const char* isa) {
  return {isa, transform_tiles<A>, finish_tiles<A>};
}

}  // namespace qcc::kernels::impl

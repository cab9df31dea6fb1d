#include "kernels/winograd.h"

#include <algorithm>
#include <cstring>
#include <xsimd/xsimd.hpp>

#include "kernels/convert.h"

namespace qcc::kernels {

namespace {

constexpr int kPositions = 16;  // 4x4 transform positions

struct Tile {
  int64_t n, th, tw;  // image, tile row, tile column
};
struct TileGrid {
  int64_t tiles_h, tiles_w;
  Tile at(int64_t t) const { return {t / (tiles_w * tiles_h), (t / tiles_w) % tiles_h, t % tiles_w}; }
};
TileGrid grid(const ConvGeom& g) { return {(g.out_h + 1) / 2, (g.out_w + 1) / 2}; }

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
void transform_tiles(const WinogradArgs& a, int64_t t0, int64_t t1, const float* zero, float* pixels, float* v) {
  using B = xsimd::batch<float>;
  constexpr int64_t L = B::size;
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
    for (; ch + L <= c; ch += L) {
      B d[4][4], r[kPositions];
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) d[i][j] = B::load_unaligned(px[i][j] + ch);
      input_transform(d, r);
      for (int x = 0; x < kPositions; ++x) r[x].store_unaligned(out + x * tiles * c + ch);
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

// m[position] = v[position] x U[position] for the chunk's tiles, with the packed micro-kernel.
void multiply(const WinogradArgs& a, int64_t tiles, const float* v, float* m, const void** ptrs) {
  const Ukernel& uk = a.w->u[0].uk;
  const int64_t c = a.g.in_c, oc = a.g.out_c;
  UkernelArgs u;
  u.kc = c;
  u.ldc = oc;
  u.mr = uk.mr;
  u.nr = uk.nr;
  for (int x = 0; x < kPositions; ++x) {
    const PackedWeights& w = a.w->u[x];
    const float* vx = v + x * tiles * c;
    float* mx = m + x * tiles * oc;
    for (int64_t t = 0; t < tiles; t += uk.mr) {
      u.m = static_cast<int>(std::min<int64_t>(uk.mr, tiles - t));
      for (int r = 0; r < uk.mr; ++r) ptrs[r] = vx + std::min(t + r, tiles - 1) * c;
      u.a = ptrs;
      for (int64_t p = 0; p < w.panels; ++p) {
        u.n = static_cast<int>(std::min<int64_t>(uk.nr, oc - p * uk.nr));
        u.b = w.panel(p);
        u.bias = w.bias_f32.data() + p * uk.nr;  // zeros: the bias is added after the transform
        u.c = mx + t * oc + p * uk.nr;
        uk.fn(u);
      }
    }
  }
}

// Output transform, bias and clamp for tiles [t0, t1), written into the NHWC output (through
// `pixels`, room for 4 f32 pixels, when the output is f16).
void finish_tiles(const WinogradArgs& a, int64_t t0, int64_t t1, const float* m, float* pixels) {
  using B = xsimd::batch<float>;
  constexpr int64_t L = B::size;
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
    for (; o + L <= oc; o += L) {
      B mv[kPositions], y[2][2];
      for (int x = 0; x < kPositions; ++x) mv[x] = B::load_unaligned(src + x * tiles * oc + o);
      output_transform(mv, y);
      B b = B::load_unaligned(bias + o), lo(a.lo), hi(a.hi);
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          if (keep[i][j]) xsimd::min(xsimd::max(y[i][j] + b, lo), hi).store_unaligned(dst[i][j] + o);
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

}  // namespace

bool winograd_applies(const ConvGeom& g) {
  return g.k_h == 3 && g.k_w == 3 && g.stride_h == 1 && g.stride_w == 1 && g.dil_h == 1 &&
         g.dil_w == 1 && g.in_c >= 16 && g.out_c >= 16;
}

void winograd_pack(const float* w, const float* bias, int64_t oc, int64_t c, const Ukernel& uk,
                   WinogradWeights& out) {
  // U = G g G^T per (output, input) channel pair; G = [[1,0,0],[.5,.5,.5],[.5,-.5,.5],[0,0,1]].
  std::vector<float> u(static_cast<size_t>(kPositions) * oc * c);  // [position][oc][c]
  for (int64_t o = 0; o < oc; ++o)
    for (int64_t ch = 0; ch < c; ++ch) {
      const float* k = w + (o * c + ch) * 9;
      float gg[4][3];
      for (int j = 0; j < 3; ++j) {
        gg[0][j] = k[j];
        gg[1][j] = 0.5f * (k[j] + k[3 + j] + k[6 + j]);
        gg[2][j] = 0.5f * (k[j] - k[3 + j] + k[6 + j]);
        gg[3][j] = k[6 + j];
      }
      for (int i = 0; i < 4; ++i) {
        float r[4] = {gg[i][0], 0.5f * (gg[i][0] + gg[i][1] + gg[i][2]), 0.5f * (gg[i][0] - gg[i][1] + gg[i][2]),
                      gg[i][2]};
        for (int j = 0; j < 4; ++j) u[((4 * i + j) * oc + o) * c + ch] = r[j];
      }
    }
  out.u.resize(kPositions);
  for (int x = 0; x < kPositions; ++x) pack_b(u.data() + x * oc * c, oc, c, c, 1, kGemmF32, uk, out.u[x]);
  out.bias.assign(bias, bias + oc);
}

int64_t winograd_tiles(const ConvGeom& g) {
  TileGrid tg = grid(g);
  return g.batch * tg.tiles_h * tg.tiles_w;
}

int64_t winograd_chunk_tiles(const WinogradArgs& a) {
  const int64_t mr = a.w->u[0].uk.mr;
  const int64_t per_tile = kPositions * (a.g.in_c + a.g.out_c) * 4;
  return std::clamp<int64_t>((384 << 10) / (per_tile * mr), 1, 16) * mr;
}

size_t winograd_scratch_bytes(const WinogradArgs& a, int64_t tiles) {
  const int64_t floats = kPositions * tiles * (a.g.in_c + a.g.out_c)  // v, m
                         + a.g.in_c                                  // zero pixel
                         + kPositions * a.g.in_c + 4 * a.g.out_c;    // f16 conversion pixels
  return static_cast<size_t>(floats) * 4 + a.w->u[0].uk.mr * sizeof(void*) + 64;
}

void winograd_run(const WinogradArgs& a, int64_t t0, int64_t t1, void* scratch) {
  const int64_t tiles = t1 - t0;
  const void** ptrs = static_cast<const void**>(scratch);
  float* v = reinterpret_cast<float*>(ptrs + a.w->u[0].uk.mr);
  float* m = v + kPositions * tiles * a.g.in_c;
  float* zero = m + kPositions * tiles * a.g.out_c;
  float* pixels = zero + a.g.in_c;
  std::fill(zero, zero + a.g.in_c, 0.f);
  transform_tiles(a, t0, t1, zero, pixels, v);
  multiply(a, tiles, v, m, ptrs);
  finish_tiles(a, t0, t1, m, pixels);
}

}  // namespace qcc::kernels

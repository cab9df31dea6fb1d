#include "kernels/winograd.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels/config.h"
#include "kernels/winograd_impl.h"

namespace qcc::kernels {

namespace {

using impl::positions;

// m[position] = v[position] x U[position] for the chunk's tiles, with the packed micro-kernel.
void multiply(const WinogradArgs& a, int64_t tiles, const float* v, float* m, const void** ptrs) {
  const Ukernel& uk = a.w->u[0].uk;
  const int64_t c = a.g.in_c, oc = a.g.out_c;
  UkernelArgs u;
  u.kc = c;
  u.ldc = oc;
  u.mr = uk.mr;
  u.nr = uk.nr;
  for (int x = 0; x < positions(a.w->m); ++x) {
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

}  // namespace

bool winograd_applies(const ConvGeom& g) {
  return g.k_h == 3 && g.k_w == 3 && g.stride_h == 1 && g.stride_w == 1 && g.dil_h == 1 &&
         g.dil_w == 1 && g.in_c >= 16 && g.out_c >= 16;
}

namespace {

// G: the rows of the weight transform U = G g G^T for tile side m (float rounding happens once,
// at the end, on doubles).
void weight_1d(int m, const double (&g)[3], double* u) {
  if (m == 2) {
    u[0] = g[0];
    u[1] = 0.5 * (g[0] + g[1] + g[2]);
    u[2] = 0.5 * (g[0] - g[1] + g[2]);
    u[3] = g[2];
    return;
  }
  u[0] = g[0] / 4;
  u[1] = -(g[0] + g[1] + g[2]) / 6;
  u[2] = -(g[0] - g[1] + g[2]) / 6;
  u[3] = g[0] / 24 + g[1] / 12 + g[2] / 6;
  u[4] = g[0] / 24 - g[1] / 12 + g[2] / 6;
  u[5] = g[2];
}

}  // namespace

void winograd_pack(const float* w, const float* bias, int64_t oc, int64_t c, int m,
                   const Ukernel& uk, WinogradWeights& out) {
  if (m != 2 && m != 4) throw std::logic_error("Winograd tile side " + std::to_string(m));
  const int t = impl::patch(m), p = positions(m);
  std::vector<float> u(static_cast<size_t>(p) * oc * c);  // [position][oc][c]
  for (int64_t o = 0; o < oc; ++o)
    for (int64_t ch = 0; ch < c; ++ch) {
      const float* k = w + (o * c + ch) * 9;
      double gg[6][3];  // G g: columns of the kernel transformed
      for (int j = 0; j < 3; ++j) {
        double col[6];
        weight_1d(m, {k[j], k[3 + j], k[6 + j]}, col);
        for (int i = 0; i < t; ++i) gg[i][j] = col[i];
      }
      for (int i = 0; i < t; ++i) {
        double r[6];
        weight_1d(m, {gg[i][0], gg[i][1], gg[i][2]}, r);
        for (int j = 0; j < t; ++j) u[((t * i + j) * oc + o) * c + ch] = static_cast<float>(r[j]);
      }
    }
  out.m = m;
  out.u.resize(p);
  for (int x = 0; x < p; ++x) pack_b(u.data() + x * oc * c, oc, c, c, 1, kGemmF32, uk, out.u[x]);
  out.bias.assign(bias, bias + oc);
}

int64_t winograd_tiles(const ConvGeom& g, int m) {
  impl::TileGrid tg = impl::grid(g, m);
  return g.batch * tg.tiles_h * tg.tiles_w;
}

int winograd_tile_size(const ConvGeom& g, int tile_rows) {
  for (int m : {4, 2})
    if (winograd_tiles(g, m) >= int64_t{8} * tile_rows) return m;
  return 0;
}

int64_t winograd_chunk_tiles(const WinogradArgs& a) {
  const int64_t mr = a.w->u[0].uk.mr;
  const int64_t per_tile = positions(a.w->m) * (a.g.in_c + a.g.out_c) * 4;
  return std::clamp<int64_t>((384 << 10) / (per_tile * mr), 1, 16) * mr;
}

size_t winograd_scratch_bytes(const WinogradArgs& a, int64_t tiles) {
  const int64_t p = positions(a.w->m);
  const int64_t floats = p * tiles * (a.g.in_c + a.g.out_c)             // v, m
                         + a.g.in_c                                     // zero pixel
                         + p * a.g.in_c + a.w->m * a.w->m * a.g.out_c;  // f16 conversion pixels
  return static_cast<size_t>(floats) * 4 + a.w->u[0].uk.mr * sizeof(void*) + 64;
}

void winograd_run(const WinogradArgs& a, int64_t t0, int64_t t1, void* scratch) {
  const int64_t tiles = t1 - t0;
  const void** ptrs = static_cast<const void**>(scratch);
  float* v = reinterpret_cast<float*>(ptrs + a.w->u[0].uk.mr);
  float* m = v + positions(a.w->m) * tiles * a.g.in_c;
  float* zero = m + positions(a.w->m) * tiles * a.g.out_c;
  float* pixels = zero + a.g.in_c;
  std::fill(zero, zero + a.g.in_c, 0.f);
  const WinogradKernels& k = a.kernels ? *a.kernels : *kernel_config().winograd;
  k.transform(a, t0, t1, zero, pixels, v);
  multiply(a, tiles, v, m, ptrs);
  k.finish(a, t0, t1, m, pixels);
}

}  // namespace qcc::kernels

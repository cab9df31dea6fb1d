#include "kernels/winograd.h"

#include <algorithm>
#include <cstring>

#include "kernels/config.h"
#include "kernels/winograd_impl.h"

namespace qcc::kernels {

namespace {

using impl::kPositions;

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
  impl::TileGrid tg = impl::grid(g);
  return g.batch * tg.tiles_h * tg.tiles_w;
}

bool winograd_pays(const ConvGeom& g, int tile_rows) {
  return winograd_tiles(g) >= int64_t{8} * tile_rows;
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
  const WinogradKernels& k = a.kernels ? *a.kernels : *kernel_config().winograd;
  k.transform(a, t0, t1, zero, pixels, v);
  multiply(a, tiles, v, m, ptrs);
  k.finish(a, t0, t1, m, pixels);
}

}  // namespace qcc::kernels

// Winograd F(2x2, 3x3) and F(4x4, 3x3) against the implicit-GEMM convolution (itself checked
// against a direct convolution): odd output sizes (partial tiles), padding, channel tails, wider
// output rows, ReLU, f16 storage.
#include "kernels/winograd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <utility>

#include "ir/half.h"
#include "kernels/isa_sets.h"

namespace qcc::kernels {
namespace {

// Runs Winograd over all tiles in chunks, as the runtime's tasks do.
void run_all(const WinogradArgs& a) {
  const int64_t tiles = winograd_tiles(a.g, a.w->m), chunk = winograd_chunk_tiles(a);
  std::vector<uint8_t> ws(winograd_scratch_bytes(a, chunk));
  for (int64_t t = 0; t < tiles; t += chunk) winograd_run(a, t, std::min(tiles, t + chunk), ws.data());
}

double compare(const KernelConfig& cfg, ConvGeom g, int tile, bool relu, uint32_t seed,
               bool half = false) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1, 1);
  g.out_h = g.in_h + 2 * g.pad_t - 2;
  g.out_w = g.in_w + 2 * g.pad_l - 2;
  g.in_pixel_stride = g.in_c;
  std::vector<float> x(g.batch * g.in_h * g.in_w * g.in_c), w(g.out_c * g.in_c * 9), bias(g.out_c);
  for (auto* v : {&x, &w, &bias})
    for (float& f : *v) f = d(rng);
  const Ukernel& uk = cfg.gemm->f32;
  const float lo = relu ? 0.f : -3.4e38f;

  // Reference: implicit GEMM with weights reordered to (kh, kw, c).
  std::vector<float> ohwi(w.size());
  oihw_to_ohwi(w.data(), ohwi.data(), g.out_c, g.in_c, 9, 4);
  PackedWeights pw;
  pack_b(ohwi.data(), g.out_c, g.k(), g.k(), 1, kGemmF32, uk, pw);
  std::copy(bias.begin(), bias.end(), pw.bias_f32.begin());
  std::vector<float> ref(g.m() * g.out_pixel_stride), got(ref.size()), zero(g.in_c);
  ConvArgs c;
  c.g = g, c.w = &pw, c.in = x.data(), c.out = ref.data(), c.zero_row = zero.data(), c.lo = lo;
  c.pack_a = conv_needs_packing(kGemmF32, uk, g.in_c);
  std::vector<uint8_t> cs(conv_scratch_bytes(c, g.m()));
  conv_run(c, 0, g.m(), 0, pw.panels, cs.data());

  WinogradWeights ww;
  winograd_pack(w.data(), bias.data(), g.out_c, g.in_c, tile, uk, ww);
  WinogradArgs a;
  a.g = g, a.w = &ww, a.in = x.data(), a.out = got.data(), a.lo = lo, a.kernels = cfg.winograd;
  run_all(a);
  if (half) {  // f16 storage: same weights, inputs rounded to f16, output rounded to f16
    std::vector<uint16_t> xh(x.size()), yh(got.size());
    for (size_t i = 0; i < x.size(); ++i) xh[i] = float_to_half(x[i]);
    a.in = xh.data(), a.out = yh.data(), a.half = true;
    run_all(a);
    for (size_t i = 0; i < got.size(); ++i) got[i] = half_to_float(yh[i]);
  }

  double err = 0, mx = 1;
  for (int64_t p = 0; p < g.m(); ++p)
    for (int64_t o = 0; o < g.out_c; ++o) {
      size_t i = p * g.out_pixel_stride + o;
      err = std::max(err, static_cast<double>(std::fabs(got[i] - ref[i])));
      mx = std::max(mx, static_cast<double>(std::fabs(ref[i])));
    }
  return err / mx;
}

TEST(WinogradTest, MatchesImplicitGemmOnRandomShapes) {
  std::mt19937 rng(5);
  for (const KernelConfig* cfg : test::runnable_configs()) {
    for (int iter = 0; iter < 16; ++iter) {
      ConvGeom g;
      g.batch = 1 + rng() % 2;
      g.in_h = 3 + rng() % 9;
      g.in_w = 3 + rng() % 9;
      g.in_c = 16 + rng() % 40;
      g.out_c = 16 + rng() % 40;
      g.k_h = g.k_w = 3;
      g.pad_t = g.pad_l = rng() % 2;
      g.out_pixel_stride = g.out_c + (iter % 2) * 24;
      ASSERT_TRUE(winograd_applies(g));
      const char* isa = isa_level_name(cfg->level);
      // Error relative to the largest output: F(4x4)'s larger coefficients cost a few roundings.
      for (auto [tile, tol] : {std::pair{2, 2e-6}, std::pair{4, 1e-5}}) {
        ASSERT_LE(compare(*cfg, g, tile, iter % 3 == 0, iter), tol)
            << isa << " F" << tile << ", iteration " << iter;
        ASSERT_LE(compare(*cfg, g, tile, iter % 3 == 0, iter, true), 4e-3)
            << isa << " F" << tile << " f16, iteration " << iter;
      }
    }
  }
}

TEST(WinogradTest, OnlyThreeByThreeStrideOne) {
  ConvGeom g;
  g.k_h = g.k_w = 3, g.in_c = g.out_c = 32;
  EXPECT_TRUE(winograd_applies(g));
  g.stride_w = 2;
  EXPECT_FALSE(winograd_applies(g));
  g.stride_w = 1, g.k_w = 1;
  EXPECT_FALSE(winograd_applies(g));
}

TEST(WinogradTest, LargerTilesOnlyWithEnoughOfThem) {
  ConvGeom g;  // Inception V3's Mixed_7 3x3: 8x8 pixels, 4x4 (F2) or 2x2 (F4) tiles per image
  g.k_h = g.k_w = 3, g.in_c = 448, g.out_c = 384;
  g.in_h = g.in_w = g.out_h = g.out_w = 8, g.pad_t = g.pad_l = 1;
  EXPECT_EQ(winograd_tile_size(g, 12), 0);  // batch 1: 16 F2 tiles, under 8 row tiles of 12
  g.batch = 16;
  EXPECT_EQ(winograd_tile_size(g, 12), 2);                // 64 F4 tiles, 256 F2 ones
  g.batch = 1, g.in_h = g.in_w = g.out_h = g.out_w = 35;  // Mixed_5: 9x9 F4 tiles, 18x18 F2
  EXPECT_EQ(winograd_tile_size(g, 12), 2);
  g.batch = 2;
  EXPECT_EQ(winograd_tile_size(g, 12), 4);
}

}  // namespace
}  // namespace qcc::kernels

// NHWC pooling kernels against direct loops: padding, strides, count_include_pad, slices.
#include "kernels/pool.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "ir/half.h"
#include "kernels/isa_sets.h"

namespace qcc::kernels {
namespace {

struct PoolCase {
  PoolGeom g;
  bool is_max;
};

PoolGeom random_geom(std::mt19937& rng, int64_t max_c = 37) {
  PoolGeom g;
  g.batch = 1 + rng() % 2;
  g.k_h = 1 + rng() % 3, g.k_w = 1 + rng() % 3;
  // Some windows of over 256 taps, where int8 averages sum in int32, not int16.
  if (rng() % 5 == 0) g.k_h = 16 + rng() % 3, g.k_w = 16 + rng() % 3;
  g.in_h = g.k_h + rng() % 6, g.in_w = g.k_w + rng() % 6, g.c = 1 + rng() % max_c;
  g.stride_h = 1 + rng() % 2, g.stride_w = 1 + rng() % 2;
  g.pad_t = rng() % g.k_h, g.pad_l = rng() % g.k_w, g.pad_b = rng() % g.k_h,
  g.pad_r = rng() % g.k_w;
  g.out_h = (g.in_h + g.pad_t + g.pad_b - g.k_h) / g.stride_h + 1;
  g.out_w = (g.in_w + g.pad_l + g.pad_r - g.k_w) / g.stride_w + 1;
  g.in_pixel_stride = g.c + rng() % 3;
  g.out_pixel_stride = g.c + rng() % 3;
  g.count_include_pad = rng() % 2;
  return g;
}

// Direct pooling of pixel (n, oh, ow), channel c.
double reference(const PoolGeom& g, const std::vector<float>& x, bool is_max, int64_t n, int64_t oh,
                 int64_t ow, int64_t c) {
  double acc = is_max ? -std::numeric_limits<double>::infinity() : 0;
  int64_t count = 0;
  for (int64_t i = 0; i < g.k_h; ++i)
    for (int64_t j = 0; j < g.k_w; ++j) {
      int64_t ih = oh * g.stride_h - g.pad_t + i, iw = ow * g.stride_w - g.pad_l + j;
      if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) {
        count += g.count_include_pad;
        continue;
      }
      double v = x[((n * g.in_h + ih) * g.in_w + iw) * g.in_pixel_stride + c];
      acc = is_max ? std::max(acc, v) : acc + v;
      ++count;
    }
  return is_max ? acc : acc / count;
}

// Every ISA variant of every pooling kernel against direct loops.
class PoolTest : public ::testing::TestWithParam<int> {
 protected:
  const PoolKernels* k() {
    const KernelConfig* c = kernel_config_for(kIsaLevels[GetParam()]);
    return c ? c->pool : nullptr;
  }
};

TEST_P(PoolTest, FloatAndHalfMatchDirectLoops) {
  const PoolKernels* pk = k();
  if (!pk) GTEST_SKIP() << "ISA not available on this CPU";
  std::mt19937 rng(3);
  for (int iter = 0; iter < 40; ++iter) {
    PoolGeom g = random_geom(rng);
    std::vector<float> x(g.batch * g.in_h * g.in_w * g.in_pixel_stride);
    for (auto& v : x)
      v = half_to_float(float_to_half(std::uniform_real_distribution<float>(-4, 4)(rng)));
    std::vector<uint16_t> xh(x.size());
    for (size_t i = 0; i < x.size(); ++i) xh[i] = float_to_half(x[i]);
    const int64_t outs = g.batch * g.out_h * g.out_w * g.out_pixel_stride;
    for (bool is_max : {true, false}) {
      std::vector<float> y(outs);
      std::vector<uint16_t> yh(outs);
      (is_max ? pk->maxpool_f32 : pk->avgpool_f32)(g, x.data(), y.data(), 0, g.rows());
      (is_max ? pk->maxpool_f16 : pk->avgpool_f16)(g, xh.data(), yh.data(), 0, g.rows());
      for (int64_t n = 0; n < g.batch; ++n)
        for (int64_t oh = 0; oh < g.out_h; ++oh)
          for (int64_t ow = 0; ow < g.out_w; ++ow)
            for (int64_t c = 0; c < g.c; ++c) {
              double ref = reference(g, x, is_max, n, oh, ow, c);
              int64_t o = ((n * g.out_h + oh) * g.out_w + ow) * g.out_pixel_stride + c;
              ASSERT_NEAR(y[o], ref, 1e-5) << "iter " << iter << (is_max ? " max" : " avg");
              ASSERT_NEAR(half_to_float(yh[o]), ref, 4e-3) << "iter " << iter << " f16";
            }
    }
  }
}

template <typename T>
using Int8AvgPool = void (*)(const PoolGeom&, const T*, T*, const QuantPair&, int64_t, int64_t);

// s8 and u8 pooling against the direct loops: max exact, average within one rounding step of the
// exact average and bit-exact against the scalar variant's.
template <typename T>
void check_int8_pooling(void (*maxpool)(const PoolGeom&, const T*, T*, int64_t, int64_t),
                        Int8AvgPool<T> avgpool, Int8AvgPool<T> avgpool_scalar) {
  constexpr double lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  std::mt19937 rng(5);
  for (int iter = 0; iter < 60; ++iter) {
    PoolGeom g = random_geom(rng, iter % 3 ? 37 : 600);  // also several channel blocks and a tail
    std::vector<T> x(g.batch * g.in_h * g.in_w * g.in_pixel_stride);
    std::vector<float> xf(x.size());
    // Large windows of values near the maximum: sums beyond int16, which must not wrap.
    const bool near_max = g.k_h * g.k_w > 256;
    for (size_t i = 0; i < x.size(); ++i)
      xf[i] = x[i] = static_cast<T>(near_max ? hi - rng() % 8 : lo + rng() % 256);
    const int64_t outs = g.batch * g.out_h * g.out_w * g.out_pixel_stride;
    std::vector<T> ymax(outs), yavg(outs), yavg_scalar(outs);
    const float s_in = 0.02f, s_out = 0.015f;
    const int32_t z_in = static_cast<int32_t>(rng() % 41) - 20 + (lo < 0 ? 0 : 100),
                  z_out = static_cast<int32_t>(rng() % 21) - 10 + (lo < 0 ? 0 : 30);
    maxpool(g, x.data(), ymax.data(), 0, g.rows());
    avgpool(g, x.data(), yavg.data(), {s_in, s_out, z_in, z_out}, 0, g.rows());
    avgpool_scalar(g, x.data(), yavg_scalar.data(), {s_in, s_out, z_in, z_out}, 0, g.rows());
    std::vector<float> shifted(xf.size());  // the values the average means: q - z_in (padding 0)
    for (size_t i = 0; i < xf.size(); ++i) shifted[i] = xf[i] - static_cast<float>(z_in);
    for (int64_t n = 0; n < g.batch; ++n)
      for (int64_t oh = 0; oh < g.out_h; ++oh)
        for (int64_t ow = 0; ow < g.out_w; ++ow)
          for (int64_t c = 0; c < g.c; ++c) {
            int64_t o = ((n * g.out_h + oh) * g.out_w + ow) * g.out_pixel_stride + c;
            double mx = reference(g, xf, true, n, oh, ow, c);
            // Padding never wins a max (ONNX pads max pooling with -inf).
            ASSERT_EQ(ymax[o], static_cast<T>(mx));
            double avg = reference(g, shifted, false, n, oh, ow, c) * s_in / s_out + z_out;
            ASSERT_NEAR(yavg[o], std::clamp(std::nearbyint(avg), lo, hi), 1.0);
            ASSERT_EQ(yavg[o], yavg_scalar[o])
                << "iter " << iter << ": not the scalar variant's bytes";
          }
  }
}

TEST_P(PoolTest, Int8MaxIsExactAndAverageRequantizes) {
  if (!k()) GTEST_SKIP() << "ISA not available on this CPU";
  check_int8_pooling<int8_t>(k()->maxpool_s8, k()->avgpool_s8,
                             test::runnable_configs()[0]->pool->avgpool_s8);
}
TEST_P(PoolTest, Uint8MaxIsExactAndAverageRequantizes) {
  if (!k()) GTEST_SKIP() << "ISA not available on this CPU";
  check_int8_pooling<uint8_t>(k()->maxpool_u8, k()->avgpool_u8,
                              test::runnable_configs()[0]->pool->avgpool_u8);
}

// Found by fuzz_import: an output scale so small that in_scale / out_scale overflows float made
// the multiplier +inf and a zero sum 0 * inf = NaN (undefined as an int). Zero sums must give the
// output zero point, the others saturate, the same bytes in every variant.
TEST_P(PoolTest, Int8AverageWithAnOverflowingScaleRatioSaturates) {
  if (!k()) GTEST_SKIP() << "ISA not available on this CPU";
  PoolGeom g;
  g.in_h = g.in_w = 4, g.c = 19, g.k_h = g.k_w = 3, g.pad_t = g.pad_l = g.pad_b = g.pad_r = 1;
  g.out_h = g.out_w = 4, g.in_pixel_stride = g.out_pixel_stride = g.c;
  std::vector<int8_t> x(g.in_h * g.in_w * g.c), y(x.size()), y_scalar(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<int8_t>(i % 3) - 1;  // -1, 0, 1: some sums 0
  for (size_t i = 0; i < x.size(); i += 2 * g.c) std::fill_n(x.begin() + i, g.c, int8_t{0});
  const QuantPair q{0.02f, 1.4e-43f, 0, 5};
  k()->avgpool_s8(g, x.data(), y.data(), q, 0, g.rows());
  test::runnable_configs()[0]->pool->avgpool_s8(g, x.data(), y_scalar.data(), q, 0, g.rows());
  int zeros = 0;
  for (int64_t oh = 0; oh < g.out_h; ++oh)
    for (int64_t ow = 0; ow < g.out_w; ++ow)
      for (int64_t c = 0; c < g.c; ++c) {
        const int64_t o = (oh * g.out_w + ow) * g.c + c;
        double sum = 0;
        for (int64_t i = -1; i <= 1; ++i)
          for (int64_t j = -1; j <= 1; ++j)
            if (oh + i >= 0 && oh + i < g.in_h && ow + j >= 0 && ow + j < g.in_w)
              sum += x[((oh + i) * g.in_w + ow + j) * g.c + c];
        const int want = sum == 0 ? 5 : sum > 0 ? 127 : -128;
        zeros += sum == 0;
        ASSERT_EQ(y[o], want) << oh << "," << ow << "," << c;
        ASSERT_EQ(y[o], y_scalar[o]);
      }
  EXPECT_GT(zeros, 0) << "the case must include zero sums";
}

// Every level; those this CPU lacks skip.
INSTANTIATE_TEST_SUITE_P(AllIsas, PoolTest, ::testing::Range(0, test::kLevels));

}  // namespace
}  // namespace qcc::kernels

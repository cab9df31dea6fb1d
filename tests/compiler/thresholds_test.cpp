// Clipping thresholds: each method on distributions where the right answer is known, and the
// searches judged by the real quantization error of the samples they were computed from.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "compiler/thresholds.h"

namespace qcc {
namespace {

ValueStats stats_of(const std::vector<float>& v, int batches = 1) {
  ValueStats s;
  const int64_t per = static_cast<int64_t>(v.size()) / batches;
  for (int b = 0; b < batches; ++b) s.add_batch(v.data() + b * per, per, 1, 1);
  return s;
}

// Mean squared error of symmetric rounding to `levels` steps of t / levels, clipped at t.
double quantization_mse(const std::vector<float>& v, float t, int levels) {
  const double step = t / levels;
  double e = 0;
  for (float x : v) {
    double q = std::clamp(std::nearbyint(x / step), -double(levels), double(levels)) * step;
    e += (q - x) * (q - x);
  }
  return e / v.size();
}

// Post-ReLU-like data: 40% zeros, the rest exponential (a long one-sided tail).
std::vector<float> long_tailed(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::exponential_distribution<float> bulk(1.f);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(rng) < 0.4f ? 0.f : bulk(rng);
  return v;
}

TEST(ThresholdsTest, ParseAndPrint) {
  EXPECT_EQ(CalibSpec::parse("minmax")->method, CalibMethod::minmax);
  EXPECT_EQ(CalibSpec::parse("minmax-avg")->method, CalibMethod::minmax_avg);
  EXPECT_EQ(CalibSpec::parse("entropy")->method, CalibMethod::entropy);
  EXPECT_EQ(CalibSpec::parse("mse")->method, CalibMethod::mse);
  EXPECT_DOUBLE_EQ(CalibSpec::parse("percentile")->percentile, 99.99);
  EXPECT_DOUBLE_EQ(CalibSpec::parse("percentile:99.9")->percentile, 99.9);
  EXPECT_EQ(CalibSpec::parse("percentile:99.9")->str(), "percentile:99.9");
  for (const char* bad : {"", "max", "percentile:", "percentile:0", "percentile:101", "percentile:9x"})
    EXPECT_FALSE(CalibSpec::parse(bad)) << bad;
}

TEST(ThresholdsTest, MinMaxAndMovingAverage) {
  std::vector<float> v = {1, -2, 3, 0.5f, -6, 1};  // batch maxima of |x|: 3, 6
  ValueStats s = stats_of(v, 2);
  EXPECT_FLOAT_EQ(clip_threshold(s, *CalibSpec::parse("minmax"), 127), 6.f);
  EXPECT_FLOAT_EQ(clip_threshold(s, *CalibSpec::parse("minmax-avg"), 127), 4.f);  // max(|(-2-6)/2|, |(3+1)/2|)
}

TEST(ThresholdsTest, PercentileOfUniformData) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> v(200000);
  for (auto& x : v) x = u(rng);
  ValueStats s = stats_of(v);
  EXPECT_NEAR(clip_threshold(s, *CalibSpec::parse("percentile:90"), 127), 0.9f, 2e-3f);
  EXPECT_NEAR(clip_threshold(s, *CalibSpec::parse("percentile:100"), 127), 1.f, 1e-3f);
}

TEST(ThresholdsTest, SearchesClipTheTailAndLowerTheRealError) {
  // With 15 levels per side (5-bit-like) clipping an exponential tail clearly pays: the MSE
  // optimum is near 6 (ACIQ's analysis), while the largest of 10^5 samples is about 11.
  constexpr int kLevels = 15;
  std::vector<float> v = long_tailed(100000, 7);
  ValueStats s = stats_of(v, 4);
  const float max_abs = clip_threshold(s, *CalibSpec::parse("minmax"), kLevels);
  const double minmax_err = quantization_mse(v, max_abs, kLevels);
  for (const char* m : {"entropy", "mse", "percentile:99.9"}) {
    float t = clip_threshold(s, *CalibSpec::parse(m), kLevels);
    EXPECT_LT(t, 0.8f * max_abs) << m;
    EXPECT_GT(t, 3.f) << m;
    EXPECT_LT(quantization_mse(v, t, kLevels), minmax_err) << m;
  }
  // mse finds (close to) the best threshold for the real error among a scan.
  const float best = clip_threshold(s, *CalibSpec::parse("mse"), kLevels);
  for (float t = 1.f; t < max_abs; t *= 1.05f)
    EXPECT_LE(quantization_mse(v, best, kLevels), 1.02 * quantization_mse(v, t, kLevels)) << t;
}

TEST(ThresholdsTest, NoTailNoClipping) {
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> u(0.f, 5.f);
  std::vector<float> v(100000);
  for (auto& x : v) x = u(rng);
  ValueStats s = stats_of(v);
  EXPECT_GT(clip_threshold(s, *CalibSpec::parse("mse"), 127), 4.8f);
  EXPECT_GT(clip_threshold(s, *CalibSpec::parse("entropy"), 127), 4.5f);
}

TEST(ThresholdsTest, AllZeroValueKeepsZeroRange) {
  std::vector<float> v(100, 0.f);
  ValueStats s = stats_of(v);
  for (const char* m : {"minmax", "minmax-avg", "percentile", "entropy", "mse"})
    EXPECT_EQ(clip_threshold(s, *CalibSpec::parse(m), 127), 0.f) << m;
}

}  // namespace
}  // namespace qcc

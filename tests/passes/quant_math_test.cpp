#include <gtest/gtest.h>

#include <cmath>

#include "passes/quant_math.h"

namespace qcc {
namespace {

TEST(QuantMathTest, SymmetricScaleCoversTheWiderSide) {
  EXPECT_FLOAT_EQ(symmetric_scale(-2.f, 1.f), 2.f / 127);
  EXPECT_FLOAT_EQ(symmetric_scale(0.f, 12.7f), 0.1f);
  EXPECT_GT(symmetric_scale(0.f, 0.f), 0.f);  // all-zero ranges stay finite
}

TEST(QuantMathTest, RoundsHalfToEvenAndSaturatesSymmetrically) {
  EXPECT_EQ(quantize_symmetric(2.5f, 1.f), 2);
  EXPECT_EQ(quantize_symmetric(3.5f, 1.f), 4);
  EXPECT_EQ(quantize_symmetric(-2.5f, 1.f), -2);
  EXPECT_EQ(quantize_symmetric(1000.f, 1.f), 127);
  EXPECT_EQ(quantize_symmetric(-1000.f, 1.f), -127);  // never -128
}

TEST(QuantMathTest, BiasSaturationIsReported) {
  bool sat = false;
  EXPECT_EQ(quantize_bias(0.5f, 0.25f, &sat), 2);
  EXPECT_FALSE(sat);
  EXPECT_EQ(quantize_bias(1.f, 1e-12f, &sat), 2147483647);
  EXPECT_TRUE(sat);
}

TEST(QuantMathTest, PerChannelWeightsUseTheirOwnRange) {
  std::vector<float> w = {1.f, -0.5f, 0.01f, -0.02f};  // two channels of two
  WeightQuant t = quantize_weights(w, 2, false), c = quantize_weights(w, 2, true);
  ASSERT_EQ(t.scale.size(), 1u);
  ASSERT_EQ(c.scale.size(), 2u);
  EXPECT_EQ(t.q[0], 127);
  EXPECT_EQ(c.q[3], -127);
  EXPECT_EQ(t.q[3], static_cast<int8_t>(std::nearbyint(-0.02f / (1.f / 127))));
}

TEST(QuantMathTest, SevenBitWeightsSpanMinus63To63) {
  std::vector<float> w = {1.f, -0.5f, 0.26f, -0.02f, 0.6f, -3.f};  // two channels of three
  WeightQuant c = quantize_weights(w, 2, true, {}, 63);
  ASSERT_EQ(c.scale.size(), 2u);
  EXPECT_FLOAT_EQ(c.scale[0], 1.f / 63);
  EXPECT_FLOAT_EQ(c.scale[1], 3.f / 63);
  EXPECT_EQ(c.q[0], 63);
  EXPECT_EQ(c.q[5], -63);
  EXPECT_EQ(c.q[2], 16);  // 0.26 * 63 = 16.38
  EXPECT_EQ(quantize_symmetric(-1000.f, 1.f, 63), -63);
  // A widened scale (bias floor) keeps every value inside the range too.
  WeightQuant f = quantize_weights(w, 2, true, {0.f, 1.f}, 63);
  EXPECT_EQ(f.widened, 1);
  EXPECT_EQ(f.q[5], -3);
}

TEST(QuantMathTest, ExpectedOutputErrorOfQuantizedWeights) {
  // Conv [2 outputs][2 inputs][2 taps]; the second input channel has mean 3, the first 0.
  const std::vector<float> w = {0.1f, 0.2f, 0.3f, 0.4f, -1.f, 0.5f, 0.25f, 0.125f};
  WeightQuant wq = quantize_weights(w, 2, true);
  const std::vector<double> means = {0.0, 3.0};
  std::vector<double> e = expected_output_error(w, wq, {2, 2, 2, true}, means);
  for (int o = 0; o < 2; ++o) {
    double want = 0;
    for (int t = 0; t < 2; ++t) {
      const int i = (o * 2 + 1) * 2 + t;  // input channel 1
      want += (wq.q[i] * wq.scale[o] - w[i]) * 3.0;
    }
    EXPECT_NEAR(e[o], want, 1e-12) << o;
  }
  // Gemm B as [inputs][outputs] (no transB): element (k, n) at k * outputs + n.
  std::vector<double> g = expected_output_error(w, quantize_weights(w, 1, false), {4, 2, 1, false}, {1.0, 2.0});
  WeightQuant t = quantize_weights(w, 1, false);
  for (int n = 0; n < 4; ++n) {
    double want = 0;
    for (int k = 0; k < 2; ++k) want += (t.q[k * 4 + n] * t.scale[0] - w[k * 4 + n]) * (k + 1.0);
    EXPECT_NEAR(g[n], want, 1e-12) << n;
  }
}

}  // namespace
}  // namespace qcc

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

}  // namespace
}  // namespace qcc

// Pillow-style antialiased bilinear resize: weights are normalized and local, flat images stay
// flat, identity size is a copy, and a known 4->2 downscale averages pixel pairs.
#include <gtest/gtest.h>

#include <numeric>

#include "kernels/resize.h"

namespace qcc::kernels {
namespace {

TEST(ResizeTest, TapsAreNormalizedAndWidenWhenShrinking) {
  for (auto [in, out] : {std::pair{600, 342}, std::pair{342, 600}, std::pair{1000, 299}}) {
    ResampleTaps t = bilinear_aa_taps(in, out);
    for (int i = 0; i < out; ++i) {
      double sum = 0;
      for (int j = 0; j < t.count[i]; ++j) sum += t.weights[i * t.max_count + j];
      ASSERT_NEAR(sum, 1.0, 1e-9);
      ASSERT_GE(t.first[i], 0);
      ASSERT_LE(t.first[i] + t.count[i], in);
    }
    if (in > out) {
      EXPECT_GE(t.max_count, 2 * in / out);
    }
  }
}

TEST(ResizeTest, FlatStaysFlatAndIdentityCopies) {
  std::vector<uint8_t> img(37 * 23 * 3, 77), out(19 * 11 * 3);
  resize_bilinear_aa_u8(img.data(), 37, 23, 3, out.data(), 19, 11);
  for (uint8_t v : out) ASSERT_EQ(v, 77);
  std::vector<uint8_t> ramp(10 * 4);
  std::iota(ramp.begin(), ramp.end(), 0);
  std::vector<uint8_t> same(ramp.size());
  resize_bilinear_aa_u8(ramp.data(), 10, 4, 1, same.data(), 10, 4);
  EXPECT_EQ(same, ramp);
}

TEST(ResizeTest, HalvingAveragesPairs) {
  const uint8_t row[4] = {0, 100, 200, 40};
  uint8_t out[2];
  resize_bilinear_aa_u8(row, 4, 1, 1, out, 2, 1);
  // Support 2 around centers 1 and 3: weights (1/8, 3/8, 3/8, 1/8) clipped at the borders.
  EXPECT_EQ(out[0], static_cast<uint8_t>((0 * 3 + 100 * 3 + 200 * 1) / 7.0 + 0.5));
  EXPECT_EQ(out[1], static_cast<uint8_t>((100 * 1 + 200 * 3 + 40 * 3) / 7.0 + 0.5));
}

}  // namespace
}  // namespace qcc::kernels

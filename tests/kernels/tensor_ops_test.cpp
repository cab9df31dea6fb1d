// Data-movement kernels on small hand-checked cases.
#include "kernels/tensor_ops.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "kernels/elementwise.h"

namespace qcc::kernels {
namespace {

TEST(TensorOpsTest, StridedCopyTransposes) {
  const float x[6] = {1, 2, 3, 4, 5, 6};  // [2,3]
  float y[6];
  strided_copy(x, {1, 3}, y, {3, 2}, 4);  // transpose to [3,2]
  const float want[6] = {1, 4, 2, 5, 3, 6};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(y[i], want[i]);
}

// Every permutation of random shapes of rank 1..5 and every element size against direct indexing
// (sizes of 1 and 3 cover the innermost-dimension cases of an NCHW -> NHWC image transpose).
TEST(TensorOpsTest, StridedCopyMatchesDirectIndexingForRandomPermutations) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const int rank = 1 + trial % 5;
    const int eb = std::array<int, 5>{1, 2, 4, 8, 3}[trial % 5];
    Dims in_shape(rank);
    for (auto& d : in_shape) d = 1 + rng() % 5;
    std::vector<int> perm(rank);
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    const Dims in_strides = contiguous_strides(in_shape);
    Dims out_shape, src_strides;
    for (int p : perm) out_shape.push_back(in_shape[p]), src_strides.push_back(in_strides[p]);
    int64_t n = 1;
    for (int64_t d : in_shape) n *= d;
    std::vector<uint8_t> x(n * eb), y(n * eb, 0xAA);
    for (auto& b : x) b = static_cast<uint8_t>(rng());
    strided_copy(x.data(), src_strides, y.data(), out_shape, eb);
    Dims idx(rank, 0);
    for (int64_t o = 0; o < n; ++o) {
      int64_t off = 0;
      for (int k = 0; k < rank; ++k) off += idx[k] * src_strides[k];
      ASSERT_EQ(0, std::memcmp(&y[o * eb], &x[off * eb], eb))
          << "trial " << trial << " element " << o;
      for (int k = rank - 1; k >= 0 && ++idx[k] == out_shape[k]; --k) idx[k] = 0;
    }
  }
}

// NCHW -> NHWC of images with 1..5 channels (2..4 take the interleaving path) of bytes and floats.
TEST(TensorOpsTest, ImageLayoutChangeInterleavesPlanes) {
  for (int eb : {1, 4})
    for (int64_t c = 1; c <= 5; ++c) {
      const int64_t n = 2, h = 3, w = 37;
      std::vector<uint8_t> x(n * c * h * w * eb), y(x.size(), 0xAA);
      for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(i * 7 + c);
      strided_copy(x.data(), {c * h * w, w, 1, h * w}, y.data(), {n, h, w, c}, eb);
      for (int64_t b = 0; b < n; ++b)
        for (int64_t p = 0; p < h * w; ++p)
          for (int64_t ch = 0; ch < c; ++ch)
            ASSERT_EQ(0, std::memcmp(&y[((b * h * w + p) * c + ch) * eb],
                                     &x[((b * c + ch) * h * w + p) * eb], eb))
                << "eb " << eb << " channels " << c << " pixel " << p;
    }
}

TEST(TensorOpsTest, GatherWrapsNegativeIndicesAndRejectsOutOfRange) {
  const int64_t x[6] = {10, 11, 12, 20, 21, 22};  // [2,3]
  int64_t y[4];
  const int64_t idx[2] = {-1, 0};
  ASSERT_TRUE(gather(x, {2, 3}, 1, idx, 2, y, 8));
  const int64_t want[4] = {12, 10, 22, 20};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(y[i], want[i]);
  const int64_t bad[1] = {3};
  EXPECT_FALSE(gather(x, {2, 3}, 1, bad, 1, y, 8));
}

TEST(TensorOpsTest, PadModes) {
  const float x[3] = {1, 2, 3};
  float y[7];
  float zero = 0;
  pad(x, {3}, {2, 2}, PadMode::constant, &zero, y, 4);
  const float c[7] = {0, 0, 1, 2, 3, 0, 0};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(y[i], c[i]);
  pad(x, {3}, {2, 2}, PadMode::reflect, &zero, y + 0, 4);
  const float r[7] = {3, 2, 1, 2, 3, 2, 1};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(y[i], r[i]);
  pad(x, {3}, {2, 2}, PadMode::edge, &zero, y, 4);
  const float e[7] = {1, 1, 1, 2, 3, 3, 3};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(y[i], e[i]);
  pad(x, {3}, {2, 2}, PadMode::constant, &zero, y, 4);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(y[i], c[i]);
}

TEST(TensorOpsTest, BroadcastBinary) {
  const float a[6] = {1, 2, 3, 4, 5, 6};  // [2,3]
  const float b[3] = {10, 20, 30};        // [3]
  float y[6];
  ASSERT_TRUE(binary(BinaryOp::add, ElemType::f32, a, broadcast_strides({2, 3}, {2, 3}), b,
                     broadcast_strides({3}, {2, 3}), y, {2, 3}));
  const float want[6] = {11, 22, 33, 14, 25, 36};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(y[i], want[i]);
  const int64_t ia[2] = {7, 8}, zero[1] = {0};
  int64_t iy[2];
  EXPECT_FALSE(binary(BinaryOp::div, ElemType::s64, ia, {1}, zero, {0}, iy, {2}));
}

}  // namespace
}  // namespace qcc::kernels

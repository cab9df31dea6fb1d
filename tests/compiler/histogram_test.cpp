// Calibration statistics: exact re-binning as the range grows, zeros and non-finite values apart,
// per-channel sums independent of the thread count.
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <limits>

#include "compiler/histogram.h"
#include "test_util.h"

namespace qcc {
namespace {

// Bins |x| at `width` as the histogram does (index = |x| * (1 / width)).
std::vector<int64_t> direct_counts(const std::vector<float>& v, float width) {
  std::vector<int64_t> c(AbsHistogram::kBins, 0);
  const float inv = 1.f / width;
  for (float x : v)
    if (x != 0 && std::isfinite(x))
      ++c[std::min<int64_t>(static_cast<int64_t>(std::fabs(x) * inv), AbsHistogram::kBins - 1)];
  return c;
}

TEST(HistogramTest, GrowingRangeRebinsExactly) {
  // First batch spans |x| < 1, the second reaches 3.5: the width doubles twice (range 4).
  std::vector<float> a = test::random_floats(5000, 1, -1.f, 1.f), b = test::random_floats(3000, 2, -3.5f, 3.5f);
  a[7] = 0.f;
  b[9] = 0.f;
  ValueStats s;
  s.add_batch(a.data(), 50, 100, 100);
  const float first_width = s.hist.width;
  s.add_batch(b.data(), 30, 100, 100);
  EXPECT_FLOAT_EQ(s.hist.width, first_width * 4);
  // The first batch's counts, binned at the first width and merged 4 to 1, plus the second
  // batch binned at the final width.
  std::vector<int64_t> want = direct_counts(a, first_width), second = direct_counts(b, s.hist.width);
  for (int i = 0; i < AbsHistogram::kBins; ++i) second[i] += i < AbsHistogram::kBins / 4 ? want[4 * i] + want[4 * i + 1] + want[4 * i + 2] + want[4 * i + 3] : 0;
  EXPECT_EQ(s.hist.counts, second);
  std::vector<float> all = a;
  all.insert(all.end(), b.begin(), b.end());
  EXPECT_EQ(s.hist.zeros, 2);
  EXPECT_EQ(s.hist.nonzero() + s.hist.zeros, 8000);
  EXPECT_EQ(s.batches, 2);
  EXPECT_FLOAT_EQ(s.max, *std::max_element(all.begin(), all.end()));
  EXPECT_FLOAT_EQ(s.min, *std::min_element(all.begin(), all.end()));
}

TEST(HistogramTest, StridedRowsAndNonFiniteValues) {
  // 3 rows of 2 columns, stride 4: the last two floats of each row are not part of the value.
  std::vector<float> v = {1.f, -2.f, 99.f, 99.f, std::numeric_limits<float>::quiet_NaN(), 0.5f, 99.f, 99.f,
                          std::numeric_limits<float>::infinity(), 0.f, 99.f, 99.f};
  ValueStats s;
  s.add_batch(v.data(), 3, 2, 4);
  s.add_channel_sums(channel_sums_last(v.data(), 3, 2, 4), 3);
  EXPECT_FLOAT_EQ(s.max, 1.f);
  EXPECT_FLOAT_EQ(s.min, -2.f);
  EXPECT_EQ(s.hist.nonzero(), 3);  // 1, -2, 0.5
  EXPECT_EQ(s.hist.zeros, 1);
  EXPECT_EQ(s.hist.nonfinite, 2);
  ASSERT_EQ(s.channel_sums.size(), 2u);
  EXPECT_DOUBLE_EQ(s.channel_sums[0], 1.0);
  EXPECT_DOUBLE_EQ(s.channel_sums[1], -1.5);
}

TEST(HistogramTest, ChannelSumsOfNchwPlanes) {
  std::vector<float> v = test::random_floats(2 * 3 * 5, 9);  // [2][3][5]
  std::vector<double> s = channel_sums_nchw(v.data(), 2, 3, 5);
  for (int c = 0; c < 3; ++c) {
    double want = 0;
    for (int n = 0; n < 2; ++n)
      for (int i = 0; i < 5; ++i) want += v[(n * 3 + c) * 5 + i];
    EXPECT_NEAR(s[c], want, 1e-12) << c;
  }
}

TEST(HistogramTest, ChannelSumsIdenticalForAnyThreadCount) {
  std::vector<float> v = test::random_floats(3000 * 7, 5, -10.f, 10.f);
  std::vector<double> sums[2];
  for (int t : {1, 2}) {
    tbb::task_arena arena(t);
    ValueStats s;
    arena.execute([&] { s.add_channel_sums(channel_sums_last(v.data(), 3000, 7, 7), 3000); });
    sums[t - 1] = s.channel_sums;
    EXPECT_EQ(s.channel_rows, 3000);
  }
  EXPECT_EQ(sums[0], sums[1]);  // bit for bit
  double direct = 0;
  for (int i = 0; i < 3000; ++i) direct += v[i * 7 + 3];
  EXPECT_NEAR(sums[0][3], direct, 1e-9 * std::fabs(direct) + 1e-9);
}

}  // namespace
}  // namespace qcc

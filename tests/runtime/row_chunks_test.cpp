// RowChunks: whole micro-kernel tiles, at most max_rows, a multiple of the thread count, balanced.
#include <gtest/gtest.h>

#include <random>

#include "runtime/step.h"

namespace qcc {
namespace {

TEST(RowChunksTest, CoversRowsInBalancedWholeTiles) {
  std::mt19937 rng(3);
  for (int iter = 0; iter < 2000; ++iter) {
    const int64_t unit = 1 + rng() % 12, rows = 1 + rng() % 5000;
    const int64_t max_rows = unit * (1 + rng() % 16), threads = 1 + rng() % 4;
    const RowChunks c(rows, unit, max_rows, threads);
    const int64_t units = (rows + unit - 1) / unit;
    ASSERT_GE(c.count(), 1);
    if (c.count() < units) {  // (one tile per chunk cannot be rounded further)
      EXPECT_EQ(c.count() % threads, 0) << rows << " rows of " << unit;
    }
    int64_t lo = INT64_MAX, hi = 0;
    EXPECT_EQ(c.begin(0), 0);
    EXPECT_EQ(c.end(c.count() - 1), rows);
    for (int64_t i = 0; i < c.count(); ++i) {
      ASSERT_LT(c.begin(i), c.end(i));
      ASSERT_LE(c.end(i) - c.begin(i), max_rows);
      if (c.end(i) < rows) {
        ASSERT_EQ(c.end(i) % unit, 0);
      }
      const int64_t tiles = (c.end(i) - c.begin(i) + unit - 1) / unit;
      lo = std::min(lo, tiles), hi = std::max(hi, tiles);
    }
    EXPECT_LE(hi - lo, 1) << rows << " rows of " << unit;
  }
}

TEST(RowChunksTest, SplitsInceptionsBatchOneRowsEvenlyOverTwoThreads) {
  const RowChunks c(17 * 17, 12, 48, 2);  // 25 tiles: fixed chunks of 4 gave 16 vs 9 tiles
  ASSERT_EQ(c.count(), 8);
  EXPECT_EQ(c.end(3), 12 * 12);  // the first thread's 4 chunks hold 12 tiles, the second's 13
}

}  // namespace
}  // namespace qcc

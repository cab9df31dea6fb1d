// Streaming statistics of one activation over a calibration set: min/max, the per-batch extremes
// (for moving-average MinMax) and a histogram of |x| that re-bins itself as the range grows.
#pragma once

#include <cstdint>
#include <vector>

namespace qcc {

/// Histogram of the magnitudes |x| of the non-zero elements (exact zeros, frequent after ReLU,
/// are counted apart: every scheme represents them exactly). Bin i covers [i*width, (i+1)*width).
/// When a batch exceeds the covered range the width doubles and neighbouring bins merge, so
/// counts stay exact whatever order the batches come in.
struct AbsHistogram {
  static constexpr int kBins = 2048;
  float width = 0;              ///< 0 until the first non-zero value
  std::vector<int64_t> counts;  ///< kBins entries once width > 0
  int64_t zeros = 0;
  int64_t nonfinite = 0;  ///< NaN and infinities, left out of every statistic

  /// Adds the |x| of `rows` rows of `cols` floats, rows `stride` floats apart; `max_abs` is
  /// their largest finite magnitude.
  void add(const float* data, int64_t rows, int64_t cols, int64_t stride, float max_abs);
  int64_t nonzero() const;
  float range() const { return width * kBins; }

 private:
  void cover(float max_abs);
};

struct ValueStats {
  float min = 0, max = 0;                       ///< over every image
  double batch_min_sum = 0, batch_max_sum = 0;  ///< sums of per-batch extremes
  int64_t batches = 0;
  AbsHistogram hist;
  /// Per-channel sums (channels = the innermost dimension), kept for the inputs of layers:
  /// their means drive bias correction. Summed in a fixed order: identical for any thread count.
  std::vector<double> channel_sums;
  int64_t channel_rows = 0;

  /// Folds one batch's elements in (rows of `cols`, `stride` apart).
  void add_batch(const float* data, int64_t rows, int64_t cols, int64_t stride);
  /// Adds per-channel sums over `count` elements per channel (channel_sums_* below).
  void add_channel_sums(const std::vector<double>& sums, int64_t count);
  std::vector<double> channel_means() const;
};

/// Per-channel sums of finite elements, in a fixed order (identical for any thread count):
/// channels innermost (rows of `cols` channels, `stride` apart: NHWC, [rows, K]) ...
std::vector<double> channel_sums_last(const float* data, int64_t rows, int64_t cols, int64_t stride);
/// ... or dense NCHW ([n][c][pixels]).
std::vector<double> channel_sums_nchw(const float* data, int64_t n, int64_t c, int64_t pixels);

}  // namespace qcc

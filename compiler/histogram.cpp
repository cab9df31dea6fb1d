#include "compiler/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

namespace qcc {

namespace {

struct Extremes {
  float lo = std::numeric_limits<float>::infinity(), hi = -std::numeric_limits<float>::infinity();
  Extremes operator+(const Extremes& o) const { return {std::min(lo, o.lo), std::max(hi, o.hi)}; }
};

// Min and max of the finite elements (NaN and infinities are left out of every statistic).
Extremes extremes(const float* data, int64_t rows, int64_t cols, int64_t stride) {
  return tbb::parallel_reduce(
      tbb::blocked_range<int64_t>(0, rows, 64), Extremes{},
      [&](const tbb::blocked_range<int64_t>& r, Extremes acc) {
        for (int64_t i = r.begin(); i < r.end(); ++i) {
          const float* row = data + i * stride;
          for (int64_t j = 0; j < cols; ++j)
            if (std::isfinite(row[j])) acc = acc + Extremes{row[j], row[j]};
        }
        return acc;
      },
      std::plus<Extremes>());
}

}  // namespace

void AbsHistogram::cover(float max_abs) {
  if (!(max_abs > 0)) return;
  if (width == 0) {
    width = max_abs / kBins;
    counts.assign(kBins, 0);
    return;
  }
  while (max_abs >= range()) {  // double the width: bin i absorbs old bins 2i and 2i+1
    for (int i = 0; i < kBins / 2; ++i) counts[i] = counts[2 * i] + counts[2 * i + 1];
    std::fill(counts.begin() + kBins / 2, counts.end(), 0);
    width *= 2;
  }
}

void AbsHistogram::add(const float* data, int64_t rows, int64_t cols, int64_t stride, float max_abs) {
  cover(max_abs);
  struct Partial {
    std::vector<int64_t> counts;
    int64_t zeros = 0, nonfinite = 0;
  };
  tbb::enumerable_thread_specific<Partial> parts([&] { return Partial{std::vector<int64_t>(counts.size()), 0, 0}; });
  const float inv = width > 0 ? 1.f / width : 0.f;
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, rows, 64), [&](const tbb::blocked_range<int64_t>& r) {
    Partial& p = parts.local();
    for (int64_t i = r.begin(); i < r.end(); ++i) {
      const float* row = data + i * stride;
      for (int64_t j = 0; j < cols; ++j) {
        float a = std::fabs(row[j]);
        if (a == 0) {
          ++p.zeros;
        } else if (std::isfinite(a)) {
          ++p.counts[std::min<int64_t>(static_cast<int64_t>(a * inv), kBins - 1)];
        } else {
          ++p.nonfinite;
        }
      }
    }
  });
  for (const Partial& p : parts) {
    zeros += p.zeros;
    nonfinite += p.nonfinite;
    for (size_t i = 0; i < p.counts.size(); ++i) counts[i] += p.counts[i];
  }
}

int64_t AbsHistogram::nonzero() const {
  int64_t n = 0;
  for (int64_t c : counts) n += c;
  return n;
}

// Column sums of rows x cols floats, in blocks of rows summed in block order.
std::vector<double> channel_sums_last(const float* data, int64_t rows, int64_t cols, int64_t stride) {
  constexpr int64_t kBlock = 256;
  const int64_t blocks = (rows + kBlock - 1) / kBlock;
  std::vector<double> partial(blocks * cols, 0.0);
  tbb::parallel_for(int64_t{0}, blocks, [&](int64_t b) {
    double* acc = partial.data() + b * cols;
    for (int64_t i = b * kBlock; i < std::min(rows, (b + 1) * kBlock); ++i)
      for (int64_t j = 0; j < cols; ++j)
        if (std::isfinite(data[i * stride + j])) acc[j] += data[i * stride + j];
  });
  std::vector<double> sums(cols, 0.0);
  for (int64_t b = 0; b < blocks; ++b)
    for (int64_t j = 0; j < cols; ++j) sums[j] += partial[b * cols + j];
  return sums;
}

std::vector<double> channel_sums_nchw(const float* data, int64_t n, int64_t c, int64_t pixels) {
  std::vector<double> sums(c, 0.0);
  for (int64_t r = 0; r < n * c; ++r) {  // one plane at a time, in order
    double s = 0;
    const float* p = data + r * pixels;
    for (int64_t i = 0; i < pixels; ++i)
      if (std::isfinite(p[i])) s += p[i];
    sums[r % c] += s;
  }
  return sums;
}

std::vector<double> ValueStats::channel_means() const {
  std::vector<double> m = channel_sums;
  for (double& x : m) x /= static_cast<double>(std::max<int64_t>(channel_rows, 1));
  return m;
}

void ValueStats::add_channel_sums(const std::vector<double>& sums, int64_t count) {
  channel_sums.resize(sums.size(), 0.0);
  for (size_t j = 0; j < sums.size(); ++j) channel_sums[j] += sums[j];
  channel_rows += count;
}

void ValueStats::add_batch(const float* data, int64_t rows, int64_t cols, int64_t stride) {
  Extremes e = extremes(data, rows, cols, stride);
  if (e.lo > e.hi) e = {0, 0};  // nothing finite
  min = batches ? std::min(min, e.lo) : e.lo;
  max = batches ? std::max(max, e.hi) : e.hi;
  batch_min_sum += e.lo;
  batch_max_sum += e.hi;
  ++batches;
  hist.add(data, rows, cols, stride, std::max(std::fabs(e.lo), std::fabs(e.hi)));
}

}  // namespace qcc

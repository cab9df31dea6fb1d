// Helpers shared by tests: seeded random data and small graphs.
#pragma once

#include <random>
#include <vector>

#include "ir/graph.h"

namespace qcc::test {

inline std::vector<float> random_floats(size_t n, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

inline Tensor random_tensor(Shape s, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  int64_t n = shape_numel(s);
  return Tensor::from_floats(std::move(s), random_floats(n, seed, lo, hi));
}

/// Largest |a - b| relative to max(1, max |b|).
inline double max_rel_diff(const float* a, const float* b, size_t n) {
  double err = 0, ref = 1;
  for (size_t i = 0; i < n; ++i) {
    err = std::max(err, static_cast<double>(std::fabs(a[i] - b[i])));
    ref = std::max(ref, static_cast<double>(std::fabs(b[i])));
  }
  return err / ref;
}

}  // namespace qcc::test

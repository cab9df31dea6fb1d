// A dot product the compiler vectorizes without -ffast-math: one 64-byte register's worth of
// independent partial sums instead of one serial chain.
#pragma once

#include <cstdint>

namespace qcc {

template <typename T>
T dot(const T* a, const T* b, int64_t n) {
  constexpr int kLanes = 64 / sizeof(T);
  T acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int k = 0; k < kLanes; ++k) acc[k] += a[i + k] * b[i + k];
  T s = 0;
  for (; i < n; ++i) s += a[i] * b[i];
  for (T x : acc) s += x;
  return s;
}

}  // namespace qcc

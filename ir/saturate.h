// Float -> integer conversion without undefined behaviour. A C++ cast of NaN, an infinity or a
// value outside the target type is undefined, and file data or hostile scales can produce all
// three: here NaN becomes 0 and everything else saturates (after truncation toward zero).
#pragma once

#include <cmath>
#include <limits>

namespace qcc {

template <typename T>
T saturate_cast(double x) {
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
  constexpr double hi = static_cast<double>(std::numeric_limits<T>::max());
  if (std::isnan(x)) return 0;
  if (x <= lo) return std::numeric_limits<T>::min();
  if (x >= hi) return std::numeric_limits<T>::max();  // (hi may round up past T's maximum)
  return static_cast<T>(x);
}

/// A requantization multiplier (a ratio of scales, each positive and finite) with an overflow
/// to +inf replaced by the largest float: 0 * inf would be NaN for a zero sum, while the largest
/// float gives 0 there and saturates every other sum as inf would.
inline float saturate_multiplier(float m) {
  return m <= std::numeric_limits<float>::max() ? m : std::numeric_limits<float>::max();
}

}  // namespace qcc

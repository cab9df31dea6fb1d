// Clipping thresholds from calibration statistics: how much of an activation's range a
// symmetric int8 scale should cover. Pure functions of a ValueStats.
#pragma once

#include <optional>
#include <string>

#include "compiler/histogram.h"

namespace qcc {

enum class CalibMethod {
  minmax,      ///< max |x| over every image (ONNX Runtime MinMax, the seed's scheme)
  minmax_avg,  ///< per-batch extremes averaged (ONNX Runtime MinMax with moving_average)
  percentile,  ///< the given percentile of |x| (zeros included)
  entropy,     ///< minimum KL divergence between clipped and quantized histograms (TensorRT)
  mse,         ///< minimum expected squared error of clipping plus rounding
};

struct CalibSpec {
  CalibMethod method = CalibMethod::mse;
  double percentile = 99.99;  ///< for CalibMethod::percentile

  /// "minmax", "minmax-avg", "percentile[:P]", "entropy" or "mse"; nullopt if not one of them.
  static std::optional<CalibSpec> parse(const std::string& text);
  std::string str() const;
};

/// The magnitude an int8 scale should map to `levels` (127 for symmetric int8): values beyond it
/// are clipped. Always > 0 when the value had any non-zero element.
float clip_threshold(const ValueStats& s, const CalibSpec& spec, int levels);

}  // namespace qcc

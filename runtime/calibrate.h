// Calibration: streams images through the FP32 model and records the min/max of every float
// activation (MinMax observers). Memory does not grow with the number of images.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/quantize_int8.h"
#include "runtime/session.h"

namespace qcc {

struct CalibrationResult {
  std::map<std::string, ActivationRange> ranges;  ///< by value name (graph input included)
  int64_t images = 0;
  std::vector<std::string> skipped;  ///< "path: reason" of images that did not decode
};

/// Runs one input batch through `session` (an FP32 graph, one input) and widens `ranges` with
/// the min/max of the input and of every float value the plan computes.
void observe_ranges(Session& session, const Tensor& batch, std::map<std::string, ActivationRange>& ranges);

/// `optimized` is an FP32 graph after the optimization pipeline (not lowered). `progress` is
/// called with the number of images done after each batch.
CalibrationResult calibrate(const Graph& optimized, const std::vector<std::string>& images, int batch,
                            int threads, const std::function<void(int64_t)>& progress);

}  // namespace qcc

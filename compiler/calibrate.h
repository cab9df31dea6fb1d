// Calibration: one streaming pass of images through the FP32 model, recording per float value
// the statistics every clipping method needs (compiler/thresholds.h). Memory does not grow
// with the number of images. The result, a profile, can be saved and compiled from later.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/histogram.h"
#include "ir/graph.h"
#include "runtime/image.h"
#include "runtime/session.h"

namespace qcc {

struct CalibrationProfile {
  std::string model;         ///< where the model came from (informational)
  uint64_t fingerprint = 0;  ///< graph_fingerprint() of the optimized FP32 graph calibrated
  int64_t images = 0;
  std::vector<std::string> skipped;         ///< "path: reason" of images that did not decode
  std::map<std::string, ValueStats> values;  ///< by value name: the input and every float value
};

/// Adds one input batch to `profile`: runs it through `session` (an FP32 graph with one input)
/// and folds the input and every float value the plan computes into the statistics.
void observe_batch(Session& session, const Tensor& batch, CalibrationProfile& profile);

/// Calibrates `optimized` (an FP32 graph after the optimization pipeline) on `images`, decoded
/// and preprocessed by `pre`, `batch` at a time. `progress` gets the images done.
CalibrationProfile calibrate(const Graph& optimized, const std::vector<std::string>& images, int batch,
                             int threads, const Preprocess& pre, const std::function<void(int64_t)>& progress);

}  // namespace qcc

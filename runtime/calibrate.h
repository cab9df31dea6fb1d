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
  std::map<std::string, ActivationRange> ranges;  ///< min/max over all images, by value name
  /// Per-batch min/max averaged over batches (ONNX Runtime's MinMax with moving_average): less
  /// sensitive to a single outlier, at the price of clipping the rare values beyond it.
  std::map<std::string, ActivationRange> mean_ranges;
  int64_t images = 0;
  std::vector<std::string> skipped;  ///< "path: reason" of images that did not decode
};

/// Runs one input batch through `session` (an FP32 graph, one input) and returns the min/max of
/// the input and of every float value the plan computes.
std::map<std::string, ActivationRange> observe_ranges(Session& session, const Tensor& batch);

/// `optimized` is an FP32 graph after the optimization pipeline (not lowered). `progress` is
/// called with the number of images done after each batch.
CalibrationResult calibrate(const Graph& optimized, const std::vector<std::string>& images, int batch,
                            int threads, const std::function<void(int64_t)>& progress);

struct LayerError {
  double sqnr_db = 0;      ///< dequantized int8 activation vs the FP32 one
  double clipped_pct = 0;  ///< FP32 values beyond the int8 range (|x| > 127.5 * scale)
};

/// Per-layer quantization error: runs `images` through the FP32 graph and the int8 (QDQ) graph
/// and returns, for every int8 activation `<name>_q` of the latter, its error against the FP32
/// value `<name>` -- which layers lose the most, and how much the scales clip.
std::map<std::string, LayerError> layer_errors(const Graph& fp32, const Graph& int8,
                                               const std::vector<std::string>& images, int threads);

}  // namespace qcc

// Mixed precision: which layers to keep in float so INT8 stays within an accuracy budget.
//
// Sensitivity of a layer = how far the model's output moves when only that layer is quantized:
// top-1 flips on held-out images, then output SQNR against FP32. Layers are then kept in float,
// most sensitive first, until the whole INT8 model's estimated top-1 drop on those images is
// within the budget (or a fixed count is reached). The estimate is the drop against the labels
// when the images have them, else the fraction of top-1 answers that flip.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "ir/tensor.h"

namespace qcc {

/// Held-out images as preprocessed input batches, with the class of each row (-1: unlabeled).
struct HeldOut {
  std::vector<Tensor> batches;
  std::vector<std::vector<int>> labels;  ///< per batch, per row
  bool labeled() const;
  int64_t rows() const;
};

struct LayerSensitivity {
  std::string node;  ///< Conv/Gemm node name
  std::string op;
  double output_sqnr_db = 0;  ///< model output with only this layer quantized vs FP32
  double flips_pct = 0;       ///< top-1 answers changed by quantizing only this layer
};

struct MixedTrial {
  int kept = 0;           ///< layers kept in float (the most sensitive ones)
  double drop_pct = 0;    ///< estimated top-1 drop against FP32 on the held-out images
  double flips_pct = 0;
  double drop_stderr_pct = 0;  ///< standard error of drop_pct: the held-out sample's noise
};

struct MixedPrecisionResult {
  std::vector<LayerSensitivity> ranking;  ///< most sensitive first
  std::vector<MixedTrial> trials;         ///< models tried, in order
  std::vector<std::string> keep_float;    ///< the chosen layers (a prefix of the ranking)
  double fp32_top1_pct = -1;              ///< on the held-out images, when labeled
  bool labeled = false;
};

struct MixedPrecisionOptions {
  double max_drop_pct = -1;  ///< budget in top-1 points (>= 0), or
  int keep_float = -1;       ///< a fixed number of layers (>= 0)
  int ranking_rows = 64;     ///< held-out images the per-layer ranking runs on (a model per layer)
  int threads = 0;
};

/// Ranks the int8 layers of `fp32` (optimized) by sensitivity on the first ranking_rows images of
/// `held_out` (one model per layer: the expensive part), then chooses the
/// fewest most-sensitive layers to keep in float that meet the options. `progress` receives a
/// line of text per model tried.
MixedPrecisionResult choose_float_layers(const Graph& fp32, const CalibrationProfile& profile,
                                         const Int8CompileOptions& base, const HeldOut& held_out,
                                         const MixedPrecisionOptions& options,
                                         const std::function<void(const std::string&)>& progress);

}  // namespace qcc

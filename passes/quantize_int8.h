// FP32 -> symmetric INT8 (QDQ form) rewrite; see quantize_int8.cpp.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/quant_math.h"

namespace qcc {

struct ActivationRange {
  float lo = 0, hi = 0;
};

struct Int8Options {
  /// The calibrated range to quantize a value (by name) to with `levels` steps on each side of
  /// zero (127 for s8, 255 for u8); nullopt when it was not calibrated.
  std::function<std::optional<ActivationRange>(const std::string& name, int levels)> range;
  /// Whether `range` knows a value; when unset, range() is asked. Set it where range() is costly
  /// (a threshold search): the quantizer asks it of every candidate, range() only of the chosen.
  std::function<bool(const std::string& name)> calibrated;
  /// How activations are stored.
  enum class Activations {
    automatic,  ///< u8 with zero point 0 where values cannot be negative, s8 symmetric elsewhere
    s8,         ///< s8 symmetric everywhere (the seed's scheme)
    u8,         ///< u8 asymmetric everywhere (ONNX Runtime's quantize_static form)
  } activations = Activations::automatic;
  bool per_channel = false;            ///< per-output-channel weight scales
  int weight_levels = 127;  ///< weights in [-levels, levels]: 127 (8 bits) or 63 (7 bits)
  std::set<std::string> keep_float;    ///< Conv/Gemm nodes (by name) that stay in float
  /// Mean of each input channel of a value (by name), for bias correction; empty = none.
  std::function<std::vector<double>(const std::string&)> channel_means;
  /// Re-rounds a layer's weights (by node name) in place, scales unchanged, from its float
  /// weights: GPTQ (compiler/gptq.h). Returns false where it has nothing better than nearest.
  std::function<bool(const std::string& node, const std::vector<float>& w, const WeightLayout&,
                     WeightQuant&)>
      round_weights;
};

struct Int8Report {
  struct Activation {
    std::string name;
    float scale, lo, hi;
    bool shared;  ///< scale widened to a group (concat / max-pool / copy)
    DType type;   ///< s8 or u8
    int32_t zero_point;
  };
  struct Layer {
    std::string name, op;
    float weight_scale_min, weight_scale_max;
    int bias_saturated;  ///< biases that did not fit int32
    int scales_widened;  ///< weight scales raised so that the bias fits int32
    bool bias_corrected; ///< bias shifted by the mean error of the quantized weights
    bool gptq = false;   ///< weights rounded by GPTQ (else to nearest)
  };
  std::vector<Activation> activations;
  std::vector<Layer> layers;
};

/// Returns false when nothing could be quantized (no Conv/Gemm with calibrated inputs).
bool run_quantize_int8(Graph& g, const Int8Options& options, Int8Report* report);

}  // namespace qcc

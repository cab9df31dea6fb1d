// FP32 -> symmetric INT8 (QDQ form) rewrite; see quantize_int8.cpp.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qcc {

struct ActivationRange {
  float lo = 0, hi = 0;
};

struct Int8Options {
  std::map<std::string, ActivationRange> ranges;  ///< calibrated min/max per value name
  bool per_channel = false;                       ///< per-output-channel weight scales
  bool float_gemm = false;                        ///< keep Gemm (the classifier) in FP32
};

struct Int8Report {
  struct Activation {
    std::string name;
    float scale, lo, hi;
    bool shared;  ///< scale widened to a group (concat / max-pool / copy)
  };
  struct Layer {
    std::string name, op;
    float weight_scale_min, weight_scale_max;
    int bias_saturated;  ///< biases that did not fit int32
    int scales_widened;  ///< weight scales raised so that the bias fits int32
  };
  std::vector<Activation> activations;
  std::vector<Layer> layers;
};

/// Returns false when nothing could be quantized (no Conv/Gemm with calibrated inputs).
bool run_quantize_int8(Graph& g, const Int8Options& options, Int8Report* report);

}  // namespace qcc

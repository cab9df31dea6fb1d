// Quantization arithmetic as pure functions (symmetric int8, zero point 0).
#pragma once

#include <cstdint>
#include <vector>

namespace qcc {

/// Scale that maps [-m, m] onto [-levels, levels] (127 for int8), m = max(|lo|, |hi|); a tiny
/// positive scale for an all-zero range so dequantization stays finite.
float symmetric_scale(float lo, float hi, int levels = 127);

/// Scale and zero point mapping [lo, hi] (widened to include 0) onto u8 0..255 with 0 exact.
std::pair<float, int32_t> asymmetric_u8(float lo, float hi);

/// round-half-to-even(x / scale) saturated to [-levels, levels] (symmetric int8 never uses -128).
int8_t quantize_symmetric(float x, float scale, int levels = 127);

/// Bias in int32 units of s_x * s_w, saturated; sets *saturated when it did not fit (tiny weight
/// scales can push large biases past int32, a known source of wrong INT8 results).
int32_t quantize_bias(float b, float scale, bool* saturated);

/// Smallest weight scale s_w for which bias `b` of a layer with input scale `sx` fits int32 as
/// b / (sx * s_w) with half the range to spare for the accumulated products. Tiny weights next to
/// a large bias would otherwise saturate it, and the layer would answer nonsense.
float bias_scale_floor(float b, float sx);

struct WeightQuant {
  std::vector<int8_t> q;
  std::vector<float> scale;  ///< one per tensor, or one per output channel
  int widened = 0;           ///< scales raised to their floor
};

/// Symmetric quantization of a weight tensor laid out [channels][per_channel], per tensor or per
/// output channel, onto [-levels, levels] (127: 8 bits, 63: 7 bits). `floor` (one per scale, or
/// empty) is a lower bound on each scale.
WeightQuant quantize_weights(const std::vector<float>& w, int64_t channels, bool per_channel,
                             const std::vector<float>& floor = {}, int levels = 127);

/// How a weight tensor's elements map to (output channel, input channel).
struct WeightLayout {
  int64_t outputs = 0;  ///< output channels
  int64_t inputs = 0;   ///< input channels
  int64_t taps = 1;     ///< kernel positions per (output, input) pair: kh * kw, 1 for Gemm
  bool outputs_major = true;  ///< [outputs][inputs][taps] (Conv, Gemm transB); else [inputs][outputs]
};

/// The mean output error the quantized weights cause when the inputs have per-channel means
/// `means` (one per input channel): (W_q - W) E[x] per output channel. Subtracting it from the
/// bias is bias correction (Nagel et al., "Data-Free Quantization", 2019); padding is ignored.
std::vector<double> expected_output_error(const std::vector<float>& w, const WeightQuant& wq, const WeightLayout& l,
                                          const std::vector<double>& means);

}  // namespace qcc

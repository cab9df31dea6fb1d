#include "passes/quant_math.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ir/saturate.h"

namespace qcc {

float symmetric_scale(float lo, float hi, int levels) {
  float m = std::max(std::fabs(lo), std::fabs(hi));
  if (!(m > 0) || !std::isfinite(m)) return m > 0 ? m / static_cast<float>(levels) : 1e-8f;
  return m / static_cast<float>(levels);
}

std::pair<float, int32_t> asymmetric_u8(float lo, float hi) {
  lo = std::min(lo, 0.f), hi = std::max(hi, 0.f);
  if (!(hi > lo) || !std::isfinite(hi - lo)) return {hi > lo ? (hi - lo) / 255.f : 1e-8f, 0};
  const float scale = (hi - lo) / 255.f;
  return {scale, static_cast<int32_t>(std::clamp(std::nearbyint(-lo / scale), 0.f, 255.f))};
}

int8_t quantize_symmetric(float x, float scale, int levels) {
  float q = std::nearbyint(x / scale);
  const float l = static_cast<float>(levels);
  return saturate_cast<int8_t>(std::clamp(q, -l, l));
}

int32_t quantize_bias(float b, float scale, bool* saturated) {
  double q = std::nearbyint(static_cast<double>(b) / scale);
  constexpr double lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  if (!(q >= lo && q <= hi) && saturated) *saturated = true;
  return saturate_cast<int32_t>(q);
}

float bias_scale_floor(float b, float sx) {
  constexpr double kBiasRange = double{1 << 30};
  return static_cast<float>(std::fabs(static_cast<double>(b)) / (static_cast<double>(sx) * kBiasRange));
}

WeightQuant quantize_weights(const std::vector<float>& w, int64_t channels, bool per_channel,
                             const std::vector<float>& floor, int levels) {
  WeightQuant r;
  const int64_t per = static_cast<int64_t>(w.size()) / channels;
  const int64_t groups = per_channel ? channels : 1, group_size = per_channel ? per : static_cast<int64_t>(w.size());
  r.q.resize(w.size());
  for (int64_t g = 0; g < groups; ++g) {
    auto first = w.begin() + g * group_size, last = first + group_size;
    auto [mn, mx] = std::minmax_element(first, last);
    float s = symmetric_scale(*mn, *mx, levels);
    if (!floor.empty() && floor[g] > s) {
      s = floor[g];
      ++r.widened;
    }
    r.scale.push_back(s);
    for (int64_t i = 0; i < group_size; ++i)
      r.q[g * group_size + i] = quantize_symmetric(w[g * group_size + i], s, levels);
  }
  return r;
}

std::vector<double> expected_output_error(const std::vector<float>& w, const WeightQuant& wq, const WeightLayout& l,
                                          const std::vector<double>& means) {
  std::vector<double> err(l.outputs, 0.0);
  const int64_t per_output = l.inputs * l.taps;
  for (int64_t i = 0; i < static_cast<int64_t>(w.size()); ++i) {
    const int64_t out = l.outputs_major ? i / per_output : i % l.outputs;
    const int64_t in = l.outputs_major ? (i / l.taps) % l.inputs : i / l.outputs;
    const float scale = wq.scale[wq.scale.size() == 1 ? 0 : out];
    err[out] += (static_cast<double>(wq.q[i]) * scale - w[i]) * means[in];
  }
  return err;
}

}  // namespace qcc

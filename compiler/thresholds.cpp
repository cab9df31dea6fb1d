// Threshold searches over the |x| histogram (bins of width w; bin b holds [b w, (b+1) w)).
// Candidate thresholds are bin edges; every search returns at most the observed max |x|.
#include "compiler/thresholds.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace qcc {

std::optional<CalibSpec> CalibSpec::parse(const std::string& text) {
  CalibSpec s;
  if (text == "minmax") s.method = CalibMethod::minmax;
  else if (text == "minmax-avg") s.method = CalibMethod::minmax_avg;
  else if (text == "entropy") s.method = CalibMethod::entropy;
  else if (text == "mse") s.method = CalibMethod::mse;
  else if (text == "percentile") s.method = CalibMethod::percentile;
  else if (text.rfind("percentile:", 0) == 0) {
    s.method = CalibMethod::percentile;
    const std::string num = text.substr(11);
    char* end = nullptr;
    s.percentile = std::strtod(num.c_str(), &end);
    if (num.empty() || *end || !(s.percentile > 0 && s.percentile <= 100)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return s;
}

std::string CalibSpec::str() const {
  switch (method) {
    case CalibMethod::minmax: return "minmax";
    case CalibMethod::minmax_avg: return "minmax-avg";
    case CalibMethod::entropy: return "entropy";
    case CalibMethod::mse: return "mse";
    case CalibMethod::percentile: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "percentile:%g", percentile);
      return buf;
    }
  }
  return "?";
}

namespace {

constexpr int kBins = AbsHistogram::kBins;

float percentile_threshold(const AbsHistogram& h, double pct) {
  const double target = pct / 100.0 * static_cast<double>(h.zeros + h.nonzero());
  double seen = static_cast<double>(h.zeros);
  for (int b = 0; b < kBins; ++b) {
    seen += static_cast<double>(h.counts[b]);
    if (seen >= target) return (b + 1) * h.width;
  }
  return h.range();
}

// Integral over [0, x] of the squared rounding error to a grid of step d.
double rounding_error_integral(double x, double d) {
  const double periods = std::floor(x / d), r = x - periods * d, half = d / 2;
  const double part = r <= half ? r * r * r / 3 : d * d * d / 24 + (std::pow(r - d, 3) + d * d * d / 8) / 3;
  return periods * d * d * d / 12 + part;
}

// Expected squared error when every bin's mass is spread uniformly over the bin and values are
// clipped at t = i w and rounded to a grid of step t / levels.
double expected_mse(const AbsHistogram& h, int i, int levels) {
  const double w = h.width, t = i * w, d = t / levels;
  double err = 0;
  for (int b = 0; b < kBins; ++b) {
    if (!h.counts[b]) continue;
    const double lo = b * w, hi = lo + w;
    const double e = b < i ? (rounding_error_integral(hi, d) - rounding_error_integral(lo, d)) / w
                           : (std::pow(hi - t, 3) - std::pow(lo - t, 3)) / (3 * w);
    err += static_cast<double>(h.counts[b]) * e;
  }
  return err;
}

float mse_threshold(const AbsHistogram& h, int levels) {
  int best = kBins;
  double best_err = std::numeric_limits<double>::infinity();
  for (int i = 1; i <= kBins; ++i) {
    double e = expected_mse(h, i, levels);
    if (e < best_err) best_err = e, best = i;
  }
  return best * h.width;
}

// Moves a little mass onto the empty bins so KL(p || q) stays finite (MXNet/TensorRT style).
void smooth(std::vector<double>& p) {
  constexpr double eps = 1e-4;
  size_t zeros = std::count(p.begin(), p.end(), 0.0), nonzeros = p.size() - zeros;
  if (!zeros || !nonzeros) return;
  const double take = eps * static_cast<double>(zeros) / static_cast<double>(nonzeros);
  for (double& x : p) x = x == 0 ? eps : x - take;
}

double kl_divergence(std::vector<double> p, std::vector<double> q) {
  auto normalize = [](std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    if (s > 0)
      for (double& x : v) x /= s;
  };
  normalize(p);
  normalize(q);
  smooth(p);
  smooth(q);
  double kl = 0;
  for (size_t k = 0; k < p.size(); ++k)
    if (p[k] > 0 && q[k] > 0) kl += p[k] * std::log(p[k] / q[k]);
  return kl;
}

// KL(P || Q) for clipping at i bins: P = the first i bins with the tail folded into the last;
// Q = those i bins merged into `levels` groups, each group's mass spread over its non-empty bins.
double clip_divergence(const AbsHistogram& h, int i, int levels, int64_t tail) {
  std::vector<double> p(h.counts.begin(), h.counts.begin() + i), q(i, 0.0);
  p[i - 1] += static_cast<double>(tail);
  for (int j = 0; j < levels; ++j) {
    const int start = static_cast<int>(static_cast<int64_t>(j) * i / levels);
    const int stop = static_cast<int>(static_cast<int64_t>(j + 1) * i / levels);
    double mass = 0;
    int filled = 0;
    for (int k = start; k < stop; ++k) {
      mass += static_cast<double>(h.counts[k]);
      filled += p[k] != 0;
    }
    for (int k = start; k < stop && filled; ++k)
      if (p[k] != 0) q[k] = mass / filled;
  }
  return kl_divergence(std::move(p), std::move(q));
}

float entropy_threshold(const AbsHistogram& h, int levels) {
  if (kBins <= levels) return h.range();
  int64_t tail = 0;  // mass beyond the candidate threshold
  for (int b = levels; b < kBins; ++b) tail += h.counts[b];
  int best = kBins;
  double best_kl = std::numeric_limits<double>::infinity();
  for (int i = levels; i <= kBins; ++i) {
    double kl = clip_divergence(h, i, levels, tail);
    if (kl < best_kl) best_kl = kl, best = i;
    if (i < kBins) tail -= h.counts[i];
  }
  return best * h.width;
}

}  // namespace

float clip_threshold(const ValueStats& s, const CalibSpec& spec, int levels) {
  const float max_abs = std::max(std::fabs(s.min), std::fabs(s.max));
  const AbsHistogram& h = s.hist;
  if (spec.method == CalibMethod::minmax || h.width == 0) return max_abs;
  float t = max_abs;
  switch (spec.method) {
    case CalibMethod::minmax_avg: {
      const double n = std::max<int64_t>(s.batches, 1);
      t = static_cast<float>(std::max(std::fabs(s.batch_min_sum / n), std::fabs(s.batch_max_sum / n)));
      break;
    }
    case CalibMethod::percentile: t = percentile_threshold(h, spec.percentile); break;
    case CalibMethod::entropy: t = entropy_threshold(h, levels); break;
    case CalibMethod::mse: t = mse_threshold(h, levels); break;
    case CalibMethod::minmax: break;
  }
  return std::min(t, max_abs);
}

}  // namespace qcc

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

double cube(double x) {
  return x * x * x;
}

// Integral over [0, periods + r) of the squared rounding error to the integer grid (0 <= r < 1).
double unit_rounding_integral(double periods, double r) {
  return periods / 12 + (r <= 0.5 ? cube(r) / 3 : 1.0 / 24 + (cube(r - 1) + 1.0 / 8) / 3);
}

// Expected squared rounding error of the mass in bins [0, i) (each bin's mass spread uniformly
// over it) on a grid of step d. In grid units bin edges are q = w / d apart, so the integral at
// each edge follows from the previous one by stepping its fractional part (no division or floor
// per bin: this loop is the whole cost of the mse search).
double rounding_mse(const AbsHistogram& h, int i, double d) {
  const double w = h.width, q = w / d, q_whole = std::floor(q), q_frac = q - q_whole;
  double err = 0, periods = 0, r = 0, below = 0;  // below = integral up to the bin's low edge
  for (int b = 0; b < i; ++b) {
    periods += q_whole, r += q_frac;
    if (r >= 1) r -= 1, periods += 1;
    const double above = unit_rounding_integral(periods, r);
    if (h.counts[b]) err += static_cast<double>(h.counts[b]) * (above - below);
    below = above;
  }
  return err * cube(d) / w;
}

// Squared clipping error of the mass at or above bin i for the threshold i w, in O(1) from
// suffix sums: a bin k bins above the threshold, spread uniformly, costs w^2 (k^2 + k + 1/3) per
// element; expanded in b = i + k that needs only the sums of c_b, c_b b and c_b b^2 over b >= i.
class ClipMse {
 public:
  explicit ClipMse(const AbsHistogram& h)
      : w2_(double(h.width) * h.width), s0_(kBins + 1), s1_(kBins + 1), s2_(kBins + 1) {
    for (int b = kBins - 1; b >= 0; --b) {
      const double c = static_cast<double>(h.counts[b]);
      s0_[b] = s0_[b + 1] + c, s1_[b] = s1_[b + 1] + c * b, s2_[b] = s2_[b + 1] + c * b * b;
    }
  }
  double at(int i) const {
    const double s0 = s0_[i], s1 = s1_[i], s2 = s2_[i];
    return w2_ * std::max(0.0, s2 - 2.0 * i * s1 + double(i) * i * s0 + s1 - i * s0 + s0 / 3);
  }

 private:
  double w2_;
  std::vector<double> s0_, s1_, s2_;
};

// The threshold (a bin edge i w) minimising clipping + rounding error on a grid of step t / levels.
// Clipping error only grows as the threshold comes down, so the search runs downwards and stops
// once clipping alone costs more than the best total found: exact, and it skips the O(i) rounding
// sums of every lower candidate. Ties go to the smaller threshold.
float mse_threshold(const AbsHistogram& h, int levels) {
  const ClipMse clip(h);
  int best = kBins;
  double best_err = std::numeric_limits<double>::infinity();
  for (int i = kBins; i >= 1; --i) {
    const double clipped = clip.at(i);
    if (clipped > best_err) break;
    const double e = clipped + rounding_mse(h, i, i * double(h.width) / levels);
    if (e <= best_err) best_err = e, best = i;
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

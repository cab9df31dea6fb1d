#include "compiler/mixed_precision.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "runtime/session.h"

namespace qcc {

bool HeldOut::labeled() const {
  for (const auto& b : labels)
    for (int l : b)
      if (l < 0) return false;
  return !labels.empty();
}

int64_t HeldOut::rows() const {
  int64_t n = 0;
  for (const Tensor& b : batches) n += b.shape()[0];
  return n;
}

namespace {

std::vector<Tensor> run_all(const Graph& g, const HeldOut& h, int threads) {
  Session s(g.clone(), threads);
  std::vector<Tensor> out;
  for (const Tensor& b : h.batches) out.push_back(s.run({b}).at(0));
  return out;
}

int64_t argmax_row(const Tensor& t, int64_t row) {
  const int64_t cols = t.shape().back();
  const float* p = t.data<float>() + row * cols;
  return std::max_element(p, p + cols) - p;
}

struct Score {
  double sqnr_db = 0, flips_pct = 0, top1_pct = 0;
  double drop_stderr_pct = 0;  ///< of top-1 drop (labeled) or of flips (unlabeled)
};

// Standard error of a mean of n values whose sum is s and sum of squares s2, in percent.
double stderr_pct(double s, double s2, int64_t n) {
  if (n < 2) return 0;
  const double mean = s / n;
  return 100.0 * std::sqrt(std::max(0.0, s2 / n - mean * mean) / n);
}

Score score(const std::vector<Tensor>& ref, const std::vector<Tensor>& got, const HeldOut& h) {
  double sig = 0, noise = 0;
  int64_t flips = 0, correct = 0, rows = 0, lost = 0, gained = 0;
  for (size_t b = 0; b < ref.size(); ++b) {
    for (int64_t i = 0; i < ref[b].numel(); ++i) {
      const double x = ref[b].data<float>()[i], e = got[b].data<float>()[i] - x;
      sig += x * x, noise += e * e;
    }
    for (int64_t r = 0; r < ref[b].shape()[0]; ++r, ++rows) {
      const int64_t top = argmax_row(got[b], r), ref_top = argmax_row(ref[b], r);
      const int label = h.labels.size() > b ? h.labels[b][r] : -1;
      flips += top != ref_top;
      correct += top == label;
      lost += ref_top == label && top != label;
      gained += ref_top != label && top == label;
    }
  }
  const int64_t n = std::max<int64_t>(rows, 1);
  // The drop is a mean of paired differences (FP32 right, INT8 wrong: +1; the reverse: -1).
  const double se = h.labeled() ? stderr_pct(double(lost - gained), double(lost + gained), rows)
                                : stderr_pct(double(flips), double(flips), rows);
  return {noise > 0 ? 10 * std::log10(sig / noise) : 999.0, 100.0 * flips / n, 100.0 * correct / n,
          se};
}

Graph quantized(const Graph& fp32, const CalibrationProfile& p, const Int8CompileOptions& o, Int8Report* report) {
  Graph g = fp32.clone();
  Int8Report r = quantize_from_profile(g, p, o);
  if (report) *report = std::move(r);
  return g;
}

}  // namespace

MixedPrecisionResult choose_float_layers(const Graph& fp32, const CalibrationProfile& profile,
                                         const Int8CompileOptions& base, const HeldOut& held_out,
                                         const MixedPrecisionOptions& options,
                                         const std::function<void(const std::string&)>& progress) {
  MixedPrecisionResult r;
  r.labeled = held_out.labeled();
  const std::vector<Tensor> ref = run_all(fp32, held_out, options.threads);
  if (r.labeled) r.fp32_top1_pct = score(ref, ref, held_out).top1_pct;
  Int8Report full;
  quantized(fp32, profile, base, &full);
  std::set<std::string> all;
  for (const auto& l : full.layers) all.insert(l.name);

  // Sensitivity: every other layer kept in float, on the first batches.
  HeldOut first;
  for (size_t b = 0; b < held_out.batches.size() && first.rows() < options.ranking_rows; ++b) {
    first.batches.push_back(held_out.batches[b]);
    first.labels.push_back(held_out.labels[b]);
  }
  const std::vector<Tensor> first_ref(ref.begin(), ref.begin() + static_cast<int64_t>(first.batches.size()));
  for (const auto& l : full.layers) {
    Int8CompileOptions o = base;
    for (const std::string& other : all)
      if (other != l.name) o.keep_float.insert(other);
    Score s = score(first_ref, run_all(quantized(fp32, profile, o, nullptr), first, options.threads), first);
    r.ranking.push_back({l.name, l.op, s.sqnr_db, s.flips_pct});
    progress("sensitivity " + std::to_string(r.ranking.size()) + "/" + std::to_string(full.layers.size()) + ": " +
             l.name);
  }
  // Most answers changed first; among equals (often none on few images), lowest output SQNR. (SQNR
  // alone misses a layer whose error hides under a large term common to every class.)
  std::stable_sort(r.ranking.begin(), r.ranking.end(), [](const LayerSensitivity& a, const LayerSensitivity& b) {
    if (a.flips_pct != b.flips_pct) return a.flips_pct > b.flips_pct;
    return a.output_sqnr_db < b.output_sqnr_db;
  });

  // Keep the k most sensitive in float for k = 0, 1, 2, ... until the budget is met.
  const int last = options.keep_float >= 0 ? std::min<int>(options.keep_float, static_cast<int>(r.ranking.size()))
                                           : static_cast<int>(r.ranking.size());
  for (int k = options.keep_float >= 0 ? last : 0; k <= last; ++k) {
    Int8CompileOptions o = base;
    for (int i = 0; i < k; ++i) o.keep_float.insert(r.ranking[i].node);
    Score s = score(ref, run_all(quantized(fp32, profile, o, nullptr), held_out, options.threads), held_out);
    MixedTrial t{k, r.labeled ? r.fp32_top1_pct - s.top1_pct : s.flips_pct, s.flips_pct,
                 s.drop_stderr_pct};
    r.trials.push_back(t);
    progress("keeping " + std::to_string(k) + " layers in float: estimated drop " +
             std::to_string(t.drop_pct) + " +- " + std::to_string(t.drop_stderr_pct) + " points, " +
             std::to_string(t.flips_pct) + "% flips");
    if (options.keep_float < 0 && t.drop_pct <= options.max_drop_pct) break;
  }
  for (int i = 0; i < r.trials.back().kept; ++i) r.keep_float.push_back(r.ranking[i].node);
  return r;
}

}  // namespace qcc

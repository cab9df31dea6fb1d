#include "runtime/calibrate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include "runtime/batch_loader.h"

namespace qcc {

namespace {

// Min and max of a float value's elements (rows of its last dimension, possibly strided).
ActivationRange minmax(const Bound& b) {
  const int64_t cols = b.shape.empty() ? 1 : b.shape.back();
  const int64_t rows = cols ? b.numel() / cols : 0;
  const float* base = b.as<float>();
  constexpr float inf = std::numeric_limits<float>::infinity();
  return tbb::parallel_reduce(
      tbb::blocked_range<int64_t>(0, rows, 64), ActivationRange{inf, -inf},
      [&](const tbb::blocked_range<int64_t>& r, ActivationRange acc) {
        for (int64_t i = r.begin(); i < r.end(); ++i) {
          const float* row = base + i * b.pixel_stride;
          for (int64_t j = 0; j < cols; ++j) {
            acc.lo = std::min(acc.lo, row[j]);
            acc.hi = std::max(acc.hi, row[j]);
          }
        }
        return acc;
      },
      [](ActivationRange a, ActivationRange c) { return ActivationRange{std::min(a.lo, c.lo), std::max(a.hi, c.hi)}; });
}

void merge(std::map<std::string, ActivationRange>& ranges, const std::string& name, ActivationRange r) {
  auto [it, fresh] = ranges.emplace(name, r);
  if (!fresh) it->second = {std::min(it->second.lo, r.lo), std::max(it->second.hi, r.hi)};
}

}  // namespace

std::map<std::string, ActivationRange> observe_ranges(Session& session, const Tensor& batch) {
  std::map<std::string, ActivationRange> ranges;
  Plan& plan = session.plan_for({batch.shape()});
  plan.set_observer([&](const Value& v, const Bound& b) {
    if (v.dtype == DType::f32 && b.numel() > 0) merge(ranges, v.name, minmax(b));
  });
  session.arena().execute([&] {
    Bound in{const_cast<uint8_t*>(batch.raw()), DType::f32, batch.shape(), batch.shape().back()};
    merge(ranges, session.graph().inputs.at(0)->name, minmax(in));
  });
  session.run({batch});
  plan.set_observer(nullptr);
  return ranges;
}

CalibrationResult calibrate(const Graph& optimized, const std::vector<std::string>& images, int batch,
                            int threads, const std::function<void(int64_t)>& progress) {
  CalibrationResult result;
  Session session(optimized.clone(), threads, /*optimize=*/false);
  if (session.graph().inputs.size() != 1) throw std::runtime_error("calibration needs a model with one image input");
  std::map<std::string, ActivationRange> sums;
  int64_t batches = 0;
  session.arena().execute([&] {
    for_each_batch(images, batch, Preprocess{}, 2, [&](Batch& b) {
      for (auto& [i, why] : b.failed) result.skipped.push_back(images[i] + ": " + why);
      if (!b.indices.empty()) {
        for (auto& [name, r] : observe_ranges(session, b.input)) {
          merge(result.ranges, name, r);
          ActivationRange& sum = sums[name];
          sum.lo += r.lo;
          sum.hi += r.hi;
        }
        ++batches;
        result.images += static_cast<int64_t>(b.indices.size());
      }
      progress(result.images + static_cast<int64_t>(result.skipped.size()));
    });
  });
  for (auto& [name, sum] : sums) result.mean_ranges[name] = {sum.lo / batches, sum.hi / batches};
  return result;
}

namespace {

// Rows of a (possibly strided) value as float, dequantizing int8 with its scale.
std::vector<float> dense_floats(const Value& v, const Bound& b) {
  const int64_t cols = b.shape.empty() ? 1 : b.shape.back(), rows = cols ? b.numel() / cols : 0;
  std::vector<float> out(b.numel());
  const float scale = v.quant ? v.quant->scale[0] : 1.f;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = v.dtype == DType::s8 ? scale * b.as<int8_t>()[r * b.pixel_stride + c]
                                               : b.as<float>()[r * b.pixel_stride + c];
  return out;
}

}  // namespace

std::map<std::string, LayerError> layer_errors(const Graph& fp32, const Graph& int8,
                                               const std::vector<std::string>& images, int threads) {
  Session ref(fp32.clone(), threads, /*optimize=*/false), q(int8.clone(), threads);
  struct Sums {
    double signal = 0, noise = 0;
    int64_t clipped = 0, count = 0;
  };
  std::map<std::string, Sums> sums;
  for_each_batch(images, 4, Preprocess{}, 1, [&](Batch& b) {
    if (b.indices.empty()) return;
    std::map<std::string, std::vector<float>> want;
    ref.plan_for({b.input.shape()}).set_observer([&](const Value& v, const Bound& bd) {
      if (v.dtype == DType::f32) want[v.name] = dense_floats(v, bd);
    });
    ref.run({b.input});
    q.plan_for({b.input.shape()}).set_observer([&](const Value& v, const Bound& bd) {
      const std::string suffix = "_q";
      if (v.dtype != DType::s8 || v.name.size() < 3 || v.name.compare(v.name.size() - 2, 2, suffix)) return;
      auto it = want.find(v.name.substr(0, v.name.size() - 2));
      if (it == want.end() || it->second.size() != static_cast<size_t>(bd.numel())) return;
      std::vector<float> got = dense_floats(v, bd);
      const double limit = 127.5 * v.quant->scale[0];
      Sums& acc = sums[it->first];
      for (size_t i = 0; i < got.size(); ++i) {
        double x = it->second[i], e = got[i] - x;
        acc.signal += x * x;
        acc.noise += e * e;
        acc.clipped += std::fabs(x) > limit;
      }
      acc.count += static_cast<int64_t>(got.size());
    });
    q.run({b.input});
  });
  std::map<std::string, LayerError> out;
  for (auto& [name, a] : sums)
    out[name] = {a.noise > 0 ? 10 * std::log10(a.signal / a.noise) : 999.0, 100.0 * a.clipped / std::max<int64_t>(a.count, 1)};
  return out;
}

}  // namespace qcc

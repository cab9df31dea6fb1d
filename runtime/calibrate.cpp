#include "runtime/calibrate.h"

#include <algorithm>
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

void observe_ranges(Session& session, const Tensor& batch, std::map<std::string, ActivationRange>& ranges) {
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
}

CalibrationResult calibrate(const Graph& optimized, const std::vector<std::string>& images, int batch,
                            int threads, const std::function<void(int64_t)>& progress) {
  CalibrationResult result;
  Session session(optimized.clone(), threads, /*optimize=*/false);
  if (session.graph().inputs.size() != 1) throw std::runtime_error("calibration needs a model with one image input");
  session.arena().execute([&] {
    for_each_batch(images, batch, Preprocess{}, 2, [&](Batch& b) {
      for (auto& [i, why] : b.failed) result.skipped.push_back(images[i] + ": " + why);
      if (!b.indices.empty()) {
        observe_ranges(session, b.input, result.ranges);
        result.images += static_cast<int64_t>(b.indices.size());
      }
      progress(result.images + static_cast<int64_t>(result.skipped.size()));
    });
  });
  return result;
}

}  // namespace qcc

#include "compiler/calibrate.h"

#include <set>
#include <stdexcept>

#include "ir/stats.h"
#include "runtime/batch_loader.h"

namespace qcc {

namespace {

void observe(CalibrationProfile& p, const std::string& name, const Bound& b, bool channels) {
  const int64_t cols = b.shape.empty() ? 1 : b.shape.back();
  const int64_t rows = cols ? b.numel() / cols : 0;
  p.values[name].add_batch(b.as<float>(), rows, cols, b.pixel_stride, channels);
}

// Values the plan's Conv/Gemm nodes read: channels innermost (NHWC, or [rows, K]).
std::set<const Value*> layer_inputs(const Graph& g) {
  std::set<const Value*> out;
  for (const auto& n : g.nodes())
    if ((n->op == Op::Conv || n->op == Op::Gemm) && n->in(0)) out.insert(n->in(0));
  return out;
}

}  // namespace

void observe_batch(Session& session, const Tensor& batch, CalibrationProfile& profile) {
  Plan& plan = session.plan_for({batch.shape()});
  const std::set<const Value*> channels = layer_inputs(plan.graph());
  plan.set_observer([&](const Value& v, const Bound& b) {
    if (v.dtype == DType::f32 && b.numel() > 0) observe(profile, v.name, b, channels.count(&v) != 0);
  });
  session.run({batch});
  plan.set_observer(nullptr);
}

CalibrationProfile calibrate(const Graph& optimized, const std::vector<std::string>& images, int batch,
                             int threads, const Preprocess& pre, const std::function<void(int64_t)>& progress) {
  CalibrationProfile profile;
  profile.fingerprint = graph_fingerprint(optimized);
  Session session(optimized.clone(), threads, /*optimize=*/false);
  if (session.graph().inputs.size() != 1) throw std::runtime_error("calibration needs a model with one image input");
  session.arena().execute([&] {
    for_each_batch(images, batch, pre, 2, [&](Batch& b) {
      for (auto& [i, why] : b.failed) profile.skipped.push_back(images[i] + ": " + why);
      if (!b.indices.empty()) {
        observe_batch(session, b.input, profile);
        profile.images += static_cast<int64_t>(b.indices.size());
      }
      progress(profile.images + static_cast<int64_t>(profile.skipped.size()));
    });
  });
  return profile;
}

}  // namespace qcc

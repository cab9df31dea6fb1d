#include "compiler/calibrate.h"

#include <set>
#include <stdexcept>

#include "ir/stats.h"
#include "runtime/batch_loader.h"

namespace qcc {

namespace {

// Channel statistics are kept for the inputs of layers (bias correction reads them): NHWC or
// [rows, K] values inside the plan, NCHW graph inputs.
enum class Channels { none, last, nchw };

void observe(CalibrationProfile& p, const std::string& name, const Bound& b, Channels channels) {
  const int64_t cols = b.shape.empty() ? 1 : b.shape.back();
  const int64_t rows = cols ? b.numel() / cols : 0;
  ValueStats& s = p.values[name];
  s.add_batch(b.as<float>(), rows, cols, b.pixel_stride);
  if (channels == Channels::last) s.add_channel_sums(channel_sums_last(b.as<float>(), rows, cols, b.pixel_stride), rows);
  if (channels == Channels::nchw && b.shape.size() == 4 && b.dense()) {
    const int64_t pixels = b.shape[2] * b.shape[3];
    s.add_channel_sums(channel_sums_nchw(b.as<float>(), b.shape[0], b.shape[1], pixels), b.shape[0] * pixels);
  }
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
  const std::set<const Value*> layers = layer_inputs(plan.graph());
  const std::set<const Value*> inputs(plan.graph().inputs.begin(), plan.graph().inputs.end());
  plan.set_observer([&](const Value& v, const Bound& b) {
    if (v.dtype != DType::f32 || b.numel() == 0) return;
    observe(profile, v.name, b, layers.count(&v) ? Channels::last : inputs.count(&v) ? Channels::nchw : Channels::none);
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

#include "compiler/input_moments.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <stdexcept>

#include "compiler/dot.h"
#include "runtime/batch_loader.h"

namespace qcc {

namespace {

// `take` of `total` indices spread evenly (all of them when take >= total).
std::vector<int64_t> spread(int64_t total, int64_t take) {
  std::vector<int64_t> out;
  if (take >= total) {
    for (int64_t i = 0; i < total; ++i) out.push_back(i);
  } else {
    for (int64_t i = 0; i < take; ++i) out.push_back((2 * i + 1) * total / (2 * take));
  }
  return out;
}

}  // namespace

InputMomentsCollector::InputMomentsCollector(const Graph& optimized, int64_t positions, int threads)
    : positions_(std::max<int64_t>(positions, 1)),
      session_(optimized.clone(), threads, /*optimize=*/false) {
  for (const auto& n : optimized.nodes()) {
    const Value* x = n->in(0);
    const Value* w = n->in(1);
    if (!x || !w || !w->is_constant()) continue;
    Window win;
    if (n->op == Op::Conv && n->attrs.i("group", 1) == 1 && w->shape.size() == 4) {
      const auto s = n->attrs.ints("strides", {1, 1}), d = n->attrs.ints("dilations", {1, 1});
      const auto p = n->attrs.ints("pads", {0, 0, 0, 0});
      if (s.size() != 2 || d.size() != 2 || p.size() != 4) continue;
      win = {w->shape[1], w->shape[2], w->shape[3], s[0], s[1], d[0],
             d[1],        p[0],        p[1],        p[2], p[3], false};
    } else if (n->op == Op::Gemm && n->attrs.i("transB") && !n->attrs.i("transA") &&
               w->shape.size() == 2) {
      win.in_c = w->shape[1];
      win.gemm = true;
    } else {
      continue;
    }
    std::string key = x->name;
    for (int64_t v : {win.in_c, win.k_h, win.k_w, win.stride_h, win.stride_w, win.dil_h, win.dil_w,
                      win.pad_t, win.pad_l, win.pad_b, win.pad_r, static_cast<int64_t>(win.gemm)})
      key.append(":").append(std::to_string(v));
    if (!windows_.count(key)) {
      windows_[key] = win;
      keys_by_value_.emplace(x->name, key);
      sums_[key].size = win.size();
      sums_[key].sum_xxt.assign(win.size() * win.size(), 0.0);
    }
    key_of_layer_[n->name] = key;
  }
}

void InputMomentsCollector::add_batch(const Tensor& batch) {
  Plan& plan = session_.plan_for({batch.shape()});
  const Graph& pg = plan.graph();
  plan.set_observer([&](const Value& v, const Bound& b) {
    if (v.dtype != DType::f32) return;
    const bool nchw = std::find(pg.inputs.begin(), pg.inputs.end(), &v) != pg.inputs.end();
    for (auto [it, end] = keys_by_value_.equal_range(v.name); it != end; ++it)
      add(windows_.at(it->second), sums_.at(it->second), b, nchw);
  });
  session_.arena().execute([&] { session_.run({batch}); });
  plan.set_observer(nullptr);
}

// Gathers the sampled windows of `b` as the columns of a K × n matrix, then adds its products.
void InputMomentsCollector::add(const Window& w, InputMoments& m, const Bound& b, bool nchw) {
  const int64_t k = w.size();
  const float* data = b.as<float>();
  std::vector<float> cols;  // [k][n]
  int64_t n = 0;
  if (w.gemm) {
    if (b.shape.empty() || b.shape.back() != w.in_c) return;
    const int64_t rows = b.numel() / w.in_c;
    n = rows;
    cols.assign(k * n, 0.f);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < k; ++c) cols[c * n + r] = data[r * b.pixel_stride + c];
  } else {
    if (b.shape.size() != 4) return;
    const int64_t batch = b.shape[0];
    const int64_t in_c = nchw ? b.shape[1] : b.shape[3], in_h = nchw ? b.shape[2] : b.shape[1];
    const int64_t in_w = nchw ? b.shape[3] : b.shape[2];
    if (in_c != w.in_c) return;
    const int64_t out_h = (in_h + w.pad_t + w.pad_b - w.dil_h * (w.k_h - 1) - 1) / w.stride_h + 1;
    const int64_t out_w = (in_w + w.pad_l + w.pad_r - w.dil_w * (w.k_w - 1) - 1) / w.stride_w + 1;
    if (out_h <= 0 || out_w <= 0) return;
    const std::vector<int64_t> picked = spread(out_h * out_w, positions_);
    n = batch * static_cast<int64_t>(picked.size());
    cols.assign(k * n, 0.f);
    auto at = [&](int64_t img, int64_t c, int64_t y, int64_t x) {
      return nchw ? data[((img * in_c + c) * in_h + y) * in_w + x]
                  : data[((img * in_h + y) * in_w + x) * b.pixel_stride + c];
    };
    int64_t col = 0;
    for (int64_t img = 0; img < batch; ++img)
      for (int64_t pos : picked) {
        const int64_t oy = pos / out_w, ox = pos % out_w;
        for (int64_t c = 0; c < in_c; ++c)
          for (int64_t ky = 0; ky < w.k_h; ++ky)
            for (int64_t kx = 0; kx < w.k_w; ++kx) {
              const int64_t y = oy * w.stride_h - w.pad_t + ky * w.dil_h,
                            x = ox * w.stride_w - w.pad_l + kx * w.dil_w;
              if (y >= 0 && y < in_h && x >= 0 && x < in_w)
                cols[((c * w.k_h + ky) * w.k_w + kx) * n + col] = at(img, c, y, x);
            }
        ++col;
      }
  }
  // Lower triangle only (rows are independent); take() mirrors it.
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, k, 8),
                    [&](const tbb::blocked_range<int64_t>& r) {
                      for (int64_t i = r.begin(); i < r.end(); ++i)
                        for (int64_t j = 0; j <= i; ++j)
                          m.sum_xxt[i * k + j] += dot(&cols[i * n], &cols[j * n], n);
                    });
  m.samples += n;
}

LayerMoments InputMomentsCollector::take() {
  std::map<std::string, std::shared_ptr<const InputMoments>> shared;
  for (auto& [key, m] : sums_) {
    for (int64_t i = 0; i < m.size; ++i)
      for (int64_t j = i + 1; j < m.size; ++j)
        m.sum_xxt[i * m.size + j] = m.sum_xxt[j * m.size + i];
    shared[key] = std::make_shared<const InputMoments>(std::move(m));
  }
  sums_.clear();
  LayerMoments out;
  for (const auto& [layer, key] : key_of_layer_)
    if (shared.at(key)->samples > 0) out[layer] = shared.at(key);
  return out;
}

bool GptqRounding::round(const std::string& node, const std::vector<float>& w,
                         const WeightLayout& l, int levels, WeightQuant& wq) const {
  auto it = moments_.find(node);
  if (it == moments_.end() || !l.outputs_major || it->second->size != l.inputs * l.taps)
    return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto d = done_.find(node);
    if (d != done_.end() && d->second.scale == wq.scale && d->second.levels == levels) {
      wq.q = d->second.q;
      return true;
    }
  }
  wq.q = gptq_round(w, l.outputs, l.inputs * l.taps, wq.scale, *it->second, levels);
  std::lock_guard<std::mutex> lock(mu_);
  done_[node] = {wq.scale, levels, wq.q};
  return true;
}

LayerMoments collect_input_moments(const Graph& optimized, const std::vector<std::string>& images,
                                   int batch, int threads, const Preprocess& pre, int64_t positions,
                                   const std::function<void(int64_t)>& progress) {
  InputMomentsCollector c(optimized, positions, threads);
  int64_t done = 0;
  for_each_batch(images, batch, pre, 2, [&](Batch& b) {
    if (!b.indices.empty()) c.add_batch(b.input);
    done += static_cast<int64_t>(b.indices.size() + b.failed.size());
    progress(done);
  });
  return c.take();
}

}  // namespace qcc

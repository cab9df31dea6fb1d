#include "compiler/compare_layers.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "runtime/batch_loader.h"
#include "runtime/session.h"

namespace qcc {

namespace {

// Elements of a (possibly strided) value as floats in row order; int8 values dequantized.
std::vector<float> dense_floats(const Value& v, const Bound& b) {
  const int64_t cols = b.shape.empty() ? 1 : b.shape.back(), rows = cols ? b.numel() / cols : 0;
  std::vector<float> out(b.numel());
  const float scale = v.quant ? v.quant->scale[0] : 1.f;
  const int32_t zp = v.quant && !v.quant->zero_point.empty() ? v.quant->zero_point[0] : 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const int64_t i = r * b.pixel_stride + c;
      float x = 0;
      switch (v.dtype) {
        case DType::s8: x = scale * static_cast<float>(b.as<int8_t>()[i] - zp); break;
        case DType::u8: x = scale * static_cast<float>(b.as<uint8_t>()[i] - zp); break;
        default: x = b.as<float>()[i];
      }
      out[r * cols + c] = x;
    }
  return out;
}

bool is_int8(DType t) { return t == DType::s8 || t == DType::u8; }

// The float range a quantized value holds: [(qmin - zp - 0.5) s, (qmax - zp + 0.5) s]; a float
// value (the output of an int8 layer) holds everything.
std::pair<double, double> representable(const Value& v) {
  if (!v.quant) return {-INFINITY, INFINITY};
  const double s = v.quant->scale[0];
  const int zp = v.quant->zero_point.empty() ? 0 : v.quant->zero_point[0];
  const int qmin = v.dtype == DType::u8 ? 0 : -128, qmax = v.dtype == DType::u8 ? 255 : 127;
  return {(qmin - zp - 0.5) * s, (qmax - zp + 0.5) * s};
}

struct Sums {
  double xx = 0, ee = 0, xy = 0, yy = 0;
  int64_t clipped = 0, count = 0;

  void add(const std::vector<float>& ref, const std::vector<float>& got, std::pair<double, double> range) {
    for (size_t i = 0; i < got.size(); ++i) {
      const double x = ref[i], y = got[i];
      xx += x * x, yy += y * y, xy += x * y, ee += (y - x) * (y - x);
      clipped += x < range.first || x > range.second;
    }
    count += static_cast<int64_t>(got.size());
  }
  double sqnr_db() const { return ee > 0 ? 10 * std::log10(xx / ee) : 999.0; }
  double cosine() const { return xx > 0 && yy > 0 ? xy / std::sqrt(xx * yy) : (xx == yy ? 1.0 : 0.0); }
};

int64_t argmax_row(const float* row, int64_t n) { return std::max_element(row, row + n) - row; }

}  // namespace

std::vector<std::pair<std::string, std::string>> quantized_value_sources(const Graph& quantized) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& n : quantized.nodes())
    if (n->op == Op::QuantizeLinear && n->in(0) && n->out(0)) out.push_back({n->out(0)->name, n->in(0)->name});
  return out;
}

BatchSource image_batches(const std::vector<std::string>& images, int batch, const Preprocess& pre,
                          std::vector<std::string>* skipped, std::function<void(int64_t)> progress) {
  return [=](const std::function<void(const Tensor&)>& consume) {
    int64_t done = 0;
    for_each_batch(images, batch, pre, 1, [&](Batch& b) {
      for (auto& [i, why] : b.failed) skipped->push_back(images[i] + ": " + why);
      if (!b.indices.empty()) consume(b.input);
      done += static_cast<int64_t>(b.indices.size() + b.failed.size());
      progress(done);
    });
  };
}

ModelComparison compare_models(const Graph& fp32, const Graph& quantized, const BatchSource& batches, int threads) {
  std::map<std::string, std::string> source;
  std::set<std::string> wanted;
  for (auto& [q, f] : quantized_value_sources(quantized)) {
    source[q] = f;
    wanted.insert(f);
  }
  Session ref(fp32.clone(), threads), q(quantized.clone(), threads);
  // Int8 layers with a float output (the classifier) are compared by their output's own name.
  for (const auto& n : q.graph().nodes())
    if ((n->op == Op::Conv || n->op == Op::Gemm) && n->in(0) && is_int8(n->in(0)->dtype) && n->out(0) &&
        n->out(0)->dtype == DType::f32) {
      source[n->out(0)->name] = n->out(0)->name;
      wanted.insert(n->out(0)->name);
    }
  ModelComparison r;
  std::map<std::string, Sums> sums;  // by quantized value name
  std::set<std::string> mismatched;
  Sums out_sums;
  ref.arena().execute([&] {
    batches([&](const Tensor& input) {
      std::map<std::string, std::vector<float>> want;
      ref.plan_for({input.shape()}).set_observer([&](const Value& v, const Bound& bd) {
        if (v.dtype == DType::f32 && wanted.count(v.name)) want[v.name] = dense_floats(v, bd);
      });
      q.plan_for({input.shape()}).set_observer([&](const Value& v, const Bound& bd) {
        auto s = source.find(v.name);
        if (s == source.end() || (is_int8(v.dtype) && !v.quant)) return;
        auto w = want.find(s->second);
        if (w == want.end() || w->second.size() != static_cast<size_t>(bd.numel())) {
          mismatched.insert(v.name);
          return;
        }
        sums[v.name].add(w->second, dense_floats(v, bd), representable(v));
      });
      Tensor want_out = ref.run({input}).at(0), got_out = q.run({input}).at(0);
      out_sums.add(want_out.to_floats(), got_out.to_floats(), {-INFINITY, INFINITY});
      if (want_out.shape().size() == 2 && got_out.shape() == want_out.shape()) {
        const int64_t rows = want_out.shape()[0], cols = want_out.shape()[1];
        for (int64_t i = 0; i < rows; ++i)
          r.top1_agree += argmax_row(want_out.data<float>() + i * cols, cols) ==
                          argmax_row(got_out.data<float>() + i * cols, cols);
        r.top1_rows += rows;
      }
      r.images += input.shape().empty() ? 1 : input.shape()[0];
    });
  });
  r.output_sqnr_db = out_sums.sqnr_db();
  // Report in the quantized graph's order (inputs first).
  std::vector<const Value*> order(q.graph().inputs.begin(), q.graph().inputs.end());
  for (const auto& n : q.graph().nodes()) order.insert(order.end(), n->outputs.begin(), n->outputs.end());
  for (const Value* v : order) {
    if (!v || !source.count(v->name)) continue;
    auto s = sums.find(v->name);
    if (s == sums.end() || mismatched.count(v->name)) {
      ++r.unmatched;
      continue;
    }
    r.layers.push_back({source[v->name], v->producer ? v->producer->label() : "input", s->second.count,
                        s->second.sqnr_db(), s->second.cosine(), 100.0 * s->second.clipped / std::max<int64_t>(s->second.count, 1)});
  }
  return r;
}

}  // namespace qcc

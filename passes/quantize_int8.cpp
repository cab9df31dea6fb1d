// Rewrites an optimized FP32 graph (NCHW, ReLU fused into convs) to symmetric INT8 in QDQ form:
// the standard ONNX encoding (QuantizeLinear/DequantizeLinear around float ops) that ONNX Runtime
// runs as-is and lower_qdq turns into qcc's integer kernels.
//
// Which values become int8: the data input of every Conv/Gemm, and, walking backwards, the input
// of a pool / concat / copy / ReLU whose output is int8 (so whole Inception blocks stay int8).
// Scales are MinMax: max(|min|, |max|) / 127 from calibration. Values that must share one scale
// for their op to run in int8 without requantizing -- concat inputs and output, max-pool and copy
// input and output -- are unified (union-find) and take the widest range, so concat is free.
// Weights are symmetric int8 (per tensor, or per output channel), biases int32 in units of
// s_x * s_w. A weight scale too small for its bias to fit int32 is widened to fit (reported per
// layer); saturation is then impossible, and still counted.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "passes/quantize_int8.h"
#include "passes/quant_math.h"

namespace qcc {

namespace {

bool is_gemm(const Node& n) { return n.op == Op::Conv || n.op == Op::Gemm; }

// Ops whose data input is int8 exactly when their output is (and that keep the scale).
bool same_scale_op(Op op) {
  switch (op) {
    case Op::MaxPool:
    case Op::Concat:
    case Op::Relu:
    case Op::Flatten:
    case Op::Reshape:
    case Op::Identity:
    case Op::Squeeze:
    case Op::Unsqueeze: return true;
    default: return false;
  }
}
// Ops that run in int8 with their own output scale.
bool requantizing_op(Op op) { return op == Op::AveragePool || op == Op::GlobalAveragePool; }

// Input slots that carry data (not shapes/params) for the ops above.
std::vector<size_t> data_slots(const Node& n) {
  if (n.op == Op::Concat) {
    std::vector<size_t> all(n.inputs.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    return all;
  }
  return {0};
}

class UnionFind {
 public:
  const Value* find(const Value* v) {
    auto it = parent_.find(v);
    if (it == parent_.end() || it->second == v) return v;
    return it->second = find(it->second);
  }
  void unite(const Value* a, const Value* b) { parent_[find(a)] = find(b); }

 private:
  std::map<const Value*, const Value*> parent_;
};

class Quantizer {
 public:
  Quantizer(Graph& g, const Int8Options& o, Int8Report* r) : g_(g), opt_(o), report_(r) {}

  bool run() {
    choose_int8_values();
    if (int8_.empty()) return false;
    compute_scales();
    zero_ = g_.add_constant("qcc_zero_point_s8", Tensor(DType::s8, {}));
    std::vector<std::pair<Node*, float>> layers;  // int8 Conv/Gemm and their input scale
    for (const auto& n : g_.nodes())
      if (is_gemm(*n) && int8_.count(n->in(0))) layers.push_back({n.get(), scale_.at(n->in(0))});
    for (const Value* v : ordered_int8_values()) insert_qdq(const_cast<Value*>(v));
    for (auto [n, sx] : layers) quantize_layer(*n, sx);
    g_.topo_sort();
    return true;
  }

 private:
  // Walks backwards so a copy/pool/concat knows whether its output is int8.
  void choose_int8_values() {
    const auto& nodes = g_.nodes();
    for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
      Node& n = **it;
      bool out_int8 = n.out(0) && int8_.count(n.out(0));
      bool wants = (is_gemm(n) && n.in(1) && n.in(1)->is_constant()) ||
                   ((same_scale_op(n.op) || requantizing_op(n.op)) && out_int8);
      if (n.op == Op::Gemm && (opt_.float_gemm || n.attrs.i("transA") || n.attrs.f("alpha", 1.f) != 1.f || n.attrs.f("beta", 1.f) != 1.f))
        wants = false;
      if (!wants) continue;
      for (size_t i : data_slots(n)) {
        Value* v = n.inputs[i];
        if (v && v->dtype == DType::f32 && !v->is_constant() && has_range(v)) {
          int8_.insert(v);
          slots_[v].push_back({&n, i});
        }
      }
    }
  }

  bool has_range(const Value* v) const { return opt_.ranges.count(v->name) != 0; }

  // Shared scales: union the data inputs and output of same-scale ops when both are int8.
  void compute_scales() {
    UnionFind uf;
    for (const auto& n : g_.nodes())
      if (same_scale_op(n->op) && int8_.count(n->out(0)))
        for (size_t i : data_slots(*n))
          if (int8_.count(n->inputs[i])) uf.unite(n->inputs[i], n->out(0));
    std::map<const Value*, float> group_max;
    std::map<const Value*, int> group_size;
    for (const Value* v : int8_) {
      const ActivationRange& r = opt_.ranges.at(v->name);
      float& gm = group_max[uf.find(v)];
      gm = std::max({gm, std::fabs(r.lo), std::fabs(r.hi)});
      ++group_size[uf.find(v)];
    }
    for (const Value* v : int8_) {
      const Value* root = uf.find(v);
      scale_[v] = symmetric_scale(-group_max[root], group_max[root]);
      const ActivationRange& r = opt_.ranges.at(v->name);
      if (report_) report_->activations.push_back({v->name, scale_[v], r.lo, r.hi, group_size[root] > 1});
    }
  }

  std::vector<const Value*> ordered_int8_values() const {
    std::vector<const Value*> out;
    for (const Value* v : g_.inputs)
      if (int8_.count(v)) out.push_back(v);
    for (const auto& n : g_.nodes())
      for (const Value* o : n->outputs)
        if (o && int8_.count(o)) out.push_back(o);
    return out;
  }

  Value* scalar(const std::string& name, float v) { return g_.add_constant(name, Tensor::from_floats({}, {v})); }

  // v -> Q -> v_q -> DQ -> v_dq, and the int8 slots that read v read v_dq instead.
  void insert_qdq(Value* v) {
    Value* s = scalar(v->name + "_scale", scale_.at(v));
    Value* q = g_.add_value(v->name + "_q", DType::s8, v->shape);
    Value* dq = g_.add_value(v->name + "_dq", DType::f32, v->shape);
    g_.add_node(Op::QuantizeLinear, v->name + "_quantize", {v, s, zero_}, {q});
    g_.add_node(Op::DequantizeLinear, v->name + "_dequantize", {q, s, zero_}, {dq});
    for (auto [n, i] : slots_.at(v)) n->inputs[i] = dq;
  }

  void quantize_layer(Node& n, float sx) {
    const Value* w = n.in(1);
    // Output channels: Conv [O, I, kh, kw]; Gemm B [N, K] with transB, else [K, N].
    bool rows_are_channels = n.op == Op::Conv || n.attrs.i("transB");
    bool per_channel = opt_.per_channel && rows_are_channels;
    int64_t channels = rows_are_channels ? w->shape[0] : w->shape[1];
    WeightQuant wq = quantize_weights(w->data->to_floats(), per_channel ? channels : 1, per_channel,
                                      bias_floors(n.in(2), sx, per_channel ? channels : 1));
    Tensor qt(DType::s8, w->shape);
    std::copy(wq.q.begin(), wq.q.end(), qt.data<int8_t>());
    Value* wq_v = g_.add_constant(w->name + "_q", std::move(qt));
    Value* ws = per_channel ? g_.add_constant(w->name + "_scale", Tensor::from_floats({channels}, wq.scale))
                            : scalar(w->name + "_scale", wq.scale[0]);
    Value* zp = per_channel ? g_.add_constant(w->name + "_zero_point", Tensor(DType::s8, {channels})) : zero_;
    Value* wdq = g_.add_value(w->name + "_dq", DType::f32, w->shape);
    Node* d = g_.insert_node_before(&n, Op::DequantizeLinear, w->name + "_dequantize", {wq_v, ws, zp}, {wdq});
    if (per_channel) d->attrs.set("axis", int64_t{0});
    n.inputs[1] = wdq;
    Int8Report::Layer layer{n.name, op_name(n.op), *std::min_element(wq.scale.begin(), wq.scale.end()),
                            *std::max_element(wq.scale.begin(), wq.scale.end()), 0, wq.widened};
    if (const Value* b = n.in(2)) quantize_bias(n, *b, sx, wq.scale, per_channel, layer);
    if (report_) report_->layers.push_back(layer);
  }

  // Lower bounds on the `groups` weight scales that keep the bias inside int32: per channel when
  // the bias has one value per scale, else the widest floor for all.
  static std::vector<float> bias_floors(const Value* b, float sx, int64_t groups) {
    if (!b) return {};
    std::vector<float> bf = b->data->to_floats(), floor(groups, 0.f);
    for (size_t i = 0; i < bf.size(); ++i) {
      const float f = bias_scale_floor(bf[i], sx);
      if (static_cast<int64_t>(bf.size()) == groups)
        floor[i] = f;
      else
        for (float& x : floor) x = std::max(x, f);
    }
    return floor;
  }

  void quantize_bias(Node& n, const Value& b, float sx, const std::vector<float>& sw, bool per_channel,
                     Int8Report::Layer& layer) {
    std::vector<float> bf = b.data->to_floats();
    Tensor bq(DType::s32, b.shape);
    std::vector<float> bscale;
    for (size_t i = 0; i < bf.size(); ++i) {
      float s = sx * sw[per_channel ? i : 0];
      bool sat = false;
      bq.data<int32_t>()[i] = qcc::quantize_bias(bf[i], s, &sat);
      layer.bias_saturated += sat;
      if (per_channel || i == 0) bscale.push_back(s);
    }
    Value* bq_v = g_.add_constant(b.name + "_q", std::move(bq));
    Value* bs = per_channel ? g_.add_constant(b.name + "_scale", Tensor::from_floats({static_cast<int64_t>(bscale.size())}, bscale))
                            : scalar(b.name + "_scale", bscale[0]);
    Value* bdq = g_.add_value(b.name + "_dq", DType::f32, b.shape);
    Node* d = g_.insert_node_before(&n, Op::DequantizeLinear, b.name + "_dequantize", {bq_v, bs}, {bdq});
    if (per_channel) d->attrs.set("axis", int64_t{0});
    n.inputs[2] = bdq;
  }

  Graph& g_;
  const Int8Options& opt_;
  Int8Report* report_;
  std::set<const Value*> int8_;
  std::map<const Value*, std::vector<std::pair<Node*, size_t>>> slots_;
  std::map<const Value*, float> scale_;
  Value* zero_ = nullptr;
};

}  // namespace

bool run_quantize_int8(Graph& g, const Int8Options& options, Int8Report* report) {
  return Quantizer(g, options, report).run();
}

}  // namespace qcc

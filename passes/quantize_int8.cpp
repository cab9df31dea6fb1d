// Rewrites an optimized FP32 graph (NCHW, ReLU fused into convs) to symmetric INT8 in QDQ form:
// the standard ONNX encoding (QuantizeLinear/DequantizeLinear around float ops) that ONNX Runtime
// runs as-is and lower_qdq turns into qcc's integer kernels.
//
// Which values become int8: the data input of every Conv/Gemm not kept in float, and, walking
// backwards, the input of a pool / concat / copy / ReLU whose output is int8 (so whole Inception
// blocks stay int8). Every reader of an int8 value reads its dequantized form, float layers too.
// By default zero points are 0 everywhere: values that are provably non-negative (after ReLU, and
// pools, concats and copies of such values) are u8 with scale range / 255 -- all 8 bits used --,
// other values s8 with scale range / 127. Activations::s8 keeps s8 everywhere (the seed's
// scheme); Activations::u8 is ONNX Runtime's asymmetric form: u8 everywhere, scale (hi - lo) /
// 255 and the zero point that maps 0 exactly (a ReLU folds into the range: zero point 0).
// Ranges come from calibration (options.range: MinMax or a clipping threshold).
// Values that must share one scale for their op to run in int8 without requantizing -- concat
// inputs and output, max-pool and copy input and output -- are unified
// (union-find) and take the widest range, so concat is free. Weights are symmetric int8 (per
// tensor, or per output channel; rounded to nearest unless options.round_weights re-rounds them),
// biases int32 in units of s_x * s_w, optionally shifted by the mean error of the quantized weights
// (bias correction). A weight scale too small for its bias to fit int32 is widened to fit (reported
// per layer); saturation is then impossible, and counted.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "passes/quantize_int8.h"
#include "passes/quant_math.h"
#include "passes/util.h"

namespace qcc {

namespace {

bool is_gemm(const Node& n) { return n.op == Op::Conv || n.op == Op::Gemm; }

class UnionFind {
 public:
  // Iterative, with path compression: a model's chain of keeps-scale ops can be as long as the
  // model (a recursion that deep would overflow the stack on a hostile file).
  const Value* find(const Value* v) {
    const Value* root = v;
    for (auto it = parent_.find(root); it != parent_.end() && it->second != root; it = parent_.find(root))
      root = it->second;
    while (v != root) {
      auto it = parent_.find(v);
      v = std::exchange(it->second, root);
    }
    return root;
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
    std::vector<Layer> layers;
    for (const auto& n : g_.nodes())
      if (is_gemm(*n) && int8_.count(n->in(0))) layers.push_back({n.get(), scale_.at(n->in(0)), n->in(0)->name});
    // Readers as they are before any Q/DQ goes in: each value's list is used once, and
    // inserting one value's pair does not change who reads another (one scan, not one per value).
    auto readers = g_.users_index();
    for (const Value* v : ordered_int8_values()) insert_qdq(const_cast<Value*>(v), readers[v]);
    for (const Layer& l : layers) quantize_layer(l);
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
      bool wants = (is_gemm(n) && n.in(1) && n.in(1)->is_constant() && !opt_.keep_float.count(n.name)) ||
                   ((op_has(n.op, kKeepsScale) || op_has(n.op, kRequantizes)) && out_int8);
      if (n.op == Op::Gemm && (n.attrs.i("transA") || n.attrs.f("alpha", 1.f) != 1.f || n.attrs.f("beta", 1.f) != 1.f))
        wants = false;
      if (!wants) continue;
      for (size_t i : data_inputs(n)) {
        Value* v = n.inputs[i];
        if (v && v->dtype == DType::f32 && !v->is_constant() && calibrated(*v)) int8_.insert(v);
      }
    }
  }

  bool calibrated(const Value& v) const {
    if (opt_.calibrated) return opt_.calibrated(v.name);
    return opt_.range && opt_.range(v.name, 127);
  }

  // Shared scales: union the data inputs and output of keeps-scale ops when both are int8. The
  // group's range is the widest of its members' ranges.
  void compute_scales() {
    UnionFind uf;
    for (const auto& n : g_.nodes())
      if (op_has(n->op, kKeepsScale) && int8_.count(n->out(0)))
        for (size_t i : data_inputs(*n))
          if (int8_.count(n->inputs[i])) uf.unite(n->inputs[i], n->out(0));
    // A group's storage: u8 for the u8 scheme, and for the automatic one when every member is
    // provably non-negative; s8 otherwise.
    using Acts = Int8Options::Activations;
    const std::set<const Value*> nonneg = nonnegative_values(g_);
    std::map<const Value*, bool> group_unsigned;
    std::map<const Value*, int> group_size;
    for (const Value* v : int8_) {
      auto [it, fresh] = group_unsigned.emplace(uf.find(v), opt_.activations != Acts::s8);
      it->second &= opt_.activations == Acts::u8 || nonneg.count(v) != 0;
      ++group_size[uf.find(v)];
    }
    std::map<const Value*, ActivationRange> range, group;
    for (const Value* v : int8_) {
      const bool asym = opt_.activations == Acts::u8;
      range[v] = *opt_.range(v->name, group_unsigned[uf.find(v)] && !asym ? 255 : 127);
      auto [it, fresh] = group.emplace(uf.find(v), range[v]);
      it->second = {std::min(it->second.lo, range[v].lo), std::max(it->second.hi, range[v].hi)};
    }
    for (const Value* v : int8_) {
      const Value* root = uf.find(v);
      const bool u8 = group_unsigned[root];
      type_[v] = u8 ? DType::u8 : DType::s8;
      if (opt_.activations == Acts::u8)
        std::tie(scale_[v], zero_[v]) = asymmetric_u8(group[root].lo, group[root].hi);
      else
        scale_[v] = symmetric_scale(group[root].lo, group[root].hi) * (u8 ? 127.f / 255.f : 1.f), zero_[v] = 0;
      if (report_)
        report_->activations.push_back(
            {v->name, scale_[v], range[v].lo, range[v].hi, group_size[root] > 1, type_[v], zero_[v]});
    }
  }

  // A zero point constant of type t (shared by every value with that zero point).
  Value* zero_point(DType t, int32_t z = 0) {
    Value*& c = zero_points_[{t, z}];
    if (c) return c;
    std::string name = std::string("qcc_zero_point_") + dtype_name(t);
    if (z) name.append("_").append(std::to_string(z));  // ("_" + string: GCC 12's false -Wrestrict)
    c = g_.add_constant(name, Tensor::scalar(t, z));
    return c;
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

  // v -> Q -> v_q -> DQ -> v_dq, and every node that read v reads v_dq instead: a layer kept in
  // float sees the int8 value its int8 neighbours see, and v stays a pure Q input so the
  // runtime keeps the int8 chain (no float round trip) around float layers.
  void insert_qdq(Value* v, const std::vector<Node*>& readers) {
    Value* s = scalar(v->name + "_scale", scale_.at(v));
    Value* q = g_.add_value(v->name + "_q", type_.at(v), v->shape);
    Value* dq = g_.add_value(v->name + "_dq", DType::f32, v->shape);
    Value* zp = zero_point(type_.at(v), zero_.at(v));
    g_.add_node(Op::QuantizeLinear, v->name + "_quantize", {v, s, zp}, {q});
    g_.add_node(Op::DequantizeLinear, v->name + "_dequantize", {q, s, zp}, {dq});
    for (Node* n : readers)
      for (Value*& in : n->inputs)
        if (in == v) in = dq;
  }

  struct Layer {
    Node* node;
    float sx;           // scale of its int8 input
    std::string input;  // the float value it read (calibration statistics are kept by name)
  };

  void quantize_layer(const Layer& l) {
    Node& n = *l.node;
    const Value* w = n.in(1);
    // Output channels: Conv [O, I, kh, kw]; Gemm B [N, K] with transB, else [K, N].
    bool rows_are_channels = n.op == Op::Conv || n.attrs.i("transB");
    bool per_channel = opt_.per_channel && rows_are_channels;
    int64_t channels = rows_are_channels ? w->shape[0] : w->shape[1];
    const std::vector<float> wf = w->data->to_floats();
    std::vector<float> bias = n.in(2) ? n.in(2)->data->to_floats() : std::vector<float>{};
    WeightQuant wq =
        quantize_weights(wf, per_channel ? channels : 1, per_channel,
                         bias_floors(bias, l.sx, per_channel ? channels : 1), opt_.weight_levels);
    const WeightLayout layout{channels, w->shape[rows_are_channels ? 1 : 0],
                              n.op == Op::Conv ? w->shape[2] * w->shape[3] : 1, rows_are_channels};
    const bool gptq = opt_.round_weights && opt_.round_weights(n.name, wf, layout, wq);
    Tensor qt(DType::s8, w->shape);
    std::copy(wq.q.begin(), wq.q.end(), qt.data<int8_t>());
    Value* wq_v = g_.add_constant(w->name + "_q", std::move(qt));
    Value* ws = per_channel ? g_.add_constant(w->name + "_scale", Tensor::from_floats({channels}, wq.scale))
                            : scalar(w->name + "_scale", wq.scale[0]);
    Value* zp = per_channel ? g_.add_constant(w->name + "_zero_point", Tensor(DType::s8, {channels}))
                            : zero_point(DType::s8);
    Value* wdq = g_.add_value(w->name + "_dq", DType::f32, w->shape);
    Node* d = g_.insert_node_before(&n, Op::DequantizeLinear, w->name + "_dequantize", {wq_v, ws, zp}, {wdq});
    if (per_channel) d->attrs.set("axis", int64_t{0});
    n.inputs[1] = wdq;
    Int8Report::Layer layer{n.name,
                            op_name(n.op),
                            *std::min_element(wq.scale.begin(), wq.scale.end()),
                            *std::max_element(wq.scale.begin(), wq.scale.end()),
                            0,
                            wq.widened,
                            false,
                            gptq};
    const std::vector<double> means =
        opt_.channel_means ? opt_.channel_means(l.input) : std::vector<double>{};
    if (!means.empty() && static_cast<int64_t>(means.size()) == layout.inputs) {
      bias.resize(channels, 0.f);
      std::vector<double> shift = expected_output_error(wf, wq, layout, means);
      for (int64_t i = 0; i < channels; ++i) bias[i] = static_cast<float>(bias[i] - shift[i]);
      layer.bias_corrected = true;
    }
    if (!bias.empty()) quantize_bias(n, bias, l.sx, wq.scale, per_channel, layer);
    if (report_) report_->layers.push_back(layer);
  }

  // Lower bounds on the `groups` weight scales that keep the bias inside int32: per channel when
  // the bias has one value per scale, else the widest floor for all.
  static std::vector<float> bias_floors(const std::vector<float>& bf, float sx, int64_t groups) {
    if (bf.empty()) return {};
    std::vector<float> floor(groups, 0.f);
    for (size_t i = 0; i < bf.size(); ++i) {
      const float f = bias_scale_floor(bf[i], sx);
      if (static_cast<int64_t>(bf.size()) == groups)
        floor[i] = f;
      else
        for (float& x : floor) x = std::max(x, f);
    }
    return floor;
  }

  // Writes `bias` as s32 in units of s_x * s_w behind a DequantizeLinear feeding input 2 of n.
  void quantize_bias(Node& n, const std::vector<float>& bf, float sx, const std::vector<float>& sw, bool per_channel,
                     Int8Report::Layer& layer) {
    const std::string name = n.in(2) ? n.in(2)->name : n.name + "_bias";
    Tensor bq(DType::s32, {static_cast<int64_t>(bf.size())});
    std::vector<float> bscale;
    for (size_t i = 0; i < bf.size(); ++i) {
      float s = sx * sw[per_channel ? i : 0];
      bool sat = false;
      bq.data<int32_t>()[i] = qcc::quantize_bias(bf[i], s, &sat);
      layer.bias_saturated += sat;
      if (per_channel || i == 0) bscale.push_back(s);
    }
    Value* bq_v = g_.add_constant(name + "_q", std::move(bq));
    Value* bs = per_channel ? g_.add_constant(name + "_scale", Tensor::from_floats({static_cast<int64_t>(bscale.size())}, bscale))
                            : scalar(name + "_scale", bscale[0]);
    Value* bdq = g_.add_value(name + "_dq", DType::f32, {static_cast<int64_t>(bf.size())});
    Node* d = g_.insert_node_before(&n, Op::DequantizeLinear, name + "_dequantize", {bq_v, bs}, {bdq});
    if (per_channel) d->attrs.set("axis", int64_t{0});
    if (n.inputs.size() < 3) n.inputs.resize(3, nullptr);
    n.inputs[2] = bdq;
  }

  Graph& g_;
  const Int8Options& opt_;
  Int8Report* report_;
  std::set<const Value*> int8_;
  std::map<const Value*, float> scale_;
  std::map<const Value*, DType> type_;
  std::map<const Value*, int32_t> zero_;
  std::map<std::pair<DType, int32_t>, Value*> zero_points_;
};

}  // namespace

bool run_quantize_int8(Graph& g, const Int8Options& options, Int8Report* report) {
  return Quantizer(g, options, report).run();
}

}  // namespace qcc

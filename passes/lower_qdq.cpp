// Lowers QDQ-format int8 models (float ops fenced by DequantizeLinear / QuantizeLinear, the
// standard ONNX encoding qcc writes and ONNX Runtime reads) to integer ops the runtime executes
// natively:
//   DQ(x_q) -> Conv(DQ(w_q), DQ(b_q)) [ReLU fused] -> Q(s_y)  =>  Conv(x_q, w_q, b_q) -> y_q (s8)
//   DQ(x_q) -> Gemm(DQ(w_q), DQ(b_q))                         =>  Gemm(x_q, w_q, b_q) -> f32
//   DQ -> MaxPool / Concat / Flatten / Reshape -> Q (same scale)  =>  the op on int8
//   DQ -> AveragePool / GlobalAveragePool -> Q                    =>  int8 pooling (requantizes)
// Only symmetric int8 (zero point 0) with constant scales is lowered; anything else stays float.
// Int8 values get their QuantParams; Conv/Gemm record whether their input is provably >= 0
// (attr input_nonneg), which lets the kernels read it as u8 without the +128 correction.
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "passes/pass.h"
#include "passes/util.h"

namespace qcc {

namespace {

// Symmetric int8 scale(s) of a Q/DQ node, if its scale/zero point are constants with zp 0.
std::optional<std::vector<float>> symmetric_scales(const Node& n) {
  const Value* s = n.in(1);
  const Value* z = n.in(2);
  if (!s || !s->is_constant() || s->dtype != DType::f32) return std::nullopt;
  if (z && (!z->is_constant() || z->dtype != DType::s8)) return std::nullopt;
  if (z)
    for (int64_t v : z->data->to_ints())
      if (v != 0) return std::nullopt;
  if (!z && n.op == Op::QuantizeLinear) return std::nullopt;  // default output type is uint8
  return s->data->to_floats();
}

QuantParams per_tensor(float scale) { return QuantParams{{scale}, {0}, -1}; }

// The int8 value a float value is dequantized from (per-tensor), with its scale recorded.
Value* dq_source(const Value* v) {
  const Node* d = v ? v->producer : nullptr;
  if (!d || d->op != Op::DequantizeLinear || d->in(0)->dtype != DType::s8) return nullptr;
  auto s = symmetric_scales(*d);
  if (!s || s->size() != 1) return nullptr;
  Value* q = d->in(0);
  q->quant = per_tensor((*s)[0]);
  return q;
}

// Constant int8 weights behind a DQ (per-tensor, or per-channel along axis 0).
Value* dq_weights(const Value* v) {
  const Node* d = v ? v->producer : nullptr;
  if (!d || d->op != Op::DequantizeLinear || !d->in(0)->is_constant() || d->in(0)->dtype != DType::s8)
    return nullptr;
  auto s = symmetric_scales(*d);
  if (!s) return nullptr;
  if (s->size() > 1 && (d->attrs.i("axis", 1) != 0 || static_cast<int64_t>(s->size()) != d->in(0)->shape[0]))
    return nullptr;
  Value* w = d->in(0);
  w->quant = QuantParams{*s, std::vector<int32_t>(s->size(), 0), s->size() > 1 ? 0 : -1};
  return w;
}

// Bias for an int8 GEMM: the s32 constant behind a DQ, or a float constant (rounded later).
Value* dq_bias(const Value* v) {
  if (!v) return nullptr;
  if (v->is_constant()) return const_cast<Value*>(v);
  const Node* d = v->producer;
  if (d && d->op == Op::DequantizeLinear && d->in(0)->is_constant() && d->in(0)->dtype == DType::s32)
    return d->in(0);
  return nullptr;
}

class Lowering {
 public:
  explicit Lowering(Graph& g) : g_(g) {}

  bool run() {
    std::vector<Node*> order;
    for (const auto& n : g_.nodes()) order.push_back(n.get());
    for (Node* n : order) lower(*n);
    if (!changed_) return false;
    g_.erase_nodes_if([&](const Node& n) { return removed_.count(&n) != 0; });
    run_dead_code(g_, {});
    mark_nonneg_inputs();
    return true;
  }

 private:
  // The single int8 value every reader of `v` quantizes it to, if all readers are Q nodes with
  // the same symmetric scale (`want`, when given). Extra identical Q nodes are merged.
  Value* q_sink(Value* v, std::optional<float> want) {
    if (g_.is_graph_output(v)) return nullptr;
    auto users = g_.users(v);
    if (users.empty()) return nullptr;
    float scale = 0;
    for (Node* u : users) {
      auto s = u->op == Op::QuantizeLinear ? symmetric_scales(*u) : std::nullopt;
      if (!s || s->size() != 1 || u->out(0)->dtype != DType::s8) return nullptr;
      if (u != users[0] && (*s)[0] != scale) return nullptr;
      scale = (*s)[0];
    }
    if (want && std::fabs(*want - scale) > 1e-6f * *want) return nullptr;
    Value* q = users[0]->out(0);
    q->quant = per_tensor(scale);
    for (Node* u : users) {
      if (u != users[0]) g_.replace_uses(u->out(0), q);
      removed_.insert(u);
    }
    return q;
  }

  void lower(Node& n) {
    switch (n.op) {
      case Op::Conv:
      case Op::Gemm: return lower_gemm(n);
      case Op::MaxPool:
      case Op::Concat:
      case Op::Flatten:
      case Op::Reshape:
      case Op::Identity:
      case Op::Squeeze:
      case Op::Unsqueeze:
      case Op::Relu: return lower_same_scale(n);
      case Op::AveragePool:
      case Op::GlobalAveragePool: return lower_requantizing(n);
      default: return;
    }
  }

  void lower_gemm(Node& n) {
    if (n.op == Op::Gemm && (n.attrs.i("transA") || n.attrs.f("alpha", 1.f) != 1.f || n.attrs.f("beta", 1.f) != 1.f))
      return;
    Value* x = dq_source(n.in(0));
    Value* w = dq_weights(n.in(1));
    Value* b = dq_bias(n.in(2));
    if (!x || !w || (n.in(2) && !b)) return;
    if (Value* y = q_sink(n.out(0), std::nullopt)) n.outputs[0] = y, y->producer = &n;
    n.inputs = {x, w};
    if (b) n.inputs.push_back(b);
    changed_ = true;
  }

  // Ops whose int8 output has the input's scale (max, copies, concat of equal scales, ReLU).
  void lower_same_scale(Node& n) {
    std::vector<Value*> ins;
    float scale = 0;
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      bool param = i > 0 && n.op != Op::Concat;  // Reshape's shape input
      if (param) {
        ins.push_back(n.inputs[i]);
        continue;
      }
      Value* q = dq_source(n.inputs[i]);
      if (!q || (i > 0 && q->quant->scale[0] != scale)) return;
      scale = q->quant->scale[0];
      ins.push_back(q);
    }
    if (n.outputs.size() != 1) return;
    Value* y = q_sink(n.out(0), scale);
    if (!y) return;
    n.inputs = ins;
    n.outputs[0] = y;
    y->producer = &n;
    changed_ = true;
  }

  void lower_requantizing(Node& n) {
    Value* x = dq_source(n.in(0));
    if (!x) return;
    Value* y = q_sink(n.out(0), std::nullopt);
    if (!y) return;
    n.inputs[0] = x;
    n.outputs[0] = y;
    y->producer = &n;
    changed_ = true;
  }

  // Int8 values that cannot be negative: post-ReLU, and what max/average/concat/copies make of
  // such values. Quantized first-layer inputs (images) stay signed.
  void mark_nonneg_inputs() {
    std::set<const Value*> nonneg;
    for (const auto& n : g_.nodes()) {
      const Value* y = n->out(0);
      if (!y || y->dtype != DType::s8) continue;
      bool all_in = std::all_of(n->inputs.begin(), n->inputs.end(), [&](const Value* v) {
        return !v || v->dtype != DType::s8 || nonneg.count(v);
      });
      bool ok = false;
      switch (n->op) {
        case Op::Conv:
        case Op::Gemm: ok = n->attrs.s("activation") == "relu"; break;
        case Op::Relu: ok = true; break;
        case Op::QuantizeLinear: {
          const Node* p = n->in(0)->producer;
          ok = p && (p->op == Op::Relu || p->attrs.s("activation") == "relu");
          break;
        }
        default: ok = all_in;
      }
      if (ok) nonneg.insert(y);
    }
    for (const auto& n : g_.nodes())
      if ((n->op == Op::Conv || n->op == Op::Gemm) && n->in(0)->dtype == DType::s8)
        n->attrs.set("input_nonneg", int64_t{nonneg.count(n->in(0)) ? 1 : 0});
  }

  Graph& g_;
  std::set<const Node*> removed_;
  bool changed_ = false;
};

}  // namespace

bool run_lower_qdq(Graph& g, const PassContext&) { return Lowering(g).run(); }

}  // namespace qcc

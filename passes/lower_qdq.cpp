// Lowers QDQ-format int8 models (float ops fenced by DequantizeLinear / QuantizeLinear, the
// standard ONNX encoding qcc writes and ONNX Runtime reads) to integer ops the runtime executes
// natively:
//   DQ(x_q) -> Conv(DQ(w_q), DQ(b_q)) [ReLU fused] -> Q(s_y)  =>  Conv(x_q, w_q, b_q) -> y_q
//   DQ(x_q) -> Gemm(DQ(w_q), DQ(b_q))                         =>  Gemm(x_q, w_q, b_q) -> f32
//   DQ -> keeps-scale op (max pool, concat, copies) -> Q (same scale and type)  =>  the op on int8
//   DQ -> requantizing op (average pools) -> Q (same type)                       =>  int8 pooling
// Activations are s8 or u8 with zero point 0 and constant scales; weights s8 (per tensor or per
// output channel). Anything else stays float. Int8 values get their QuantParams; Conv/Gemm with
// an s8 input that is provably >= 0 are marked input_nonneg (read as u7, no +128 correction).
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "passes/pass.h"
#include "passes/util.h"

namespace qcc {

namespace {

bool is_int8(DType t) { return t == DType::s8 || t == DType::u8; }

// Scale(s) of a Q/DQ node, if its scale and zero point are constants and the zero point is 0
// (an absent zero point means a u8 zero point 0).
std::optional<std::vector<float>> symmetric_scales(const Node& n) {
  const Value* s = n.in(1);
  const Value* z = n.in(2);
  if (!s || !s->is_constant() || s->dtype != DType::f32) return std::nullopt;
  if (z && (!z->is_constant() || !is_int8(z->dtype))) return std::nullopt;
  if (z)
    for (int64_t v : z->data->to_ints())
      if (v != 0) return std::nullopt;
  return s->data->to_floats();
}

QuantParams per_tensor(float scale) { return QuantParams{{scale}, {0}, -1}; }

// The int8 value a float value is dequantized from (per-tensor), with its scale recorded.
Value* dq_source(const Value* v) {
  const Node* d = v ? v->producer : nullptr;
  if (!d || d->op != Op::DequantizeLinear || !is_int8(d->in(0)->dtype)) return nullptr;
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
  // the same scale and type (`want` / `want_type`, when given). Extra identical Q nodes merge.
  Value* q_sink(Value* v, std::optional<float> want, std::optional<DType> want_type) {
    if (g_.is_graph_output(v)) return nullptr;
    auto users = g_.users(v);
    if (users.empty()) return nullptr;
    float scale = 0;
    const DType type = users[0]->out(0) ? users[0]->out(0)->dtype : DType::f32;
    for (Node* u : users) {
      auto s = u->op == Op::QuantizeLinear ? symmetric_scales(*u) : std::nullopt;
      if (!s || s->size() != 1 || u->out(0)->dtype != type || !is_int8(type)) return nullptr;
      if (u != users[0] && (*s)[0] != scale) return nullptr;
      scale = (*s)[0];
    }
    if (want && std::fabs(*want - scale) > 1e-6f * *want) return nullptr;
    if (want_type && *want_type != type) return nullptr;
    Value* q = users[0]->out(0);
    q->quant = per_tensor(scale);
    for (Node* u : users) {
      if (u != users[0]) g_.replace_uses(u->out(0), q);
      removed_.insert(u);
    }
    return q;
  }

  void lower(Node& n) {
    if (n.op == Op::Conv || n.op == Op::Gemm) return lower_gemm(n);
    if (op_has(n.op, kKeepsScale)) return lower_same_scale(n);
    if (op_has(n.op, kRequantizes)) return lower_requantizing(n);
  }

  void lower_gemm(Node& n) {
    if (n.op == Op::Gemm && (n.attrs.i("transA") || n.attrs.f("alpha", 1.f) != 1.f || n.attrs.f("beta", 1.f) != 1.f))
      return;
    Value* x = dq_source(n.in(0));
    Value* w = dq_weights(n.in(1));
    Value* b = dq_bias(n.in(2));
    if (!x || !w || (n.in(2) && !b)) return;
    if (Value* y = q_sink(n.out(0), std::nullopt, std::nullopt)) n.outputs[0] = y, y->producer = &n;
    n.inputs = {x, w};
    if (b) n.inputs.push_back(b);
    changed_ = true;
  }

  // Ops whose int8 output has the input's scale (max, copies, concat of equal scales, ReLU).
  // Ops whose int8 output has the input's scale and type (max, copies, concat of equal scales).
  void lower_same_scale(Node& n) {
    std::vector<Value*> ins = n.inputs;
    std::optional<float> scale;
    std::optional<DType> type;
    for (size_t i : data_inputs(n)) {
      Value* q = dq_source(n.inputs[i]);
      if (!q || (scale && (q->quant->scale[0] != *scale || q->dtype != *type))) return;
      scale = q->quant->scale[0];
      type = q->dtype;
      ins[i] = q;
    }
    if (n.outputs.size() != 1 || !scale) return;
    Value* y = q_sink(n.out(0), scale, type);
    if (!y) return;
    n.inputs = ins;
    n.outputs[0] = y;
    y->producer = &n;
    changed_ = true;
  }

  void lower_requantizing(Node& n) {
    Value* x = dq_source(n.in(0));
    if (!x) return;
    Value* y = q_sink(n.out(0), std::nullopt, x->dtype);
    if (!y) return;
    n.inputs[0] = x;
    n.outputs[0] = y;
    y->producer = &n;
    changed_ = true;
  }

  // Conv/Gemm whose s8 input cannot be negative read it as u7 (no +128 correction).
  void mark_nonneg_inputs() {
    const std::set<const Value*> nonneg = nonnegative_values(g_);
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

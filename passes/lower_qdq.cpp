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

bool is_int8(DType t) {
  return t == DType::s8 || t == DType::u8;
}

// Equal within float noise (scales written by different tools may differ in the last bit).
bool same_quant(const QuantParams& a, const QuantParams& b) {
  if (a.zero_point != b.zero_point || a.scale.size() != b.scale.size()) return false;
  for (size_t i = 0; i < a.scale.size(); ++i)
    if (std::fabs(a.scale[i] - b.scale[i]) > 1e-6f * std::fabs(a.scale[i])) return false;
  return true;
}

// The scales and zero points of a Q/DQ node when both are constants (an absent zero point is a
// u8 zero point 0), as QuantParams.
std::optional<QuantParams> node_quant(const Node& n) {
  const Value* s = n.in(1);
  const Value* z = n.in(2);
  if (!s || !s->is_constant() || s->dtype != DType::f32) return std::nullopt;
  if (z && (!z->is_constant() || !is_int8(z->dtype) || z->data->numel() != s->data->numel()))
    return std::nullopt;
  QuantParams q{
      s->data->to_floats(), {}, s->data->numel() > 1 ? static_cast<int>(n.attrs.i("axis", 1)) : -1};
  for (int64_t i = 0; i < s->data->numel(); ++i)
    q.zero_point.push_back(z ? static_cast<int32_t>(z->data->as_int(i)) : 0);
  return q;
}

// Activations: one scale and zero point for the tensor.
std::optional<QuantParams> activation_quant(const Node& n) {
  auto q = node_quant(n);
  return q && q->per_tensor() ? q : std::nullopt;
}

// The int8 value a float value is dequantized from (per-tensor), with its quantization recorded.
Value* dq_source(const Value* v) {
  const Node* d = v ? v->producer : nullptr;
  if (!d || d->op != Op::DequantizeLinear || !is_int8(d->in(0)->dtype)) return nullptr;
  auto q = activation_quant(*d);
  if (!q) return nullptr;
  Value* x = d->in(0);
  x->quant = q;
  return x;
}

// Constant int8 weights behind a DQ (per-tensor, or per-channel along axis 0).
Value* dq_weights(const Value* v) {
  const Node* d = v ? v->producer : nullptr;
  if (!d || d->op != Op::DequantizeLinear || !d->in(0)->is_constant() ||
      d->in(0)->dtype != DType::s8)
    return nullptr;
  auto q = node_quant(*d);  // symmetric weights: zero points 0, per tensor or per output channel
  if (!q ||
      std::any_of(q->zero_point.begin(), q->zero_point.end(), [](int32_t z) { return z != 0; }))
    return nullptr;
  const std::vector<float>* s = &q->scale;
  if (s->size() > 1 &&
      (d->attrs.i("axis", 1) != 0 || static_cast<int64_t>(s->size()) != d->in(0)->shape[0]))
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
  if (d && d->op == Op::DequantizeLinear && d->in(0)->is_constant() &&
      d->in(0)->dtype == DType::s32)
    return d->in(0);
  return nullptr;
}

class Lowering {
 public:
  explicit Lowering(Graph& g) : g_(g) {}

  bool run() {
    for (Node* n : g_.node_order()) lower(*n);
    if (!changed_) return false;
    g_.erase_nodes_if([&](const Node& n) { return removed_.count(&n) != 0; });
    run_dead_code(g_, {});
    mark_nonneg_inputs();
    return true;
  }

 private:
  // The single int8 value every reader of `v` quantizes it to, if all readers are Q nodes with
  // the same quantization and type: `want`'s, when given (the op keeps its input's quantization),
  // or at least `want_type`. Extra identical Q nodes merge.
  Value* q_sink(Value* v, const Value* want, std::optional<DType> want_type = std::nullopt) {
    if (g_.is_graph_output(v)) return nullptr;
    auto users = g_.users(v);
    if (users.empty()) return nullptr;
    std::optional<QuantParams> quant;
    const DType type = users[0]->out(0) ? users[0]->out(0)->dtype : DType::f32;
    for (Node* u : users) {
      auto q = u->op == Op::QuantizeLinear ? activation_quant(*u) : std::nullopt;
      if (!q || u->out(0)->dtype != type || !is_int8(type) || (quant && !(*q == *quant)))
        return nullptr;
      quant = q;
    }
    if (want && (want->dtype != type || !same_quant(*want->quant, *quant))) return nullptr;
    if (want_type && *want_type != type) return nullptr;
    Value* q = users[0]->out(0);
    q->quant = quant;
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
    if (n.op == Op::Gemm &&
        (n.attrs.i("transA") || n.attrs.f("alpha", 1.f) != 1.f || n.attrs.f("beta", 1.f) != 1.f))
      return;
    Value* x = dq_source(n.in(0));
    Value* w = dq_weights(n.in(1));
    Value* b = dq_bias(n.in(2));
    if (!x || !w || (n.in(2) && !b)) return;
    if (Value* y = q_sink(n.out(0), nullptr)) n.outputs[0] = y, y->producer = &n;
    n.inputs = {x, w};
    if (b) n.inputs.push_back(b);
    changed_ = true;
  }

  // Ops whose int8 output has the input's scale (max, copies, concat of equal scales, ReLU).
  // Ops whose int8 output has the input's scale, zero point and type (max, copies, concat of
  // equally quantized inputs).
  void lower_same_scale(Node& n) {
    std::vector<Value*> ins = n.inputs;
    const Value* first = nullptr;
    for (size_t i : data_inputs(n)) {
      Value* q = dq_source(n.inputs[i]);
      if (!q || (first && (q->dtype != first->dtype || !same_quant(*q->quant, *first->quant))))
        return;
      if (!first) first = q;
      ins[i] = q;
    }
    if (n.outputs.size() != 1 || !first) return;
    Value* y = q_sink(n.out(0), first);
    if (!y) return;
    n.inputs = ins;
    n.outputs[0] = y;
    y->producer = &n;
    changed_ = true;
  }

  void lower_requantizing(Node& n) {
    Value* x = dq_source(n.in(0));
    if (!x) return;
    Value* y = q_sink(n.out(0), nullptr, x->dtype);  // the pooling kernels keep the type
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
        n->input_nonneg =
            nonneg.count(n->in(0)) && n->in(0)->quant && n->in(0)->quant->zero_point[0] == 0;
  }

  Graph& g_;
  std::set<const Node*> removed_;
  bool changed_ = false;
};

}  // namespace

bool run_lower_qdq(Graph& g, const PassContext&) {
  return Lowering(g).run();
}

}  // namespace qcc

// Casts a graph to FP16: weights and activations are stored as f16 between ops, while model
// inputs and outputs stay f32 (Cast at the boundary). A per-op policy decides:
//   always (kF16Always in ops.def): Conv, Gemm, MatMul, pooling, ReLU -- compute on f16 storage
//           (the runtime accumulates in f32 inside its kernels);
//   follow (kF16Follow): copies and concat -- f16 when an input already is;
//   never : everything else (e.g. Softmax, arithmetic) -- inputs cast back to f32.
// A Conv/Gemm/MatMul that produces a model output (the classifier) keeps its f32 output and
// accumulation: its f16-stored weights are cast up in the graph (folded when loaded), so the file
// stays half-size while logits are not rounded to f16 (whose step is 1/32 at |x| = 32 -- enough
// to flip close top-1 decisions).
// Constants the f16 ops read are converted once; values that overflow the f16 range or underflow
// to zero are counted for the report.
#include "passes/convert_fp16.h"

#include <cmath>
#include <map>

#include "ir/half.h"

namespace qcc {

namespace {

enum class Policy { always, follow, never };

Policy policy(Op op) {  // from the op table (ops.def)
  if (op_has(op, kF16Always)) return Policy::always;
  return op_has(op, kF16Follow) ? Policy::follow : Policy::never;
}

class Fp16Converter {
 public:
  Fp16Converter(Graph& g, Fp16Report* r) : g_(g), report_(r) {}

  bool run() {
    for (Node* n : g_.node_order()) visit(*n);
    for (Value*& o : g_.outputs) {
      if (o->dtype != DType::f16) continue;
      // The f32 output keeps the model's output name.
      std::string name = o->name;
      g_.rename(o, name + "_f16");
      Value* out = cast(o, DType::f32, nullptr);
      g_.rename(out, name);
      o = out;
    }
    g_.topo_sort();
    return changed_;
  }

 private:
  bool is_output_gemm(const Node& n) const {
    bool gemm = n.op == Op::Conv || n.op == Op::Gemm || n.op == Op::MatMul;
    return gemm && n.out(0) && g_.is_graph_output(n.out(0));
  }

  void visit(Node& n) {
    if (is_output_gemm(n)) {
      for (Value*& v : n.inputs) {
        if (v && v->dtype == DType::f16) v = cast(v, DType::f32, &n);
        if (v && v->is_constant() && v->dtype == DType::f32)
          v = cast(constant_f16(v), DType::f32, &n);
      }
      return;
    }
    Policy p = policy(n.op);
    bool any_f16 = false;
    for (const Value* v : n.inputs) any_f16 |= v && v->dtype == DType::f16;
    if (p == Policy::always || (p == Policy::follow && any_f16)) {
      for (size_t i = 0; i < n.inputs.size(); ++i) n.inputs[i] = to_f16(n.inputs[i], &n);
      for (Value* o : n.outputs)
        if (o && o->dtype == DType::f32) o->dtype = DType::f16;
      changed_ = true;
      return;
    }
    for (Value*& v : n.inputs)
      if (v && v->dtype == DType::f16) v = cast(v, DType::f32, &n);
  }

  Value* to_f16(Value* v, const Node* before) {
    if (!v || v->dtype != DType::f32) return v;
    if (v->is_constant()) return constant_f16(v);
    auto it = f16_twin_.find(v);
    if (it != f16_twin_.end()) return it->second;
    return f16_twin_[v] = cast(v, DType::f16, before);
  }

  Value* constant_f16(Value* v) {
    auto it = const_twin_.find(v);
    if (it != const_twin_.end()) return it->second;
    Tensor h(DType::f16, v->shape);
    const float* f = v->data->data<float>();
    for (int64_t i = 0; i < h.numel(); ++i) {
      uint16_t b = float_to_half(f[i]);
      h.data<uint16_t>()[i] = b;
      float back = half_to_float(b);
      if (report_) {
        report_->overflow += std::isfinite(f[i]) && std::isinf(back);
        report_->underflow += f[i] != 0.f && back == 0.f;
      }
    }
    if (report_) ++report_->weights;
    return const_twin_[v] = g_.add_constant(v->name + "_f16", std::move(h));
  }

  // Inserts Cast(v -> to) before `before` (or at the end).
  Value* cast(Value* v, DType to, const Node* before) {
    Value* out = g_.add_value(v->name + (to == DType::f16 ? "_f16" : "_f32"), to, v->shape);
    std::string name = out->name + "_cast";
    Node* c = before ? g_.insert_node_before(before, Op::Cast, name, {v}, {out})
                     : g_.add_node(Op::Cast, name, {v}, {out});
    c->attrs.set("to", static_cast<int64_t>(to));
    if (report_) ++report_->casts;
    changed_ = true;
    return out;
  }

  Graph& g_;
  Fp16Report* report_;
  std::map<const Value*, Value*> f16_twin_, const_twin_;
  bool changed_ = false;
};

}  // namespace

bool run_convert_fp16(Graph& g, Fp16Report* report) {
  return Fp16Converter(g, report).run();
}

}  // namespace qcc

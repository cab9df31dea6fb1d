// Layout assignment: 4-D activations inside the graph become NHWC (channels contiguous, what the
// implicit-GEMM and pooling kernels read), while graph inputs and outputs stay NCHW.
//
// Walking the nodes in order, each 4-D value is either NCHW or NHWC:
//  * Conv / MaxPool / AveragePool / GlobalAveragePool: input converted to NHWC, output NHWC.
//  * Layout-agnostic ops (elementwise with scalar or 4-D operands, casts, per-tensor (de)quantize)
//    follow their inputs; Concat, BatchNormalization and Pad follow with their axis/pads remapped.
//  * Anything else reads NCHW: a Transpose back is inserted (once per value).
// Finally a Transpose that only moves size-1 axes (e.g. [N,1,1,C] -> [N,C,1,1] before Flatten)
// is a Reshape, which the runtime executes as a view. Running the pass again changes nothing.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "ir/shape_inference.h"
#include "passes/pass.h"

namespace qcc {

namespace {

const std::vector<int64_t> kToNhwc = {0, 2, 3, 1};
const std::vector<int64_t> kToNchw = {0, 3, 1, 2};

Shape permute(const Shape& s, const std::vector<int64_t>& perm) {
  Shape out;
  for (int64_t p : perm) out.push_back(s[p]);
  return out;
}

Tensor permute_tensor(const Tensor& t, const std::vector<int64_t>& perm) {
  Shape out_shape = permute(t.shape(), perm);
  Tensor out(t.dtype(), out_shape);
  const size_t eb = dtype_size(t.dtype());
  const Shape& s = t.shape();
  for (int64_t a = 0; a < s[0]; ++a)
    for (int64_t b = 0; b < s[1]; ++b)
      for (int64_t c = 0; c < s[2]; ++c)
        for (int64_t d = 0; d < s[3]; ++d) {
          int64_t idx[4] = {a, b, c, d};
          int64_t o = ((idx[perm[0]] * out_shape[1] + idx[perm[1]]) * out_shape[2] + idx[perm[2]]) *
                          out_shape[3] +
                      idx[perm[3]];
          int64_t i = ((a * s[1] + b) * s[2] + c) * s[3] + d;
          std::memcpy(out.raw() + o * eb, t.raw() + i * eb, eb);
        }
  return out;
}

class LayoutAssigner {
 public:
  explicit LayoutAssigner(Graph& g) : g_(g) {}

  bool run() {
    for (Node* n : g_.node_order()) visit(*n);
    for (Value*& o : g_.outputs)
      if (nhwc_.count(o)) o = convert(o, nullptr, kToNchw);
    simplify_transposes();
    return changed_;
  }

 private:
  static bool spatial(const Node& n) { return op_has(n.op, kSpatial) && n.in(0)->rank() == 4; }

  // Ops that compute elementwise, so any layout works when every operand shares it.
  // Per-tensor (de)quantization is elementwise too; operands must be scalars or share the shape.
  bool agnostic(const Node& n) const {
    if (n.op == Op::QuantizeLinear || n.op == Op::DequantizeLinear)
      return n.in(1)->is_constant() && shape_numel(n.in(1)->shape) == 1;
    if (!op_has(n.op, kElementwise)) return false;
    for (const Value* v : n.inputs) {
      if (!v) continue;
      bool scalar = v->is_constant() && shape_numel(v->shape) == 1;
      bool same = v->shape == n.out(0)->shape || nhwc_.count(v);
      if (!scalar && !(v->rank() == 4 && same)) return false;
    }
    return true;
  }

  bool any_nhwc(const Node& n) const {
    return std::any_of(n.inputs.begin(), n.inputs.end(),
                       [&](const Value* v) { return nhwc_.count(v) > 0; });
  }

  void visit(Node& n) {
    if (spatial(n)) {
      n.inputs[0] = to_nhwc(n.inputs[0], &n);
      n.layout = Layout::nhwc;
      mark_output(n);
    } else if (any_nhwc(n) && agnostic(n)) {
      for (size_t i = 0; i < n.inputs.size(); ++i)
        if (n.inputs[i] && n.inputs[i]->rank() == 4 && shape_numel(n.inputs[i]->shape) != 1)
          n.inputs[i] = to_nhwc(n.inputs[i], &n);
      mark_output(n);
    } else if (any_nhwc(n) && n.op == Op::Concat && n.out(0)->rank() == 4) {
      for (Value*& v : n.inputs) v = to_nhwc(v, &n);
      int64_t axis = n.attrs.i("axis");
      if (axis < 0) axis += 4;
      static const int64_t kAxisMap[4] = {0, 3, 1, 2};
      n.attrs.set("axis", kAxisMap[axis]);
      mark_output(n);
    } else if (any_nhwc(n) && n.op == Op::BatchNormalization && nhwc_.count(n.in(0))) {
      n.layout = Layout::nhwc;
      mark_output(n);
    } else if (any_nhwc(n) && n.op == Op::Pad && nhwc_.count(n.in(0))) {
      auto p = n.attrs.ints("pads");
      std::vector<int64_t> q = {p[0], p[2], p[3], p[1], p[4], p[6], p[7], p[5]};
      n.attrs.set("pads", q);
      mark_output(n);
    } else {
      for (Value*& v : n.inputs)
        if (v && nhwc_.count(v)) v = to_nchw(v, &n);
    }
  }

  void mark_output(Node& n) {
    Value* o = n.out(0);
    o->shape = permute(o->shape, kToNhwc);
    nhwc_.insert(o);
    changed_ = true;
  }

  Value* to_nhwc(Value* v, const Node* before) {
    if (nhwc_.count(v)) return v;
    if (v->is_constant()) {
      auto it = const_twins_.find(v);
      if (it != const_twins_.end()) return it->second;
      Value* c = g_.add_constant(v->name + ".nhwc", permute_tensor(*v->data, kToNhwc));
      nhwc_.insert(c);
      return const_twins_[v] = c;
    }
    auto it = nhwc_twin_.find(v);
    if (it != nhwc_twin_.end()) return it->second;
    Value* t = convert(v, before, kToNhwc);
    nhwc_.insert(t);
    return nhwc_twin_[v] = t;
  }

  Value* to_nchw(Value* v, const Node* before) {
    auto it = nchw_twin_.find(v);
    if (it != nchw_twin_.end()) return it->second;
    return nchw_twin_[v] = convert(v, before, kToNchw);
  }

  // Inserts Transpose(v, perm) before `before` (or at the end) and returns its output.
  Value* convert(Value* v, const Node* before, const std::vector<int64_t>& perm) {
    Value* t = g_.add_value(v->name + (perm == kToNhwc ? ".nhwc" : ".nchw"), v->dtype,
                            permute(v->shape, perm));
    t->quant = v->quant;
    std::string name = t->name + ".transpose";
    Node* n = before ? g_.insert_node_before(before, Op::Transpose, name, {v}, {t})
                     : g_.add_node(Op::Transpose, name, {v}, {t});
    n->attrs.set("perm", perm);
    changed_ = true;
    return t;
  }

  // A transpose that keeps the order of all non-unit axes moves no bytes: make it a Reshape.
  void simplify_transposes() {
    for (const auto& n : g_.nodes()) {
      if (n->op != Op::Transpose) continue;
      const Shape& s = n->in(0)->shape;
      auto perm = n->attrs.ints("perm");
      if (perm.size() != s.size()) continue;  // default (reversing) perm
      std::vector<int64_t> kept;
      for (int64_t p : perm)
        if (s[p] != 1) kept.push_back(p);
      if (!std::is_sorted(kept.begin(), kept.end())) continue;
      Shape target = n->out(0)->shape;
      for (size_t i = 0; i < target.size(); ++i)
        if (target[i] < 0) target[i] = 0;  // copy the dynamic batch dimension
      Value* shape = g_.add_constant(
          n->name + ".shape", Tensor::from_ints({static_cast<int64_t>(target.size())}, target));
      n->op = Op::Reshape;
      n->attrs = Attrs();
      n->inputs = {n->in(0), shape};
    }
  }

  Graph& g_;
  std::set<const Value*> nhwc_;
  std::map<const Value*, Value*> nhwc_twin_, nchw_twin_, const_twins_;
  bool changed_ = false;
};

}  // namespace

bool run_layout_nhwc(Graph& g, const PassContext&) {
  // Lowering happens once: a graph with NHWC nodes is already in the runtime's layout.
  for (const auto& n : g.nodes())
    if (n->nhwc()) return false;
  return LayoutAssigner(g).run();
}

}  // namespace qcc

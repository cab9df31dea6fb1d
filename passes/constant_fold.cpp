// Constant folding: a node whose inputs are all constants is evaluated once (through the runtime's
// evaluator) and its outputs become constants; Shape of a statically shaped value folds directly.
// Convolutions and pooling are left alone (they are the model, not arithmetic on constants).
#include <algorithm>

#include "passes/pass.h"

namespace qcc {

namespace {

bool foldable(const Node& n) {
  if (op_has(n.op, kModelOp)) return false;
  for (const Value* v : n.inputs)
    if (v && !v->is_constant()) return false;
  return true;
}

bool fold_shape(Graph& g, Node& n) {
  const Value* x = n.in(0);
  if (n.op != Op::Shape || !shape_is_static(x->shape)) return false;
  int64_t rank = x->rank();
  int64_t b = n.attrs.i("start", 0), e = n.attrs.i("end", rank);
  b = std::clamp<int64_t>(b < 0 ? b + rank : b, 0, rank);
  e = std::clamp<int64_t>(e < 0 ? e + rank : e, 0, rank);
  std::vector<int64_t> dims(x->shape.begin() + b, x->shape.begin() + std::max(b, e));
  Value* c =
      g.add_constant(n.out(0)->name, Tensor::from_ints({static_cast<int64_t>(dims.size())}, dims));
  g.replace_uses(n.out(0), c);
  return true;
}

}  // namespace

bool run_constant_fold(Graph& g, const PassContext& ctx) {
  bool changed = false;
  for (Node* n : g.node_order()) {
    if (fold_shape(g, *n)) {
      changed = true;
      continue;
    }
    if ((n->op == Op::Identity || (n->op == Op::Dropout && !n->out(1))) &&
        n->in(0)->is_constant()) {
      g.replace_uses(n->out(0), n->in(0));  // share the constant, do not copy it
      changed = true;
      continue;
    }
    std::vector<Tensor> outs;
    if (!foldable(*n) || !ctx.evaluate || !ctx.evaluate(*n, outs)) continue;
    for (size_t i = 0; i < outs.size() && i < n->outputs.size(); ++i) {
      if (!n->outputs[i]) continue;
      Value* c = g.add_constant(n->outputs[i]->name, std::move(outs[i]));
      g.replace_uses(n->outputs[i], c);
    }
    changed = true;
  }
  if (changed) run_dead_code(g, ctx);
  return changed;
}

}  // namespace qcc

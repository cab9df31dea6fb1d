// Dequantization: turns a quantized (QDQ) model back into the float model it encodes, for the
// compiler to start from (compiling a quantized model to FP16, or re-quantizing it). Constant
// DequantizeLinear (weights, biases) are evaluated into float constants; an activation's
// QuantizeLinear -> DequantizeLinear pair is bypassed (its readers read the float value). The
// result computes what the QDQ model computes up to the activations' rounding.
// run_fold_constant_dequantize does only the first part, after lower_qdq: a constant
// DequantizeLinear left there feeds a float op (a QDQ Conv without an output QuantizeLinear,
// ConvInteger), which needs float weights.
#include <vector>

#include "passes/pass.h"

namespace qcc {

namespace {

// Evaluates DequantizeLinear n into a float constant when its input is constant.
bool fold_constant(Graph& g, Node& n, const PassContext& ctx) {
  std::vector<Tensor> out;
  if (n.op != Op::DequantizeLinear || !n.in(0)->is_constant() || !ctx.evaluate ||
      !ctx.evaluate(n, out))
    return false;
  g.replace_uses(n.out(0), g.add_constant(n.out(0)->name, std::move(out[0])));
  return true;
}

}  // namespace

bool run_dequantize(Graph& g, const PassContext& ctx) {
  bool changed = false;
  for (Node* n : g.node_order()) {
    if (fold_constant(g, *n, ctx)) {
      changed = true;
      continue;
    }
    if (n->op != Op::DequantizeLinear) continue;
    const Value* q = n->in(0);
    if (q->producer && q->producer->op == Op::QuantizeLinear && !g.is_graph_output(n->out(0))) {
      g.replace_uses(n->out(0), q->producer->in(0));
      changed = true;
    }
  }
  if (changed) run_dead_code(g, ctx);
  return changed;
}

bool run_fold_constant_dequantize(Graph& g, const PassContext& ctx) {
  bool changed = false;
  for (Node* n : g.node_order()) changed |= fold_constant(g, *n, ctx);
  if (changed) run_dead_code(g, ctx);
  return changed;
}

}  // namespace qcc

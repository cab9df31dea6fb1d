// Dequantization: turns a quantized (QDQ) model back into the float model it encodes, for the
// compiler to start from (compiling a quantized model to FP16, or re-quantizing it). Constant
// DequantizeLinear (weights, biases) are evaluated into float constants; an activation's
// QuantizeLinear -> DequantizeLinear pair is bypassed (its readers read the float value). The
// result computes what the QDQ model computes up to the activations' rounding.
#include <vector>

#include "passes/pass.h"

namespace qcc {

bool run_dequantize(Graph& g, const PassContext& ctx) {
  bool changed = false;
  std::vector<Node*> order;
  for (const auto& n : g.nodes()) order.push_back(n.get());
  for (Node* n : order) {
    if (n->op != Op::DequantizeLinear) continue;
    const Value* q = n->in(0);
    std::vector<Tensor> out;
    if (q->is_constant() && ctx.evaluate && ctx.evaluate(*n, out)) {
      g.replace_uses(n->out(0), g.add_constant(n->out(0)->name, std::move(out[0])));
      changed = true;
    } else if (q->producer && q->producer->op == Op::QuantizeLinear && !g.is_graph_output(n->out(0))) {
      g.replace_uses(n->out(0), q->producer->in(0));
      changed = true;
    }
  }
  if (changed) run_dead_code(g, ctx);
  return changed;
}

}  // namespace qcc

// Fuses a Relu into the convolution (or dense layer) before it: the kernels apply it in their
// epilogue, on the accumulator, before the store.
#include <algorithm>

#include "passes/pass.h"
#include "passes/util.h"

namespace qcc {

bool run_fuse_activation(Graph& g, const PassContext&) {
  std::vector<Node*> fused;
  for (const auto& relu : g.nodes()) {
    if (relu->op != Op::Relu) continue;
    Node* conv = relu->in(0)->producer;
    if (!conv || conv->op != Op::Conv || conv->activation != Activation::none) continue;
    if (sole_user(g, conv->out(0)) != relu.get()) continue;
    conv->activation = Activation::relu;
    // The fused node takes over the Relu's output value: the graph keeps the name the model
    // gave the activation (what QDQ files and per-layer reports refer to).
    conv->outputs[0] = relu->out(0);
    relu->out(0)->producer = conv;
    fused.push_back(relu.get());
  }
  g.erase_nodes_if([&](const Node& n) { return std::find(fused.begin(), fused.end(), &n) != fused.end(); });
  g.erase_unused_values();
  return !fused.empty();
}

}  // namespace qcc

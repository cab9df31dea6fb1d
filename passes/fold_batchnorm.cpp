// Folds an inference BatchNormalization into the convolution that feeds it:
//   y = gamma * (conv(x, W) + b - mean) / sqrt(var + eps) + beta
//     = conv(x, W * s) + (b - mean) * s + beta,   s = gamma / sqrt(var + eps) per output channel.
#include <algorithm>
#include <cmath>

#include "passes/pass.h"
#include "passes/util.h"

namespace qcc {

bool run_fold_batchnorm(Graph& g, const PassContext&) {
  std::vector<Node*> folded;
  for (const auto& bn : g.nodes()) {
    if (bn->op != Op::BatchNormalization) continue;
    Node* conv = bn->in(0)->producer;
    if (!conv || conv->op != Op::Conv || sole_user(g, conv->out(0)) != bn.get()) continue;
    bool stats_const = true;
    for (int i = 1; i <= 4; ++i) stats_const &= bn->in(i) && bn->in(i)->is_constant();
    std::vector<float> w, b;
    if (!stats_const || !conv_params(*conv, w, b)) continue;
    auto gamma = bn->in(1)->data->to_floats(), beta = bn->in(2)->data->to_floats();
    auto mean = bn->in(3)->data->to_floats(), var = bn->in(4)->data->to_floats();
    float eps = bn->attrs.f("epsilon", 1e-5f);
    size_t oc = b.size(), per = w.size() / oc;
    for (size_t o = 0; o < oc; ++o) {
      float s = gamma[o] / std::sqrt(var[o] + eps);
      for (size_t i = 0; i < per; ++i) w[o * per + i] *= s;
      b[o] = (b[o] - mean[o]) * s + beta[o];
    }
    set_conv_params(g, *conv, w, b);
    g.replace_uses(bn->out(0), conv->out(0));
    folded.push_back(bn.get());
  }
  g.erase_nodes_if([&](const Node& n) { return std::find(folded.begin(), folded.end(), &n) != folded.end(); });
  g.erase_unused_values();
  return !folded.empty();
}

}  // namespace qcc

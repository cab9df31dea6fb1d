// Folds a per-channel affine prologue on the model input into the first convolution.
//
// torchvision's Inception V3 with transform_input=True starts with, for each channel c,
//   Unsqueeze(Gather(x, c, axis=1), 1) * s_c + b_c   followed by Concat(axis=1)
// which is y = x * S + B per channel. When y feeds only an unpadded Conv (padding would insert
// zeros of y, not of x), conv(y, W) + bias = conv(x, W * S) + (bias + sum_{c,kh,kw} W * B).
#include <algorithm>
#include <optional>

#include "passes/pass.h"
#include "passes/util.h"

namespace qcc {

namespace {

struct ChannelAffine {
  Value* x;
  int64_t channel;
  float scale, shift;
};

// The scalar constant operand of a binary node and its other operand.
std::optional<std::pair<float, Value*>> scalar_operand(const Node* n) {
  for (int i = 0; i < 2; ++i) {
    const Value* c = n->in(i);
    if (c && c->is_constant() && shape_numel(c->shape) == 1 && c->dtype == DType::f32)
      return std::make_pair(static_cast<float>(c->data->as_double(0)), n->in(1 - i));
  }
  return std::nullopt;
}

// Matches Add(Mul(Unsqueeze(Gather(x, c, axis=1), axes=[1]), s), b) feeding the concat.
std::optional<ChannelAffine> match_channel(const Value* v) {
  const Node* add = v->producer;
  if (!add || add->op != Op::Add) return std::nullopt;
  auto b = scalar_operand(add);
  const Node* mul = b ? b->second->producer : nullptr;
  if (!mul || mul->op != Op::Mul) return std::nullopt;
  auto s = scalar_operand(mul);
  const Node* unsq = s ? s->second->producer : nullptr;
  if (!unsq || unsq->op != Op::Unsqueeze || unsq->attrs.ints("axes") != std::vector<int64_t>{1})
    return std::nullopt;
  const Node* gather = unsq->in(0)->producer;
  if (!gather || gather->op != Op::Gather || gather->attrs.i("axis") != 1) return std::nullopt;
  const Value* idx = gather->in(1);
  if (!idx->is_constant() || shape_numel(idx->shape) != 1 || idx->rank() != 0) return std::nullopt;
  return ChannelAffine{gather->in(0), idx->data->as_int(0), s->first, b->first};
}

bool fold_into_conv(Graph& g, Node& concat, Value* x, const std::vector<float>& scale,
                    const std::vector<float>& shift) {
  Node* conv = sole_user(g, concat.out(0));
  std::vector<float> w, b;
  if (!conv || conv->op != Op::Conv || conv->in(0) != concat.out(0) || conv->attrs.i("group", 1) != 1)
    return false;
  auto pads = conv->attrs.ints("pads", {0, 0, 0, 0});
  if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p != 0; })) return false;
  if (!conv_params(*conv, w, b)) return false;
  const int64_t oc = conv->in(1)->shape[0], ic = conv->in(1)->shape[1];
  const int64_t taps = conv->in(1)->shape[2] * conv->in(1)->shape[3];
  for (int64_t o = 0; o < oc; ++o)
    for (int64_t c = 0; c < ic; ++c)
      for (int64_t t = 0; t < taps; ++t) {
        float& wv = w[(o * ic + c) * taps + t];
        b[o] += wv * shift[c];
        wv *= scale[c];
      }
  set_conv_params(g, *conv, w, b);
  conv->inputs[0] = x;
  return true;
}

}  // namespace

bool run_fold_input_affine(Graph& g, const PassContext& ctx) {
  bool changed = false;
  for (const auto& n : g.nodes()) {
    if (n->op != Op::Concat || n->out(0)->rank() != 4 || n->attrs.i("axis") != 1) continue;
    std::vector<float> scale, shift;
    Value* x = nullptr;
    bool ok = true;
    for (size_t c = 0; c < n->inputs.size() && ok; ++c) {
      auto m = match_channel(n->inputs[c]);
      ok = m && m->channel == static_cast<int64_t>(c) && (!x || m->x == x);
      if (!ok) break;
      x = m->x;
      scale.push_back(m->scale);
      shift.push_back(m->shift);
    }
    if (!ok || !x || x->rank() != 4 || x->shape[1] != static_cast<int64_t>(n->inputs.size())) continue;
    changed |= fold_into_conv(g, *n, x, scale, shift);
  }
  if (changed) run_dead_code(g, ctx);
  return changed;
}

}  // namespace qcc

#include "passes/util.h"

namespace qcc {

Node* sole_user(const Graph& g, const Value* v) {
  if (g.is_graph_output(v)) return nullptr;
  auto users = g.users(v);
  return users.size() == 1 ? users[0] : nullptr;
}

bool conv_params(const Node& conv, std::vector<float>& w, std::vector<float>& b) {
  const Value* wv = conv.in(1);
  const Value* bv = conv.in(2);
  if (!wv || !wv->is_constant() || wv->dtype != DType::f32) return false;
  if (bv && (!bv->is_constant() || bv->dtype != DType::f32)) return false;
  w = wv->data->to_floats();
  b = bv ? bv->data->to_floats() : std::vector<float>(wv->shape[0], 0.f);
  return true;
}

void set_conv_params(Graph& g, Node& conv, const std::vector<float>& w, const std::vector<float>& b) {
  Shape ws = conv.in(1)->shape;
  std::string base = conv.name;
  Value* nw = g.add_constant(base + ".weight", Tensor::from_floats(ws, w));
  Value* nb = g.add_constant(base + ".bias", Tensor::from_floats({ws[0]}, b));
  conv.inputs.resize(3);
  conv.inputs[1] = nw;
  conv.inputs[2] = nb;
}

std::vector<size_t> data_inputs(const Node& n) {
  if (!op_has(n.op, kAllData)) return {0};
  std::vector<size_t> all(n.inputs.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
}

std::set<const Value*> nonnegative_values(const Graph& g) {
  std::set<const Value*> out;
  for (const auto& n : g.nodes()) {
    const Value* y = n->out(0);
    if (!y) continue;
    bool ok = y->dtype == DType::u8 || n->op == Op::Relu || n->activation == Activation::relu;
    if (!ok && op_has(n->op, kKeepsSign)) {
      ok = true;
      for (size_t i : data_inputs(*n)) ok &= n->in(i) && out.count(n->in(i)) != 0;
    }
    if (ok) out.insert(y);
  }
  return out;
}

}  // namespace qcc

// A QuantizeLinear to s8 with zero point 0 whose value only feeds int8 convolutions (the image
// of an int8 model) becomes u8 with zero point 128: the same integers plus 128, so the convs
// compute exactly what they did. VNNI multiplies u8 by s8 only, so a signed input is flipped to
// u8 while each row is packed; unsigned, the first conv reads its window rows in place.
#include "passes/pass.h"

namespace qcc {

namespace {

bool zero_is_zero(const Value* z) {
  if (!z) return true;
  if (!z->is_constant()) return false;
  for (int64_t i = 0; i < z->data->numel(); ++i)
    if (z->data->as_int(i) != 0) return false;
  return true;
}

// Reads of v that accept the shifted integers: the data input of int8 convolutions whose
// kernels would otherwise read it as signed bytes.
bool only_signed_conv_inputs(const Graph& g, const Value* v) {
  const std::vector<Node*> readers = g.users(v);
  if (readers.empty() || g.is_graph_output(v)) return false;
  for (const Node* r : readers) {
    if (r->op != Op::Conv || r->input_nonneg) return false;
    for (size_t i = 1; i < r->inputs.size(); ++i)
      if (r->inputs[i] == v) return false;
  }
  return true;
}

}  // namespace

bool run_unsigned_conv_input(Graph& g, const PassContext&) {
  bool changed = false;
  for (Node* n : g.node_order()) {
    Value* y = n->out(0);
    if (n->op != Op::QuantizeLinear || !y || y->dtype != DType::s8 || !y->quant ||
        !y->quant->per_tensor() || !zero_is_zero(n->in(2)) || !only_signed_conv_inputs(g, y))
      continue;
    Tensor zero(DType::u8, n->in(2) ? n->in(2)->shape : Shape{});
    zero.data<uint8_t>()[0] = 128;
    Value* z = g.add_constant(y->name + "_zero_u8", std::move(zero));
    if (n->inputs.size() < 3) n->inputs.resize(3, nullptr);
    n->inputs[2] = z;
    y->dtype = DType::u8;
    y->quant->zero_point = {128};
    changed = true;
  }
  return changed;
}

}  // namespace qcc

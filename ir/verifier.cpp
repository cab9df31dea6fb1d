#include "ir/verifier.h"

#include <set>

namespace qcc {

std::string verify(const Graph& g) {
  std::set<const Value*> defined(g.inputs.begin(), g.inputs.end());
  for (const auto& v : g.values())
    if (v->is_constant()) {
      defined.insert(v.get());
      if (v->data->dtype() != v->dtype || v->data->shape() != v->shape)
        return "constant '" + v->name + "' disagrees with its data's type";
    }
  for (const auto& n : g.nodes()) {
    for (size_t i = 0; i < n->inputs.size(); ++i) {
      const Value* in = n->inputs[i];
      if (in && !defined.count(in))
        return n->label() + ": input " + std::to_string(i) + " '" + in->name +
               "' is not defined before use";
    }
    for (const Value* o : n->outputs) {
      if (!o) continue;
      if (defined.count(o)) return n->label() + ": output '" + o->name + "' defined twice";
      if (o->producer != n.get()) return n->label() + ": output '" + o->name + "' has wrong producer";
      if (o->quant && o->quant->scale.size() != o->quant->zero_point.size())
        return "value '" + o->name + "': scale and zero point counts differ";
      defined.insert(o);
    }
  }
  for (const Value* o : g.outputs)
    if (!defined.count(o)) return "graph output '" + o->name + "' is never produced";
  return {};
}

}  // namespace qcc

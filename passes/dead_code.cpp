// Dead-code elimination: drops nodes none of whose outputs reach a graph output, then values
// nothing refers to.
#include <set>

#include "passes/pass.h"

namespace qcc {

bool run_dead_code(Graph& g, const PassContext&) {
  std::set<const Value*> needed(g.outputs.begin(), g.outputs.end());
  std::set<const Node*> live;
  const auto& nodes = g.nodes();
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    const Node& n = **it;
    bool used = false;
    for (const Value* o : n.outputs) used |= o && needed.count(o);
    if (!used) continue;
    live.insert(&n);
    needed.insert(n.inputs.begin(), n.inputs.end());
  }
  size_t before = nodes.size(), values = g.values().size();
  g.erase_nodes_if([&](const Node& n) { return !live.count(&n); });
  g.erase_unused_values();
  return g.nodes().size() != before || g.values().size() != values;
}

}  // namespace qcc

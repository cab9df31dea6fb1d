// Folds a zero constant Pad over the spatial axes into the Conv or AveragePool that reads it.
// For AveragePool the padded zeros were counted by the divisor, so the fused pool uses
// count_include_pad = 1 (only valid when the pool had no padding of its own and no ceil mode).
#include <algorithm>

#include "passes/pass.h"
#include "passes/util.h"

namespace qcc {

namespace {

// Spatial pads (top, left, bottom, right) of a 4-D zero Pad that leaves N and C alone.
bool spatial_zero_pads(const Node& pad, std::vector<int64_t>& hw) {
  if (pad.attrs.s("mode", "constant") != "constant" || pad.attrs.f("value", 0.f) != 0.f) return false;
  auto p = pad.attrs.ints("pads");
  if (p.size() != 8 || p[0] || p[1] || p[4] || p[5]) return false;
  if (std::any_of(p.begin(), p.end(), [](int64_t v) { return v < 0; })) return false;
  hw = {p[2], p[3], p[6], p[7]};
  return true;
}

bool absorbs(const Node& n) {
  if (n.op == Op::Conv) return true;
  if (n.op != Op::AveragePool || n.attrs.i("ceil_mode", 0)) return false;
  auto own = n.attrs.ints("pads", {0, 0, 0, 0});
  bool unpadded = std::all_of(own.begin(), own.end(), [](int64_t v) { return v == 0; });
  return unpadded || n.attrs.i("count_include_pad", 0);
}

}  // namespace

bool run_fold_pad(Graph& g, const PassContext&) {
  std::vector<Node*> folded;
  for (const auto& pad : g.nodes()) {
    std::vector<int64_t> hw;
    if (pad->op != Op::Pad || !spatial_zero_pads(*pad, hw)) continue;
    Node* user = sole_user(g, pad->out(0));
    if (!user || user->in(0) != pad->out(0) || !absorbs(*user)) continue;
    auto own = user->attrs.ints("pads", {0, 0, 0, 0});
    for (int i = 0; i < 4; ++i) own[i] += hw[i];
    user->attrs.set("pads", own);
    if (user->op == Op::AveragePool) user->attrs.set("count_include_pad", int64_t{1});
    user->inputs[0] = pad->in(0);
    folded.push_back(pad.get());
  }
  g.erase_nodes_if([&](const Node& n) { return std::find(folded.begin(), folded.end(), &n) != folded.end(); });
  g.erase_unused_values();
  return !folded.empty();
}

}  // namespace qcc

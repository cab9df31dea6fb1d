#include "runtime/memory_plan.h"

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>

#include "ir/printable.h"

namespace qcc {

namespace {

constexpr size_t kAlign = 64;

size_t value_bytes(const Value& v) {
  auto bytes = shape_bytes(v.shape, v.dtype);
  if (!bytes) throw std::runtime_error("value '" + printable(v.name) + "' has no static, addressable shape at planning: " + shape_str(v.shape));
  return *bytes;
}

int64_t last_dim(const Value& v) { return v.shape.empty() ? 1 : v.shape.back(); }

// Where a value lives relative to its storage root.
struct Slot {
  const Value* root;
  size_t offset;
  int64_t stride;
  bool slice;
};

struct Lifetime {
  int begin = std::numeric_limits<int>::max();
  int end = -1;
  size_t bytes = 0;
  size_t offset = 0;
};

bool single_use_by(const Graph& g, const Value* v, const Node* user) {
  auto users = g.users(v);
  if (users.size() != 1 || users[0] != user || g.is_graph_output(v)) return false;
  return std::count(user->inputs.begin(), user->inputs.end(), v) == 1;
}

// Places eligible concat inputs inside the concat output (outermost concat first).
void place_concat_slices(const Graph& g, bool (*strided_writer)(const Node&),
                         std::map<const Value*, Slot>& slot) {
  const auto& nodes = g.nodes();
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    const Node& c = **it;
    if (c.op != Op::Concat) continue;
    const Value* out = c.out(0);
    int rank = out->rank();
    if (rank == 0 || (c.attrs.i("axis") != rank - 1 && c.attrs.i("axis") != -1)) continue;
    const Slot& os = slot.at(out);
    int64_t channel = 0;
    for (const Value* in : c.inputs) {
      bool ok = in->producer && strided_writer(*in->producer) && single_use_by(g, in, &c) &&
                in->dtype == out->dtype && !slot.at(in).slice;
      if (ok) slot[in] = {os.root, os.offset + channel * dtype_size(out->dtype), os.stride, true};
      channel += last_dim(*in);
    }
  }
}

}  // namespace

bool is_alias_op(const Node& n) { return op_has(n.op, kView); }

MemoryPlan plan_memory(const Graph& g, bool (*strided_writer)(const Node&)) {
  MemoryPlan plan;
  std::map<const Value*, Slot> slot;
  for (const Value* v : g.inputs) slot[v] = {v, 0, last_dim(*v), false};
  for (const auto& n : g.nodes())
    for (const Value* o : n->outputs)
      if (o) {
        slot[o] = {o, 0, last_dim(*o), false};
        plan.unshared_bytes += value_bytes(*o);
      }
  place_concat_slices(g, strided_writer, slot);
  // Reshape-like outputs share the storage of a dense, non-constant input.
  for (const auto& n : g.nodes()) {
    if (!is_alias_op(*n)) continue;
    const Value* in = n->in(0);
    if (in->is_constant() || !slot.count(in)) continue;
    const Slot& s = slot.at(in);
    Slot& o = slot.at(n->out(0));
    if (!s.slice && !o.slice) o = {s.root, s.offset, last_dim(*n->out(0)), false};
  }

  // Lifetimes per storage root, in step indices (graph inputs live from -1, outputs to the end).
  std::map<const Value*, Lifetime> life;
  auto touch = [&](const Value* v, int step) {
    auto it = slot.find(v);
    if (it == slot.end()) return;
    Lifetime& l = life[it->second.root];
    l.begin = std::min(l.begin, step);
    l.end = std::max(l.end, step);
  };
  const int last = static_cast<int>(g.nodes().size());
  for (const Value* v : g.inputs) touch(v, -1);
  for (int i = 0; i < last; ++i) {
    const Node& n = *g.nodes()[i];
    for (const Value* v : n.inputs) touch(v, i);
    for (const Value* v : n.outputs) touch(v, i);
  }
  for (const Value* v : g.outputs) touch(v, last);
  for (auto& [root, l] : life) l.bytes = (value_bytes(*root) + kAlign - 1) / kAlign * kAlign;

  // Greedy: largest first, lowest offset that overlaps no placed storage alive at the same time.
  std::vector<std::pair<const Value*, Lifetime*>> order;
  for (auto& [root, l] : life) order.push_back({root, &l});
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.second->bytes > b.second->bytes; });
  std::vector<Lifetime*> placed;
  for (auto& [root, l] : order) {
    std::vector<std::pair<size_t, size_t>> busy;
    for (Lifetime* p : placed)
      if (p->begin <= l->end && l->begin <= p->end) busy.push_back({p->offset, p->offset + p->bytes});
    std::sort(busy.begin(), busy.end());
    size_t off = 0;
    for (auto [b, e] : busy) {
      if (off + l->bytes <= b) break;
      off = std::max(off, e);
    }
    l->offset = off;
    placed.push_back(l);
    plan.arena_bytes = std::max(plan.arena_bytes, off + l->bytes);
  }
  for (auto& [v, s] : slot)
    plan.place[v] = {life.at(s.root).offset + s.offset, s.stride, s.slice};
  return plan;
}

}  // namespace qcc

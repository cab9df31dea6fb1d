#include "runtime/session.h"

#include <set>
#include <stdexcept>

#include "ir/shape_inference.h"

namespace qcc {

namespace {

// Constant folding may not multiply a model's data: a node whose outputs have more elements than
// the distinct constants it reads (plus room for shape arithmetic) is left to run at inference
// time, where the plan's memory limit applies. Otherwise a tiny file could fold into gigabytes (a
// Pad, an outer product, one constant concatenated with itself a thousand times). Elements, not
// bytes: dequantizing int8 weights to float (4x the bytes, never more elements) must fold.
bool folding_stays_small(const Node& n) {
  constexpr uint64_t kSlack = 16 << 10;
  std::set<const Value*> distinct(n.inputs.begin(), n.inputs.end());
  uint64_t in = 0, out = 0;
  for (const Value* v : distinct)
    if (v) in += static_cast<uint64_t>(v->data->numel());
  for (const Value* o : n.outputs) {
    if (!o) continue;
    if (!shape_bytes(o->shape, o->dtype)) return false;  // unknown or overflowing shape
    out += static_cast<uint64_t>(shape_numel(o->shape));
  }
  return out <= in + kSlack;
}

}  // namespace

bool evaluate_node(const Node& n, std::vector<Tensor>& outputs) {
  if (!folding_stays_small(n)) return false;
  Graph g;
  std::vector<Value*> ins, outs;
  for (const Value* v : n.inputs) ins.push_back(v ? g.add_constant(v->name, Tensor(*v->data)) : nullptr);
  for (const Value* v : n.outputs) {
    Value* o = v ? g.add_value(v->name, v->dtype, v->shape) : nullptr;
    outs.push_back(o);
    if (o) g.outputs.push_back(o);
  }
  Node* c = g.add_node(n.op, n.name, ins, outs);
  c->attrs = n.attrs;
  try {
    outputs = Plan(std::move(g)).run({});
  } catch (const std::runtime_error&) {
    return false;  // no kernel for this node here: leave it to run at inference time
  }
  return true;
}

PassContext runtime_pass_context() {
  PassContext ctx;
  ctx.evaluate = evaluate_node;
  return ctx;
}

void prepare_graph(Graph& g, bool optimize) {
  PassContext ctx = runtime_pass_context();
  if (optimize) run_pipeline(g, optimize_pipeline(), ctx);
  run_pipeline(g, lower_pipeline(), ctx);
}

int checked_threads(int threads) {
  if (threads > kMaxThreads)
    throw std::invalid_argument("threads " + std::to_string(threads) + " above the maximum of " +
                                std::to_string(kMaxThreads));
  return threads > 0 ? threads : tbb::task_arena::automatic;
}

Session::Session(Graph g, int threads, bool optimize, uint64_t max_bytes)
    : g_(std::move(g)), arena_(checked_threads(threads)), max_bytes_(max_bytes) {
  prepare_graph(g_, optimize);
}

Plan& Session::plan_for(const std::vector<Shape>& shapes) {
  auto it = plans_.find(shapes);
  if (it != plans_.end()) return *it->second;
  if (shapes.size() != g_.inputs.size())
    throw std::runtime_error("model takes " + std::to_string(g_.inputs.size()) + " inputs, got " +
                             std::to_string(shapes.size()));
  Graph g = g_.clone();
  for (size_t i = 0; i < shapes.size(); ++i) {
    const Shape& want = g.inputs[i]->shape;
    bool ok = want.size() == shapes[i].size();
    for (size_t d = 0; ok && d < want.size(); ++d) ok = want[d] < 0 || want[d] == shapes[i][d];
    if (!ok)
      throw std::runtime_error("input '" + g.inputs[i]->name + "' expects shape " + shape_str(want) +
                               ", got " + shape_str(shapes[i]));
    g.inputs[i]->shape = shapes[i];
  }
  infer_shapes(g);
  PassContext ctx = runtime_pass_context();
  run_constant_fold(g, ctx);  // shape arithmetic on the now-static batch
  std::unique_ptr<Plan> plan;
  arena_.execute([&] { plan = std::make_unique<Plan>(std::move(g), max_bytes_); });
  return *(plans_[shapes] = std::move(plan));
}

std::vector<Tensor> Session::run(const std::vector<Tensor>& inputs) {
  std::vector<Shape> shapes;
  for (const Tensor& t : inputs) shapes.push_back(t.shape());
  Plan& plan = plan_for(shapes);
  std::vector<Tensor> out;
  arena_.execute([&] { out = plan.run(inputs); });
  return out;
}

}  // namespace qcc

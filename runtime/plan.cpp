#include "runtime/plan.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <tbb/task_arena.h>

#include "kernels/tensor_ops.h"

namespace qcc {

namespace {
void* aligned_arena(size_t bytes) {
  void* p = std::aligned_alloc(64, std::max<size_t>(64, (bytes + 63) / 64 * 64));
  if (!p) throw std::bad_alloc();
  return p;
}
}  // namespace

Plan::Plan(Graph g) : g_(std::move(g)), arena_(nullptr, std::free) {
  mem_ = plan_memory(g_, step_writes_strided);
  arena_.reset(static_cast<uint8_t*>(aligned_arena(mem_.arena_bytes)));
  size_t scratch = 0;
  auto binder = [this](const Value* v) { return bind(v); };
  for (const auto& n : g_.nodes()) {
    steps_.push_back(make_step(*n, binder));
    step_nodes_.push_back(n.get());
    scratch = std::max(scratch, steps_.back()->scratch_bytes());
    const Value* o = n->out(0);
    profile_.push_back({n->name, n->op, o ? dtype_name(o->dtype) : "", steps_.back()->macs(), 0, 0});
  }
  // One scratch buffer per thread slot the arena can hand out.
  int slots = tbb::this_task_arena::max_concurrency();
  scratch_.assign(std::max(slots, 1), std::vector<uint8_t>(scratch));
}

Bound Plan::bind(const Value* v) {
  Bound b;
  b.dtype = v->dtype;
  b.shape = v->shape;
  b.pixel_stride = v->shape.empty() ? 1 : v->shape.back();
  if (v->is_constant()) {
    b.data = const_cast<uint8_t*>(v->data->raw());  // steps never write their inputs
    return b;
  }
  const Placement& p = mem_.place.at(v);
  b.data = arena_.get() + p.offset;
  b.pixel_stride = p.pixel_stride;
  return b;
}

std::vector<Tensor> Plan::run(const std::vector<Tensor>& inputs) {
  if (inputs.size() != g_.inputs.size())
    throw std::runtime_error("model takes " + std::to_string(g_.inputs.size()) + " inputs, got " +
                             std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value* v = g_.inputs[i];
    if (inputs[i].dtype() != v->dtype || inputs[i].shape() != v->shape)
      throw std::runtime_error("input '" + v->name + "' expects " + dtype_name(v->dtype) +
                               shape_str(v->shape) + ", got " + dtype_name(inputs[i].dtype()) +
                               shape_str(inputs[i].shape()));
    std::memcpy(bind(v).data, inputs[i].raw(), inputs[i].nbytes());
    if (observer_) observer_(*v, bind(v));
  }
  ExecContext ctx{&scratch_};
  for (size_t i = 0; i < steps_.size(); ++i) {
    if (!profiling_) {
      steps_[i]->run(ctx);
    } else {
      auto t0 = std::chrono::steady_clock::now();
      steps_[i]->run(ctx);
      profile_[i].total_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      ++profile_[i].runs;
    }
    if (observer_)
      for (const Value* v : step_nodes_[i]->outputs)
        if (v) observer_(*v, bind(v));
  }
  std::vector<Tensor> outputs;
  for (const Value* v : g_.outputs) {
    Bound b = bind(v);
    Tensor t(v->dtype, v->shape);
    int64_t cols = v->shape.empty() ? 1 : v->shape.back();
    kernels::copy_rows(b.data, b.pixel_stride, t.raw(), cols, cols ? t.numel() / cols : 0, cols,
                       static_cast<int>(dtype_size(v->dtype)));
    outputs.push_back(std::move(t));
  }
  return outputs;
}

}  // namespace qcc

#include "runtime/plan.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <tbb/task_arena.h>

#include "ir/printable.h"
#include "kernels/tensor_ops.h"

namespace qcc {

namespace {
void* aligned_arena(size_t bytes) {
  void* p = std::aligned_alloc(64, std::max<size_t>(64, (bytes + 63) / 64 * 64));
  if (!p) throw std::bad_alloc();
  return p;
}


void check_memory(const char* what, uint64_t bytes, uint64_t max_bytes) {
  if (bytes > max_bytes)
    throw std::runtime_error(std::string(what) + " needs " + std::to_string(bytes) + " bytes, over the limit of " +
                             std::to_string(max_bytes) + " (--max-model-bytes; a smaller --batch needs less)");
}

// Kernels that tile or average over their operands' extents have nothing to do on an empty
// tensor (and would divide by its zero extent): such a node is an error, not a silent no-op.
void check_not_empty(const Node& n) {
  if (n.op != Op::Conv && n.op != Op::Gemm && n.op != Op::MatMul && n.op != Op::MaxPool &&
      n.op != Op::AveragePool && n.op != Op::GlobalAveragePool && n.op != Op::Softmax &&
      n.op != Op::BatchNormalization)
    return;
  for (const Value* v : n.inputs)
    if (v && shape_numel(v->shape) == 0)
      throw std::runtime_error(n.label() + ": empty operand '" + printable(v->name) + "' " + shape_str(v->shape));
  if (shape_numel(n.out(0)->shape) == 0) throw std::runtime_error(n.label() + ": empty output " + shape_str(n.out(0)->shape));
}

// A batch of images is megabytes (16 Inception inputs: 17 MB): copied into the arena by all
// threads.
void copy_input(const void* src, void* dst, size_t bytes) {
  constexpr size_t kPiece = 1 << 20;
  parallel_for_tasks(static_cast<int64_t>((bytes + kPiece - 1) / kPiece),
                     [&](int64_t b, int64_t e) {
                       const size_t begin = b * kPiece, end = std::min(bytes, e * kPiece);
                       std::memcpy(static_cast<uint8_t*>(dst) + begin,
                                   static_cast<const uint8_t*>(src) + begin, end - begin);
                     });
}

}  // namespace

Plan::Plan(Graph g, uint64_t max_bytes) : g_(std::move(g)), arena_(nullptr, std::free) {
  mem_ = plan_memory(g_, step_writes_strided);
  check_memory("the activations", mem_.arena_bytes, max_bytes);
  for (const auto& n : g_.nodes()) check_not_empty(*n);
  arena_.reset(static_cast<uint8_t*>(aligned_arena(mem_.arena_bytes)));
  size_t scratch = 0;
  auto binder = [this](const Value* v) { return bind(v); };
  for (const auto& n : g_.nodes()) {
    steps_.push_back(make_step(*n, binder));
    step_nodes_.push_back(n.get());
    scratch = std::max(scratch, steps_.back()->scratch_bytes());
    const Value* o = n->out(0);
    const Step& s = *steps_.back();
    profile_.push_back({n->name, n->op, o ? dtype_name(o->dtype) : "", s.macs(), s.isa(), s.kind(), s.integer(), 0, 0});
  }
  // One scratch buffer per thread slot the arena can hand out.
  const size_t slots = std::max(tbb::this_task_arena::max_concurrency(), 1);
  check_memory("the activations and per-thread scratch", mem_.arena_bytes + slots * scratch, max_bytes);
  scratch_.assign(slots, std::vector<uint8_t>(scratch));
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
    copy_input(inputs[i].raw(), bind(v).data, inputs[i].nbytes());
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

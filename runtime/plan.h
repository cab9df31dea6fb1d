// A compiled plan: the graph for one set of concrete input shapes, its memory plan, and a step
// per node with every pointer resolved. Running it copies inputs in, runs the steps in order and
// copies outputs out; nothing is allocated on the hot path.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/memory_plan.h"
#include "runtime/step.h"

namespace qcc {

struct StepProfile {
  std::string name;
  Op op;
  std::string dtype;
  int64_t macs = 0;
  std::string isa;   ///< the kernel variant the step runs ("" for views and copies)
  std::string kind;  ///< kernel kind ("1x1", "kxk", "winograd", "pool", ...)
  bool integer = false;
  double total_ms = 0;
  int64_t runs = 0;
};

class Plan {
 public:
  /// `g` must have static shapes and be lowered (NHWC). Throws naming the first unbindable node,
  /// or when the arena and scratch buffers would take more than `max_bytes` (checked before they
  /// are allocated: a model's declared shapes must not make qcc allocate without bound).
  explicit Plan(Graph g, uint64_t max_bytes = kDefaultMaxModelBytes);

  /// Runs on `inputs` (one per graph input, matching dtype and shape). Call inside the session's
  /// task arena so kernels use its threads.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs);

  void set_profiling(bool on) { profiling_ = on; }
  /// Called with each graph input once copied in, then after every step with each value it
  /// produced (calibration, per-layer comparison); empty = off.
  using Observer = std::function<void(const Value&, const Bound&)>;
  void set_observer(Observer fn) { observer_ = std::move(fn); }
  const std::vector<StepProfile>& profile() const { return profile_; }
  const Graph& graph() const { return g_; }
  const MemoryPlan& memory() const { return mem_; }

 private:
  Bound bind(const Value* v);

  Graph g_;
  MemoryPlan mem_;
  std::unique_ptr<uint8_t, void (*)(void*)> arena_;
  std::vector<const Node*> step_nodes_;
  std::vector<std::unique_ptr<Step>> steps_;
  std::vector<std::vector<uint8_t>> scratch_;
  std::vector<StepProfile> profile_;
  bool profiling_ = false;
  Observer observer_;
};

}  // namespace qcc

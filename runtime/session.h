// A loaded model ready to run: the optimized, lowered graph (dynamic batch) plus one compiled
// plan per input shape seen, all executed inside one tbb::task_arena.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <tbb/task_arena.h>

#include "ir/graph.h"
#include "passes/pass.h"
#include "runtime/plan.h"

namespace qcc {

/// The runtime's constant evaluator for passes (builds and runs a one-node plan).
bool evaluate_node(const Node& n, std::vector<Tensor>& outputs);
/// PassContext wired to the runtime evaluator.
PassContext runtime_pass_context();

/// Runs the optimization pipeline (unless `optimize` is false) and the lowering the runtime
/// needs on an imported graph.
void prepare_graph(Graph& g, bool optimize = true);

/// Highest thread count a session takes (0 = all cores).
constexpr int kMaxThreads = 1024;
/// `threads` as a task arena size (<= 0: automatic); throws std::invalid_argument above kMaxThreads.
int checked_threads(int threads);

class Session {
 public:
  /// Takes an imported graph, optimizes (unless told not to: tests compare a pass against the
  /// unoptimized graph) and lowers it. threads <= 0: all cores; above kMaxThreads: an error.
  /// Each plan's working memory is bounded by `max_bytes` (see Plan).
  Session(Graph g, int threads, bool optimize = true, uint64_t max_bytes = kDefaultMaxModelBytes);

  std::vector<Tensor> run(const std::vector<Tensor>& inputs);
  /// The plan for these input shapes (compiled on first use).
  Plan& plan_for(const std::vector<Shape>& input_shapes);

  const Graph& graph() const { return g_; }
  int threads() const { return arena_.max_concurrency(); }
  tbb::task_arena& arena() { return arena_; }

 private:
  Graph g_;
  tbb::task_arena arena_;
  uint64_t max_bytes_;
  std::map<std::vector<Shape>, std::unique_ptr<Plan>> plans_;
};

}  // namespace qcc

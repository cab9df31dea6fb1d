// Passes are functions over the IR: `bool run_<name>(Graph&, const PassContext&)` returns whether
// the graph changed. Pipelines are named lists of passes; the graph is verified after each pass.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qcc {

struct PassContext {
  /// Computes a node's outputs from its constant inputs; false when it cannot (supplied by the
  /// runtime so passes stay free of kernels).
  std::function<bool(const Node&, std::vector<Tensor>&)> evaluate;
  bool verify = true;
};

using PassFn = bool (*)(Graph&, const PassContext&);
struct PassInfo {
  const char* name;
  PassFn run;
};

bool run_dead_code(Graph& g, const PassContext& ctx);
bool run_constant_fold(Graph& g, const PassContext& ctx);
bool run_fold_batchnorm(Graph& g, const PassContext& ctx);
bool run_fold_input_affine(Graph& g, const PassContext& ctx);
bool run_fuse_activation(Graph& g, const PassContext& ctx);
bool run_fold_pad(Graph& g, const PassContext& ctx);
bool run_lower_qdq(Graph& g, const PassContext& ctx);
bool run_dequantize(Graph& g, const PassContext& ctx);
bool run_fold_constant_dequantize(Graph& g, const PassContext& ctx);
bool run_unsigned_conv_input(Graph& g, const PassContext& ctx);
bool run_layout_nhwc(Graph& g, const PassContext& ctx);

/// Runs passes in order; throws std::runtime_error naming the pass if the graph stops verifying.
void run_pipeline(Graph& g, const std::vector<PassInfo>& passes, const PassContext& ctx);

/// Graph-level optimizations every precision gets; the result is still standard ONNX (the
/// compiler exports it).
const std::vector<PassInfo>& optimize_pipeline();
/// Lowering to the runtime's conventions (QDQ to integer ops, NHWC activations): after this the
/// graph is the runtime's, never exported.
const std::vector<PassInfo>& lower_pipeline();

}  // namespace qcc

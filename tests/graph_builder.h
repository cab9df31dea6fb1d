// Builds small NCHW graphs for pass and runtime tests, and runs them.
#pragma once

#include <string>

#include "ir/graph.h"
#include "ir/shape_inference.h"
#include "runtime/session.h"
#include "test_util.h"

namespace qcc::test {

class GraphBuilder {
 public:
  explicit GraphBuilder(uint32_t seed = 1) : seed_(seed) {}

  Value* input(const std::string& name, Shape s) {
    Value* v = g_.add_value(name, DType::f32, std::move(s));
    g_.inputs.push_back(v);
    return v;
  }
  Value* constant(const std::string& name, Shape s, float lo = -1.f, float hi = 1.f) {
    return g_.add_constant(name, random_tensor(std::move(s), seed_++, lo, hi));
  }
  Value* constant_ints(const std::string& name, std::vector<int64_t> v) {
    return g_.add_constant(name, Tensor::from_ints({static_cast<int64_t>(v.size())}, v));
  }
  /// Appends a node and infers its output (single output unless `outputs` > 1).
  Node* node(Op op, std::vector<Value*> ins, Attrs attrs = {}, int outputs = 1) {
    std::vector<Value*> outs;
    for (int i = 0; i < outputs; ++i) outs.push_back(g_.add_value(std::string(op_name(op)) + "_out", DType::f32));
    Node* n = g_.add_node(op, std::string(op_name(op)) + "_" + std::to_string(g_.nodes().size()), ins, outs);
    n->attrs = std::move(attrs);
    infer_node(*n, true);
    return n;
  }
  Node* conv(Value* x, int64_t out_c, int64_t k, int64_t pad = 0, int64_t stride = 1) {
    int64_t in_c = x->shape[1];
    Attrs a;
    a.set("kernel_shape", std::vector<int64_t>{k, k});
    a.set("pads", std::vector<int64_t>{pad, pad, pad, pad});
    a.set("strides", std::vector<int64_t>{stride, stride});
    return node(Op::Conv, {x, constant("w", {out_c, in_c, k, k}, -0.5f, 0.5f), constant("b", {out_c})}, a);
  }
  void output(Value* v) { g_.outputs.push_back(v); }
  Graph& graph() { return g_; }
  Graph take() { return std::move(g_); }

 private:
  Graph g_;
  uint32_t seed_;
};

inline Attrs attrs(std::initializer_list<std::pair<std::string, AttrValue>> kv) {
  Attrs a;
  for (auto& [k, v] : kv) a.set(k, v);
  return a;
}

/// Runs a graph with only the lowering the runtime needs (no optimization passes).
inline std::vector<Tensor> run_plain(const Graph& g, const std::vector<Tensor>& inputs) {
  Session s(g.clone(), 2, /*optimize=*/false);
  return s.run(inputs);
}

inline int count_ops(const Graph& g, Op op) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->op == op;
  return n;
}

}  // namespace qcc::test

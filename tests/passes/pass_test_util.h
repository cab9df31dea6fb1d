// Checking a pass: it must change the structure as intended and keep the numbers.
#pragma once

#include <gtest/gtest.h>

#include "graph_builder.h"
#include "passes/pass.h"

namespace qcc::test {

/// Runs `pass` on `g` and checks the outputs against the unrewritten graph on random inputs.
inline void expect_same_numbers(Graph& g, PassFn pass, double tol = 1e-4) {
  std::vector<Tensor> inputs;
  uint32_t seed = 100;
  for (const Value* v : g.inputs) inputs.push_back(random_tensor(v->shape, seed++));
  auto before = run_plain(g, inputs);
  pass(g, runtime_pass_context());
  auto after = run_plain(g, inputs);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    ASSERT_EQ(before[i].shape(), after[i].shape());
    EXPECT_LE(max_rel_diff(after[i].data<float>(), before[i].data<float>(), before[i].numel()), tol);
  }
}

}  // namespace qcc::test

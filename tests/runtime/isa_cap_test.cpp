// The kernel configuration decides every variant that runs: under QCC_ISA=scalar (set by CTest
// for this test, see tests/CMakeLists.txt) every kernel-running step of an FP32, FP16 and INT8
// model is the scalar one; without a cap, the CPU's best level runs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>

#include "kernels/config.h"
#include "passes/convert_fp16.h"
#include "small_models.h"

namespace qcc {
namespace {

// Kernel-running steps by ISA, over an FP32, an FP16 and an INT8 version of the model.
std::map<std::string, int> isas_that_ran() {
  Graph g = test::small_inception();
  Graph h = g.clone(), q = g.clone();
  run_convert_fp16(h, nullptr);
  Int8CompileOptions o;
  quantize_from_profile(q, test::small_profile(g), o);
  std::map<std::string, int> count;
  for (Graph* m : {&g, &h, &q}) {
    Session s(m->clone(), 2);
    Tensor x = test::small_images(2, 3);
    Plan& plan = s.plan_for({x.shape()});
    plan.set_profiling(true);
    s.run({x});
    for (const StepProfile& p : plan.profile())
      if (!p.isa.empty()) ++count[p.isa];
  }
  return count;
}

TEST(IsaCapTest, EveryKernelFollowsTheConfiguration) {
  const char* cap = std::getenv("QCC_ISA");
  const std::string want = kernels::isa_level_name(kernels::kernel_config().level);
  if (cap) {
    EXPECT_EQ(want, cap) << "this CPU has every level up to the cap";
  }
  std::map<std::string, int> ran = isas_that_ran();
  ASSERT_EQ(ran.size(), 1u) << "one ISA for every kernel";
  EXPECT_EQ(ran.begin()->first, want);
  EXPECT_GE(ran.begin()->second, 3 * 6 + 6) << "convs, classifiers and pools of all three models";
  EXPECT_EQ(kernels::kernel_config().describe(),
            "gemm=" + want + " winograd=" + want + " pool=" + want + " convert=" + (want == "scalar" ? "scalar" : "avx2"));
}

}  // namespace
}  // namespace qcc

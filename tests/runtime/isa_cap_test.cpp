// The kernel configuration decides every variant that runs: under QCC_ISA=scalar ... avx512vnni
// (set by CTest for this test, see tests/CMakeLists.txt) every kernel-running step of an FP32, FP16
// and INT8 model is that level's; without a cap, the CPU's best level runs. 7-bit weights take the
// level's w7 kernels where it has them (AVX2). Under QCC_ISA=bogus only the error test runs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>

#include "kernels/config.h"
#include "passes/convert_fp16.h"
#include "small_models.h"

namespace qcc {
namespace {

// Kernel-running steps by ISA (only int8 convs and Gemms if `int8_gemms`) of one run of m.
void count_isas(const Graph& m, bool int8_gemms, std::map<std::string, int>& count) {
  Session s(m.clone(), 2);
  Tensor x = test::small_images(2, 3);
  Plan& plan = s.plan_for({x.shape()});
  plan.set_profiling(true);
  s.run({x});
  for (const StepProfile& p : plan.profile())
    if (!p.isa.empty() && (!int8_gemms || (p.integer && (p.op == Op::Conv || p.op == Op::Gemm))))
      ++count[p.isa];
}

// Kernel-running steps by ISA, over an FP32, an FP16 and an INT8 version of the model.
std::map<std::string, int> isas_that_ran() {
  Graph g = test::small_inception();
  Graph h = g.clone(), q = g.clone();
  run_convert_fp16(h, nullptr);
  Int8CompileOptions o;
  quantize_from_profile(q, test::small_profile(g), o);
  std::map<std::string, int> count;
  for (Graph* m : {&g, &h, &q}) count_isas(*m, false, count);
  return count;
}

// Skips when QCC_ISA names a level this CPU lacks (the cap cannot raise the level).
bool cap_unavailable() {
  const char* cap = std::getenv("QCC_ISA");
  const auto level = cap ? kernels::isa_level_named(cap) : std::nullopt;
  return level && kernels::kernel_config_for(*level) == nullptr;
}

TEST(IsaCapTest, EveryKernelFollowsTheConfiguration) {
  if (cap_unavailable()) GTEST_SKIP() << "this CPU lacks " << std::getenv("QCC_ISA");
  const char* cap = std::getenv("QCC_ISA");
  const std::string want = kernels::isa_level_name(kernels::kernel_config().level);
  if (cap && *cap) {
    EXPECT_EQ(want, cap) << "this CPU has every level up to the cap";
  }
  // AVX-VNNI and AMX change only the int8 GEMMs: their other families are AVX2's / AVX-512's.
  const std::string others = want == "avx2vnni" ? "avx2" : want == "amx" ? "avx512vnni" : want;
  std::map<std::string, int> ran = isas_that_ran();
  int steps = 0;
  for (const auto& [isa, n] : ran) {
    EXPECT_TRUE(isa == want || isa == others) << isa << " ran under " << want;
    steps += n;
  }
  EXPECT_GT(ran[want], 0) << "the level's GEMMs ran";
  EXPECT_GE(steps, 3 * 6 + 6) << "convs, classifiers and pools of all three models";
  EXPECT_EQ(kernels::kernel_config().describe(),
            "gemm=" + want + " winograd=" + others + " pool=" + others +
                " convert=" + (want == "scalar" ? "scalar" : "avx2"));
}

TEST(IsaCapTest, SevenBitWeightsRunTheLevelsW7Kernels) {
  if (cap_unavailable()) GTEST_SKIP() << "this CPU lacks " << std::getenv("QCC_ISA");
  Graph g = test::small_inception(), q = g.clone();
  Int8CompileOptions o;
  o.weight_bits = 7;
  quantize_from_profile(q, test::small_profile(g), o);
  std::map<std::string, int> ran;
  count_isas(q, true, ran);
  // The level's w7 variant where it has one (AVX2: "avx2-w7"), else its only int8 kernels.
  const kernels::UkernelSet& set = *kernels::kernel_config().gemm;
  const std::string want = set.get({kernels::AType::u8, kernels::CType::u8, true}).isa;
  ASSERT_EQ(ran.size(), 1u) << "one int8 GEMM variant for every layer";
  EXPECT_EQ(ran.begin()->first, want);
  EXPECT_EQ(ran.begin()->second, 6) << "5 convs and the classifier";
  if (kernels::kernel_config().level == kernels::IsaLevel::avx2) {
    EXPECT_EQ(want, "avx2-w7");
  }
}

// Under QCC_ISA=bogus (ctest isa_cap_unknown): an unknown cap is an error naming the valid levels,
// every time it is asked for, never a silent fall-back to some level.
TEST(IsaCapTest, UnknownCapIsAnError) {
  const char* cap = std::getenv("QCC_ISA");
  if (!cap || !*cap || kernels::isa_level_named(cap)) GTEST_SKIP() << "QCC_ISA names a level";
  const std::string want =
      std::string("QCC_ISA='") + cap + "': expected scalar, avx2, avx2vnni, avx512vnni or amx";
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      kernels::kernel_config();
      ADD_FAILURE() << "an unknown QCC_ISA gave a configuration";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(e.what(), want);
    }
  }
}

}  // namespace
}  // namespace qcc

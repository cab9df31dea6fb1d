// The micro-kernel sets this CPU can run, for parameterized kernel tests (ISAs the CPU lacks are
// skipped, never faked).
#pragma once

#include <vector>

#include "kernels/cpu.h"
#include "kernels/gemm_ukernel.h"

namespace qcc::test {

inline std::vector<const kernels::UkernelSet*> runnable_sets() {
  static const kernels::UkernelSet ref = kernels::ukernels_ref(5, 8);
  std::vector<const kernels::UkernelSet*> sets = {&ref};
  const auto& f = kernels::cpu_features();
  if (f.avx2 && f.fma && f.f16c) sets.push_back(&kernels::ukernels_avx2());
  if (f.avx512_core() && f.avx512vnni) sets.push_back(&kernels::ukernels_avx512());
  return sets;
}

}  // namespace qcc::test

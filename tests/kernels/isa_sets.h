// The micro-kernel sets this CPU can run, for parameterized kernel tests (ISAs the CPU lacks are
// skipped, never faked).
#pragma once

#include <iterator>
#include <string>
#include <vector>

#include "kernels/config.h"
#include "kernels/gemm_ukernel.h"

namespace qcc::test {

/// The kernel configurations of every ISA level this CPU has, scalar first.
inline std::vector<const kernels::KernelConfig*> runnable_configs() {
  std::vector<const kernels::KernelConfig*> out;
  for (auto l : kernels::kIsaLevels)
    if (const kernels::KernelConfig* c = kernels::kernel_config_for(l)) out.push_back(c);
  return out;
}

/// Test parameters index kIsaLevels, so a case keeps its level's name on every CPU.
inline constexpr int kLevels = static_cast<int>(std::size(kernels::kIsaLevels));
inline std::string level_name(int level) {
  return kernels::isa_level_name(kernels::kIsaLevels[level]);
}

/// The micro-kernel set of kIsaLevels[level] (for scalar the reference with an odd 5-row tile),
/// or null when this CPU lacks the level.
inline const kernels::UkernelSet* set_of_level(int level) {
  static const kernels::UkernelSet ref = kernels::ukernels_ref(5, 8);
  if (level == 0) return &ref;
  const kernels::KernelConfig* c = kernels::kernel_config_for(kernels::kIsaLevels[level]);
  return c ? c->gemm : nullptr;
}

/// Every micro-kernel type: f32, f16 and the nine int8 (A, C) combinations, each with 8- and
/// 7-bit weights.
inline std::vector<kernels::GemmType> all_gemm_types() {
  using kernels::AType;
  using kernels::CType;
  std::vector<kernels::GemmType> t = {kernels::kGemmF32, kernels::kGemmF16};
  for (bool w7 : {false, true})
    for (AType a : {AType::u7, AType::u8, AType::s8})
      for (CType c : {CType::s8, CType::u8, CType::f32}) t.push_back({a, c, w7});
  return t;
}

inline std::string gemm_type_name(kernels::GemmType t) {
  static const char* a[] = {"f32", "f16", "u7", "u8", "s8"};
  static const char* c[] = {"f32", "f16", "s8", "u8"};
  if (!t.q8()) return a[static_cast<int>(t.a)];
  return std::string(a[static_cast<int>(t.a)]) + "_" + c[static_cast<int>(t.c)] + "out" +
         (t.w7 ? "_w7" : "");
}

}  // namespace qcc::test

// What each ISA level is, one row per level (kernels/config.cpp holds the rows): the CPU
// features it needs, the variant of every kernel family it runs, and the loops that measure its
// arithmetic peaks. Adding a level is a line in isa_levels.def and a row in config.cpp.
#pragma once

#include <cstdint>

#include "kernels/config.h"
#include "kernels/cpu.h"

namespace qcc::kernels {

struct IsaLevelFacts {
  IsaLevel level;
  bool (*cpu_has)(const CpuFeatures&);
  const UkernelSet& (*gemm)();
  const PoolKernels& (*pool)();
  const ConvertKernels& (*convert)();
  const WinogradKernels& (*winograd)();
  /// MACs done by `iters` iterations of a register-only loop (kernels/peak.h); nullptr for a
  /// level with no peak to speak of (scalar: profiles show GMAC/s only).
  double (*fma_peak)(int64_t iters);
  double (*int8_peak)(int64_t iters);
  const char* int8_how;  ///< the int8 peak's instructions, for the profile's header
};

const IsaLevelFacts& isa_level_facts(IsaLevel level);

}  // namespace qcc::kernels

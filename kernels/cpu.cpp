#include "kernels/cpu.h"

#include <cpuid.h>

#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace qcc::kernels {

namespace {

// One feature bit of CPUID leaf `leaf`, sub-leaf `sub`, register 0..3 = EAX, EBX, ECX, EDX: for
// the features GCC 12's and clang 14's __builtin_cpu_supports cannot name.
bool cpuid_bit(unsigned leaf, unsigned sub, int reg, int bit) {
  unsigned r[4];
  if (!__get_cpuid_count(leaf, sub, &r[0], &r[1], &r[2], &r[3])) return false;
  return (r[reg] >> bit) & 1;
}

// Linux enables AMX's 8 KB tile data state per process on request (arch_prctl
// ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA); without it the first tile instruction faults.
bool os_grants_amx_tiles() {
#if defined(__linux__) && defined(SYS_arch_prctl)
  constexpr int kReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kReqXcompPerm, kXfeatureXtiledata) == 0;
#else
  return false;
#endif
}

CpuFeatures detect() {
  CpuFeatures f;
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  f.f16c = f.avx2;  // every AVX2 CPU qcc targets has F16C; GCC 12 cannot query it by name
  f.avxvnni = cpuid_bit(7, 1, 0, 4);  // leaf 7.1 EAX[4]: AVX-VNNI (its YMM state is AVX2's)
  f.avx512f = __builtin_cpu_supports("avx512f");
  f.avx512bw = __builtin_cpu_supports("avx512bw");
  f.avx512vl = __builtin_cpu_supports("avx512vl");
  f.avx512dq = __builtin_cpu_supports("avx512dq");
  f.avx512vnni = __builtin_cpu_supports("avx512vnni");
  f.amx_int8 = cpuid_bit(7, 0, 3, 24) && cpuid_bit(7, 0, 3, 25) &&  // EDX: AMX-TILE, AMX-INT8
               os_grants_amx_tiles();
  return f;
}
}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = detect();
  return f;
}

}  // namespace qcc::kernels

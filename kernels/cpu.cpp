#include "kernels/cpu.h"

#include <cstdlib>
#include <cstring>

namespace qcc::kernels {

namespace {
CpuFeatures detect() {
  CpuFeatures f;
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  f.f16c = f.avx2;  // every AVX2 CPU qcc targets has F16C; GCC 12 cannot query it by name
  f.avx512f = __builtin_cpu_supports("avx512f");
  f.avx512bw = __builtin_cpu_supports("avx512bw");
  f.avx512vl = __builtin_cpu_supports("avx512vl");
  f.avx512vnni = __builtin_cpu_supports("avx512vnni");
  // QCC_ISA=scalar|avx2 caps the kernels (tests and comparisons of the fallbacks).
  if (const char* cap = std::getenv("QCC_ISA")) {
    if (!std::strcmp(cap, "scalar")) f = CpuFeatures{};
    if (!std::strcmp(cap, "avx2") || !std::strcmp(cap, "scalar"))
      f.avx512f = f.avx512bw = f.avx512vl = f.avx512vnni = false;
    if (!std::strcmp(cap, "avx512")) f.avx512vnni = false;
  }
  return f;
}
}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = detect();
  return f;
}

const char* cpu_isa_name() {
  const CpuFeatures& f = cpu_features();
  if (f.avx512_core() && f.avx512vnni) return "avx512vnni";
  if (f.avx512_core()) return "avx512";
  if (f.avx2 && f.fma) return "avx2";
  return "scalar";
}

}  // namespace qcc::kernels

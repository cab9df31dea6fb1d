// CPU features the kernel tables are chosen from (read once).
#pragma once

namespace qcc::kernels {

struct CpuFeatures {
  bool avx2 = false, fma = false, f16c = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512vnni = false;
  bool avx512_core() const { return avx512f && avx512bw && avx512vl && fma && f16c; }
};

const CpuFeatures& cpu_features();
/// "avx512vnni", "avx512", "avx2" or "scalar": the best kernel family this CPU runs.
const char* cpu_isa_name();

}  // namespace qcc::kernels

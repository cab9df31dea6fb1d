// CPU features the kernel configuration is chosen from (read once; see config.h).
#pragma once

namespace qcc::kernels {

struct CpuFeatures {
  bool avx2 = false, fma = false, f16c = false, avxvnni = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false, avx512vnni = false;
  /// AMX-TILE and AMX-INT8, and the OS granted this process the tile data state.
  bool amx_int8 = false;
  bool avx512_core() const { return avx512f && avx512bw && avx512vl && avx512dq && fma && f16c; }
};

const CpuFeatures& cpu_features();

}  // namespace qcc::kernels

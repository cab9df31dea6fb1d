// This CPU's arithmetic peaks, measured with tiny register-only loops on every thread of the
// current task arena: what "% of peak" in `qcc bench --profile` is relative to.
#pragma once

#include <cstdint>

namespace qcc::kernels {

struct Peaks {
  double fma_gmacs = 0;    ///< float multiply-adds per second (FMA), billions
  double int8_gmacs = 0;   ///< int8 multiply-adds per second with the int8 GEMM's instructions
  const char* int8_how =
      "";  ///< "tdpbusd", "vpdpbusd", "vpdpbusd (256-bit)" or "vpmaddubsw+vpmaddwd+vpaddd"
};

/// Measures once (about 0.1 s per loop) at the configured ISA level; later calls return it.
const Peaks& measured_peaks();

namespace peak {
// Per ISA: MACs done by `iters` iterations of the loop on this thread; the loops keep enough
// independent accumulators to fill the pipelines.
double fma_avx2(int64_t iters);
double int8_avx2(int64_t iters);
double int8_avx2vnni(int64_t iters);
double fma_avx512(int64_t iters);
double int8_avx512(int64_t iters);
double int8_amx(int64_t iters);
}  // namespace peak

}  // namespace qcc::kernels

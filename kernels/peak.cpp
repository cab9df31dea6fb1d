#include "kernels/peak.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>

#include "kernels/config.h"
#include "kernels/isa_levels.h"

namespace qcc::kernels {

namespace {

// GMAC/s of `loop` run on every thread of the arena at once (the best of 3 tries).
double measure(double (*loop)(int64_t)) {
  constexpr int64_t kIters = 2'000'000;
  const int threads = tbb::this_task_arena::max_concurrency();
  double best = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::atomic<double> macs{0};
    auto t0 = std::chrono::steady_clock::now();
    tbb::parallel_for(0, threads, 1, [&](int) {
      double m = loop(kIters), cur = macs.load();
      while (!macs.compare_exchange_weak(cur, cur + m)) {
      }
    });
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, macs.load() / s / 1e9);
  }
  return best;
}

Peaks measure_level(IsaLevel level) {
  const IsaLevelFacts& f = isa_level_facts(level);
  if (!f.fma_peak) return {};
  return {measure(f.fma_peak), measure(f.int8_peak), f.int8_how};
}

}  // namespace

const Peaks& measured_peaks() {
  static const Peaks p = measure_level(kernel_config().level);
  return p;
}

}  // namespace qcc::kernels

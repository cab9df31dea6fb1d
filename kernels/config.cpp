#include "kernels/config.h"

#include <cstdlib>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "kernels/cpu.h"

namespace qcc::kernels {

const char* isa_level_name(IsaLevel l) {
  switch (l) {
    case IsaLevel::scalar: return "scalar";
    case IsaLevel::avx2: return "avx2";
    case IsaLevel::avx2vnni:
      return "avx2vnni";
    case IsaLevel::avx512vnni: return "avx512vnni";
    case IsaLevel::amx:
      return "amx";
  }
  return "?";
}

std::optional<IsaLevel> isa_level_named(const char* name) {
  for (IsaLevel l : kIsaLevels)
    if (!std::strcmp(name, isa_level_name(l))) return l;
  return std::nullopt;
}

// kernel_config_for indexes its table by level.
static_assert([] {
  for (size_t i = 0; i < std::size(kIsaLevels); ++i)
    if (kIsaLevels[i] != static_cast<IsaLevel>(i)) return false;
  return true;
}());

std::string isa_level_list() {
  std::string list;
  for (size_t i = 0; i < std::size(kIsaLevels); ++i)
    list += (i == 0                           ? ""
             : i + 1 == std::size(kIsaLevels) ? " or "
                                              : ", ") +
            std::string(isa_level_name(kIsaLevels[i]));
  return list;
}

namespace {

bool cpu_has(IsaLevel l) {
  const CpuFeatures& f = cpu_features();
  const bool avx2 = f.avx2 && f.fma && f.f16c;
  switch (l) {
    case IsaLevel::scalar: return true;
    case IsaLevel::avx2: return avx2;
    case IsaLevel::avx2vnni:
      return avx2 && f.avxvnni;
    case IsaLevel::avx512vnni: return avx2 && f.avx512_core() && f.avx512vnni;
    case IsaLevel::amx:
      return avx2 && f.avx512_core() && f.avx512vnni && f.amx_int8;
  }
  return false;
}

KernelConfig make(IsaLevel l) {
  static const UkernelSet scalar_gemm = ukernels_ref(4, 8);
  switch (l) {
    case IsaLevel::scalar:
      return {l, &scalar_gemm, &pool_kernels_scalar(), &convert_kernels_scalar(), &winograd_kernels_scalar()};
    case IsaLevel::avx2:
      return {l, &ukernels_avx2(), &pool_kernels_avx2(), &convert_kernels_avx2(), &winograd_kernels_avx2()};
    case IsaLevel::avx2vnni:  // only the int8 multiply differs from AVX2
      return {l, &ukernels_avx2vnni(), &pool_kernels_avx2(), &convert_kernels_avx2(),
              &winograd_kernels_avx2()};
    case IsaLevel::avx512vnni:  // F16C conversions are the AVX2 ones (one instruction either way)
      return {l, &ukernels_avx512(), &pool_kernels_avx512(), &convert_kernels_avx2(), &winograd_kernels_avx512()};
    case IsaLevel::amx:  // only the int8 GEMMs differ from AVX-512
      return {l, &ukernels_amx(), &pool_kernels_avx512(), &convert_kernels_avx2(),
              &winograd_kernels_avx512()};
  }
  return make(IsaLevel::scalar);
}

// The best level the CPU has at or below QCC_ISA's (an unknown value is an error, not ignored).
IsaLevel chosen_level() {
  const char* cap = std::getenv("QCC_ISA");
  IsaLevel limit = IsaLevel::amx;
  if (cap && *cap) {
    const std::optional<IsaLevel> l = isa_level_named(cap);
    if (!l)
      throw std::runtime_error(std::string("QCC_ISA='") + cap + "': expected " + isa_level_list());
    limit = *l;
  }
  IsaLevel best = IsaLevel::scalar;
  for (IsaLevel l : kIsaLevels)
    if (l <= limit && cpu_has(l)) best = l;
  return best;
}

}  // namespace

std::string KernelConfig::describe() const {
  return std::string("gemm=") + gemm->isa + " winograd=" + winograd->isa + " pool=" + pool->isa +
         " convert=" + convert->isa;
}

const KernelConfig& kernel_config() {
  static const KernelConfig c = make(chosen_level());
  return c;
}

const KernelConfig* kernel_config_for(IsaLevel level) {
  static const std::vector<KernelConfig> all = [] {
    std::vector<KernelConfig> v;
    for (IsaLevel l : kIsaLevels) v.push_back(make(l));
    return v;
  }();
  return cpu_has(level) ? &all[static_cast<size_t>(level)] : nullptr;
}

}  // namespace qcc::kernels

#include "kernels/config.h"

#include <cstdlib>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "kernels/cpu.h"
#include "kernels/isa_levels.h"
#include "kernels/peak.h"

namespace qcc::kernels {

namespace {

constexpr const char* kLevelNames[] = {
#define QCC_ISA_LEVEL(name) #name,
#include "kernels/isa_levels.def"
#undef QCC_ISA_LEVEL
};

bool has_avx2(const CpuFeatures& f) {
  return f.avx2 && f.fma && f.f16c;
}
bool has_avx512vnni(const CpuFeatures& f) {
  return has_avx2(f) && f.avx512_core() && f.avx512vnni;
}

const UkernelSet& ukernels_scalar() {
  static const UkernelSet set = ukernels_ref(4, 8);
  return set;
}

// Row i is level i (checked below). AVX-VNNI and AMX change only the int8 GEMMs; F16C
// conversions are AVX2's at every level above it (one instruction either way).
constexpr IsaLevelFacts kLevels[] = {
    {IsaLevel::scalar, [](const CpuFeatures&) { return true; }, ukernels_scalar,
     pool_kernels_scalar, convert_kernels_scalar, winograd_kernels_scalar, nullptr, nullptr, ""},
    {IsaLevel::avx2, has_avx2, ukernels_avx2, pool_kernels_avx2, convert_kernels_avx2,
     winograd_kernels_avx2, peak::fma_avx2, peak::int8_avx2, "vpmaddubsw+vpmaddwd+vpaddd"},
    {IsaLevel::avx2vnni, [](const CpuFeatures& f) { return has_avx2(f) && f.avxvnni; },
     ukernels_avx2vnni, pool_kernels_avx2, convert_kernels_avx2, winograd_kernels_avx2,
     peak::fma_avx2, peak::int8_avx2vnni, "vpdpbusd (256-bit)"},
    {IsaLevel::avx512vnni, has_avx512vnni, ukernels_avx512, pool_kernels_avx512,
     convert_kernels_avx2, winograd_kernels_avx512, peak::fma_avx512, peak::int8_avx512,
     "vpdpbusd"},
    {IsaLevel::amx, [](const CpuFeatures& f) { return has_avx512vnni(f) && f.amx_int8; },
     ukernels_amx, pool_kernels_avx512, convert_kernels_avx2, winograd_kernels_avx512,
     peak::fma_avx512, peak::int8_amx, "tdpbusd"},
};

static_assert(std::size(kLevels) == std::size(kIsaLevels) &&
              std::size(kLevelNames) == std::size(kIsaLevels));
static_assert([] {
  for (size_t i = 0; i < std::size(kIsaLevels); ++i)
    if (kIsaLevels[i] != static_cast<IsaLevel>(i) || kLevels[i].level != kIsaLevels[i])
      return false;
  return true;
}());

}  // namespace

const IsaLevelFacts& isa_level_facts(IsaLevel l) {
  return kLevels[static_cast<size_t>(l)];
}

const char* isa_level_name(IsaLevel l) {
  return kLevelNames[static_cast<size_t>(l)];
}

std::optional<IsaLevel> isa_level_named(const char* name) {
  for (IsaLevel l : kIsaLevels)
    if (!std::strcmp(name, isa_level_name(l))) return l;
  return std::nullopt;
}

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
  return isa_level_facts(l).cpu_has(cpu_features());
}

KernelConfig make(IsaLevel l) {
  const IsaLevelFacts& f = isa_level_facts(l);
  return {l, &f.gemm(), &f.pool(), &f.convert(), &f.winograd()};
}

// The best level the CPU has at or below QCC_ISA's (an unknown value is an error, not ignored).
IsaLevel chosen_level() {
  const char* cap = std::getenv("QCC_ISA");
  IsaLevel limit = std::end(kIsaLevels)[-1];  // the highest
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
